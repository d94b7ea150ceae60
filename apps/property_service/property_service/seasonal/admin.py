from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin, WorkflowActionsMixin
from ..core.filters import ScopedRelatedFilter
from . import services
from .models import GreetingTemplate, ScheduledNotice, SeasonalReminder
from .states import State


class ActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)


@admin.register(ScheduledNotice)
class ScheduledNoticeAdmin(WorkflowActionsMixin, BaseAdmin):
    """The drafts the daily job wrote: read, corrected while awaiting approval, then approved
    (published as a notice) or rejected, each through ``services``."""

    action_form_class = ActionForm
    list_display = ["title", "state_badge", "community", "occasion_name", "starts_on",
                    "created_at"]
    list_filter = ["state", ("community", ScopedRelatedFilter), "year"]
    list_select_related = ["community"]
    search_fields = ["^title"]
    search_help_text = _("Title, from the start.")
    date_hierarchy = "starts_on"
    change_form_outer_before_template = "property_service/scheduled_notice_actions.html"
    fields = ["title", "body", "community", "occasion_name", "starts_on", "ends_on", "language",
              "template", "reminder", "state", "notice", "decided_by", "decided_at",
              "reject_reason"]

    def has_add_permission(self, request):
        return False  # drafted by the daily job only

    def get_readonly_fields(self, request, obj=None):
        editable = ("title", "body") if obj is not None and obj.state == State.PENDING else ()
        return [f for f in self.fields if f not in editable]

    def save_model(self, request, obj, form, change):
        services.scheduled_notice_correct(draft_id=obj.pk, user=request.user,
                                          title=form.cleaned_data["title"],
                                          body=form.cleaned_data["body"])

    @display(description=_("state"), ordering="state", label={
        State.PENDING: "info", State.PUBLISHED: "success", State.REJECTED: ""})
    def state_badge(self, draft):
        return draft.state, draft.get_state_display()

    def perform_action(self, user, draft, data):
        return services.scheduled_notice_transition(
            draft_id=draft.pk, user=user, action=data["action"],
            expected_state=data["expected_state"] or None, comment=data["comment"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context.update({
                "s_actions": services.available_actions(obj, request.user),
                "s_act_url": reverse("admin:property_service_schedulednotice_act",
                                     args=[obj.pk]),
                "s_events": obj.events.select_related("by"),
                "s_may_open_notice": obj.notice_id and request.user.has_perm(
                    "property_service.view_notice"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(GreetingTemplate)
class GreetingTemplateAdmin(BaseAdmin):
    list_display = ["name_zh", "code", "occasion", "community", "lead_days"]
    list_filter = ["occasion", ("community", ScopedRelatedFilter)]
    list_select_related = ["community"]
    search_fields = ["^code", "^name_zh"]
    search_help_text = _("Code or name, from the start.")
    autocomplete_fields = ["community"]
    fieldsets = [
        (None, {"fields": ["community", "code", "occasion", "holiday_names", "lead_days"]}),
        (_("Chinese"), {"fields": ["name_zh", "title_zh", "body_zh"]}),
        (_("English"), {"fields": ["name_en", "title_en", "body_en"]}),
    ]


@admin.register(SeasonalReminder)
class SeasonalReminderAdmin(BaseAdmin):
    list_display = ["name", "community", "month", "day", "template", "lead_days", "is_active"]
    list_filter = [("community", ScopedRelatedFilter), "is_active"]
    list_select_related = ["community", "template"]
    search_fields = ["^name"]
    search_help_text = _("Name, from the start.")
    autocomplete_fields = ["community"]
    fields = ["community", "name", "template", "month", "day", "lead_days", "is_active"]
