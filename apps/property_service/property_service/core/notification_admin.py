"""The bell in the back office: each staff user's own notifications, read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import display

from .admin import ReadOnlyAdmin
from .models import Notification
from .notifications import mark_read


class ReadStateFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Every staff user sees their own notifications, and only theirs (superusers included),
    without needing any model permission; nobody adds, edits or deletes them here."""

    list_display = ["created_at", "kind", "message", "target_link", "is_read"]
    list_filter = ["kind", ReadStateFilter]
    list_select_related = ["target_type"]
    fields = ["kind", "message", "target_link", "created_at", "read_at", "emailed_at"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    actions = ["mark_as_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user_id=request.user.pk)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    @display(description=_("about"))
    def target_link(self, notification):
        content_type = notification.target_type
        if content_type is None or notification.target_id is None:
            return self.get_empty_value_display()
        label = f"{capfirst(content_type.name)} #{notification.target_id}"
        try:
            url = reverse(f"{self.admin_site.name}:{content_type.app_label}_"
                          f"{content_type.model}_change", args=[notification.target_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @display(description=_("read"), boolean=True)
    def is_read(self, notification):
        return notification.read

    @admin.action(description=_("Mark as read"))
    def mark_as_read(self, request, queryset):
        # The queryset is already limited to the caller's own notifications.
        unread = list(queryset.filter(read_at__isnull=True).values_list("pk", flat=True))
        for notification_id in unread:
            mark_read(user=request.user, notification_id=notification_id)
        self.message_user(request, ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.", len(unread)) % {"count": len(unread)},
            messages.SUCCESS)
