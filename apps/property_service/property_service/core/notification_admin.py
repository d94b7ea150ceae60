"""The bell in the back office: each staff user's own notifications, read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import display

from .admin import ReadOnlyAdmin
from .display import record_label
from .models import Notification
from .notifications import email_state, latest_unread, mark_read


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
    fields = ["kind", "message", "target_link", "created_at", "read_at", "emailed_at",
              "email_state_text"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    actions = ["mark_as_read"]

    @admin.display(description=_("email"))
    def email_state_text(self, obj):
        return {"sent": _("Sent."),
                "pending": _("Not sent yet: it is tried again every few minutes."),
                "failed": _("Not sent: given up after 24 hours of failed attempts."),
                "none": _("No email address.")}[email_state(obj)]

    def get_queryset(self, request):
        # The records they are about, one query per kind of record on the page.
        return (super().get_queryset(request).filter(user_id=request.user.pk)
                .prefetch_related("target"))

    def get_urls(self):
        return [
            path("unread/", self.admin_site.admin_view(self.unread_view),
                 name="property_service_notification_unread"),
            path("<int:notification_id>/open/", self.admin_site.admin_view(self.open_view),
                 name="property_service_notification_open"),
        ] + super().get_urls()

    def unread_view(self, request):
        """The bell's drop-down: the caller's newest unread notifications."""
        if not self.has_view_permission(request):
            raise Http404
        return TemplateResponse(request, "property_service/admin/bell_items.html",
                                {"notifications": latest_unread(request.user)})

    def open_view(self, request, notification_id):
        """Mark one of the caller's notifications read and open the record it is about (or the
        notification itself when it is about none)."""
        if not self.has_view_permission(request):
            raise Http404
        try:
            notification = mark_read(user=request.user, notification_id=notification_id)
        except Notification.DoesNotExist:
            raise Http404 from None
        return redirect(self.target_url(notification)
                        or reverse(f"{self.admin_site.name}:property_service_notification_change",
                                   args=[notification.pk]))

    def target_url(self, notification) -> str | None:
        content_type = notification.target_type
        if content_type is None or notification.target_id is None:
            return None
        try:
            return reverse(f"{self.admin_site.name}:{content_type.app_label}_"
                           f"{content_type.model}_change", args=[notification.target_id])
        except NoReverseMatch:
            return None

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    @display(description=_("about"))
    def target_link(self, notification):
        content_type = notification.target_type
        if content_type is None or notification.target_id is None:
            return self.get_empty_value_display()
        target = notification.target
        # A record deleted since is named by its kind alone.
        label = record_label(target) if target is not None else capfirst(content_type.name)
        if target is None or self.target_url(notification) is None:
            return label
        # Opened through the notification: following it marks it read.
        return format_html('<a href="{}">{}</a>', reverse(
            f"{self.admin_site.name}:property_service_notification_open",
            args=[notification.pk]), label)

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
