"""Template tags of every back-office page."""

from django import template
from django.urls import reverse

from ..core.display import display_name
from ..core.notifications import page_unread_badge

register = template.Library()


@register.inclusion_tag("property_service/admin/bell.html", takes_context=True)
def notification_bell(context):
    """The bell in the top bar: the unread count ("99+" past the cap, counted once per page
    with the user menu's), linking to the caller's notifications; its drop-down lists the
    newest unread ones when opened (read then, not on every page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return {"show": False}
    return {"show": True, "badge": page_unread_badge(request),
            "list_url": reverse("admin:property_service_notification_changelist"),
            "unread_url": reverse("admin:property_service_notification_unread")}


@register.filter
def person(user) -> str:
    """A user as staff see them: ``core.display.display_name``."""
    return display_name(user)
