from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import (
    BaseAdmin,
    BigTableListMixin,
    OwnedRowsInline,
    RulesAdminMixin,
    WorkflowActionsMixin,
)
from ..core.display import StaffChoiceField, display_name, state_and_label
from ..core.filters import ScopedRelatedFilter, queue_filter
from ..core.intake import locked_fields
from ..core.workcalendar import provisional_years, provisional_years_among
from ..registry.prefill import PrefillFromRegistryMixin
from . import services
from .deadlines import DEADLINES, deadline_rows, standard_for
from .figures import figures_view
from .jobs import chase_every_complaint_again
from .models import Complaint, ComplaintAttachment, ComplaintStandard
from .selectors import (
    complaint_events,  # noqa: F401  (registers the unit-history source)
    queue_conditions,
    search_complaints,
)
from .services import supervisors_for
from .states import OPEN_STATES, State


class ActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    supervisor = StaffChoiceField(queryset=get_user_model().objects.all(), required=False)
    satisfied = forms.BooleanField(required=False)
    satisfaction = forms.IntegerField(required=False, min_value=1, max_value=5)


# The queues (``selectors.queue_conditions``), as tabs and as a filter.
QueueFilter = queue_filter(queue_conditions)


class AttachmentInline(OwnedRowsInline):
    """Attachments belong to their complaint: whoever may edit it may add and remove them."""

    model = ComplaintAttachment
    fields = ["file", "description", "open_file", "uploaded_at"]
    file_view = "attachment"


@admin.register(Complaint)
class ComplaintAdmin(PrefillFromRegistryMixin, BigTableListMixin, WorkflowActionsMixin, BaseAdmin):
    action_form_class = ActionForm
    list_display = ["number", "state_badge", "severity", "category", "where", "supervisor_name",
                    "received_at", "emotional"]
    list_filter = [QueueFilter, "state", "severity", "category", ("community", ScopedRelatedFilter),
                   "emotional"]
    list_select_related = ["community", "unit__building__community", "supervisor"]
    list_row_fields = ("number", "state", "severity", "category", "received_at", "emotional",
                       "community__name", "unit__entrance", "unit__number",
                       "unit__building__name", "unit__building__community__name",
                       "supervisor__username", "supervisor__first_name",
                       "supervisor__last_name")
    # The search itself is search_complaints: each kind of number on its own index.
    search_fields = ["=number", "=unit__number"]
    search_help_text = _("Exact complaint number or exact unit number.")
    autocomplete_fields = ["unit", "resident", "staff_concerned"]
    date_hierarchy = "received_at"
    inlines = [AttachmentInline]
    # Outside the admin form: the action forms must not nest inside it.
    change_form_outer_before_template = "property_service/complaint_actions.html"
    add_fields = ["community", "unit", "resident", "channel", "category", "severity",
                  "emotional", "content", "request", "staff_concerned"]
    change_fields = ["number", "state", "community", "unit", "resident", "channel", "category",
                     "severity", "emotional", "content", "request", "staff_concerned",
                     "supervisor_name", "plan", "answer", "resolution", "withdraw_reason",
                     "satisfaction", "reopen_count", "reopened_at", "withdrawn_at",
                     "manager_acknowledged_at",
                     "manager_acknowledged_by_name", "received_at"]

    def get_search_results(self, request, queryset, search_term):
        return search_complaints(queryset, search_term, user=request.user), False

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return locked_fields(obj, self.change_fields)

    def save_model(self, request, obj, form, change):
        if change:
            services.correct_complaint(complaint_id=obj.pk, user=request.user, changes={
                name: form.cleaned_data[name] for name in form.changed_data})
            return
        data = form.cleaned_data
        created = services.create_complaint(
            by=request.user, community=data["community"], unit=data.get("unit"),
            resident=data.get("resident"), channel=data["channel"], category=data["category"],
            severity=data["severity"], emotional=data.get("emotional", False),
            content=data["content"], request=data.get("request", ""),
            staff_concerned=data.get("staff_concerned"))
        obj.pk, obj.number, obj._state.adding = created.pk, created.number, False

    @display(description=_("state"), ordering="state", label={
        State.RECEIVED: "info", State.ASSIGNED: "info", State.CONTACTED: "info",
        State.PLAN_AGREED: "warning", State.RESOLVED: "success", State.FOLLOW_UP: "success",
        State.CLOSED: "success", State.REOPENED: "danger", State.WITHDRAWN: ""})
    def state_badge(self, complaint):
        return state_and_label(complaint)

    @display(description=_("supervisor"), ordering="supervisor")
    def supervisor_name(self, complaint):
        return display_name(complaint.supervisor) or self.get_empty_value_display()

    @display(description=_("acknowledged by"))
    def manager_acknowledged_by_name(self, complaint):
        return display_name(complaint.manager_acknowledged_by) or self.get_empty_value_display()

    @display(description=_("where"))
    def where(self, complaint):
        return str(complaint.unit) if complaint.unit_id else complaint.community.name

    def get_urls(self):
        return [
            path("attachment/<int:attachment_id>/", self.admin_site.admin_view(
                self.attachment_view), name="property_service_complaint_attachment"),
            path("figures/", self.admin_site.admin_view(
                lambda request: figures_view(request, self)),
                name="property_service_complaint_figures"),
        ] + super().get_urls()

    def attachment_view(self, request, attachment_id):
        return self.owned_file_response(request, ComplaintAttachment.objects.all(),
                                        attachment_id, owner="complaint", file_field="file")

    def perform_action(self, user, complaint, data):
        if data["action"] == "acknowledge":
            return services.acknowledge_major(complaint_id=complaint.pk, user=user)
        if data["action"] == "raise_major":
            return services.raise_to_major(complaint_id=complaint.pk, user=user,
                                           reason=data["comment"])
        if data["action"] == "answer":
            return services.record_answer(complaint_id=complaint.pk, user=user,
                                          answer=data["comment"])
        if data["action"] == "follow_up":
            return services.record_follow_up(
                complaint_id=complaint.pk, user=user, satisfied=data["satisfied"],
                satisfaction=data["satisfaction"], note=data["comment"])
        return services.transition_complaint(
            complaint_id=complaint.pk, user=user, action=data["action"],
            expected_state=data["expected_state"] or None, comment=data["comment"],
            supervisor=data["supervisor"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user = request.user
            context.update({
                "c_actions": [a for a in services.available_actions(obj, user)
                              if a.name not in ("start_follow_up", "close", "reopen")],
                "c_act_url": reverse("admin:property_service_complaint_act", args=[obj.pk]),
                "c_supervisors": [u for u in supervisors_for(obj.community_id)
                                  if u.has_perm("property_service.handle_complaint")],
                "c_can_acknowledge": obj.severity == "major"
                and obj.manager_acknowledged_at is None
                and user.has_perm("property_service.acknowledge_complaint"),
                "c_can_raise": obj.severity != "major" and obj.state in OPEN_STATES
                and user.has_perm("property_service.raise_complaint"),
                "c_can_answer": user.has_perm("property_service.handle_complaint")
                and obj.state not in (State.RECEIVED, State.WITHDRAWN, State.CLOSED),
                "c_can_follow_up": user.has_perm("property_service.follow_up_complaint")
                and obj.state in (State.RESOLVED, State.FOLLOW_UP),
                "c_deadlines": deadline_rows(obj, timezone.now()),
                "provisional_years": provisional_years_among(
                    [getattr(obj, d.due_field) for d in DEADLINES],
                    provisional_years(standard_for(community_id=obj.community_id,
                                                    severity=obj.severity).calendar),
                    timezone.get_default_timezone()),
                "c_rounds": obj.reopen_count > 0,
                "c_events": obj.events.select_related("by"),
                "c_work_orders": obj.work_orders.all(),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(ComplaintStandard)
class ComplaintStandardAdmin(RulesAdminMixin, BaseAdmin):
    after_change = (chase_every_complaint_again,)
    list_display = ["__str__", "handover_minutes", "contact_minutes", "plan_minutes",
                    "answer_minutes", "resolve_working_days", "follow_up_minutes"]
    list_filter = ["severity"]
    list_select_related = ["community"]
