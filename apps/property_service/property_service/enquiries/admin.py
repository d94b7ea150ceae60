from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..complaints.models import Category as ComplaintCategory
from ..core.admin import BaseAdmin, BigTableListMixin, RulesAdminMixin, WorkflowActionsMixin
from ..core.display import state_and_label
from ..core.filters import ScopedRelatedFilter, queue_filter
from ..registry.prefill import PrefillFromRegistryMixin
from ..workorders.models import WorkOrderCategory
from . import services
from .deadlines import deadline_rows
from .jobs import chase_every_enquiry_again
from .models import Enquiry, EnquiryStandard
from .selectors import queue_conditions, search_enquiries
from .states import State

# The queues (``selectors.queue_conditions``), as tabs and as a filter.
QueueFilter = queue_filter(queue_conditions)


class ActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    handler = forms.ModelChoiceField(queryset=get_user_model().objects.all(), required=False)
    into = forms.CharField(required=False)
    work_order_category = forms.ModelChoiceField(
        queryset=WorkOrderCategory.objects.filter(is_active=True), required=False)
    complaint_category = forms.ChoiceField(choices=[("", "")] + list(ComplaintCategory.choices),
                                           required=False)


@admin.register(Enquiry)
class EnquiryAdmin(PrefillFromRegistryMixin, BigTableListMixin, WorkflowActionsMixin, BaseAdmin):
    action_form_class = ActionForm
    list_display = ["number", "state_badge", "topic", "where", "complex", "handler",
                    "received_at"]
    list_filter = [QueueFilter, "state", "topic", ("community", ScopedRelatedFilter), "complex"]
    list_select_related = ["community", "unit__building__community", "handler"]
    search_fields = ["=number", "=unit__number"]
    search_help_text = _("Exact enquiry number or exact unit number.")
    autocomplete_fields = ["unit", "resident"]
    date_hierarchy = "received_at"
    change_form_outer_before_template = "property_service/enquiry_actions.html"
    add_fields = ["community", "unit", "resident", "channel", "topic", "complex", "question"]
    change_fields = ["number", "state", "community", "unit", "resident", "channel", "topic",
                     "complex", "question", "handler", "answer", "resolution", "close_reason",
                     "work_order", "complaint", "received_at"]

    def get_search_results(self, request, queryset, search_term):
        return search_enquiries(queryset, search_term, user=request.user), False

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        # After intake every change is an action with its own service and timeline row.
        return [] if obj is None else self.change_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = services.create_enquiry(
            by=request.user, community=data["community"], unit=data.get("unit"),
            resident=data.get("resident"), channel=data["channel"], topic=data["topic"],
            question=data["question"], complex=data.get("complex", False))
        obj.pk, obj.number, obj._state.adding = created.pk, created.number, False

    @display(description=_("state"), ordering="state", label={
        State.NEW: "info", State.HANDED_OVER: "info", State.CONTACTED: "info",
        State.ANSWERED: "success", State.ANSWERED_AT_DESK: "success",
        State.RESOLVED: "success", State.CONVERTED: "warning", State.CLOSED: ""})
    def state_badge(self, enquiry):
        return state_and_label(enquiry)

    @display(description=_("where"))
    def where(self, enquiry):
        return str(enquiry.unit) if enquiry.unit_id else enquiry.community.name

    def perform_action(self, user, enquiry, data):
        if data["action"] == "convert":
            return services.convert_enquiry(
                enquiry_id=enquiry.pk, user=user, into=data["into"],
                expected_state=data["expected_state"] or None, comment=data["comment"],
                work_order_category=data["work_order_category"],
                complaint_category=data["complaint_category"])
        return services.transition_enquiry(
            enquiry_id=enquiry.pk, user=user, action=data["action"],
            expected_state=data["expected_state"] or None, comment=data["comment"],
            handler=data["handler"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user = request.user
            actions = services.available_actions(obj, user)
            context.update({
                "e_actions": [a for a in actions if a.name != "convert"],
                "e_can_convert_work_order": any(a.name == "convert" for a in actions)
                and user.has_perm("property_service.add_workorder"),
                "e_can_convert_complaint": any(a.name == "convert" for a in actions)
                and user.has_perm("property_service.add_complaint"),
                "e_work_order_categories": WorkOrderCategory.objects.filter(is_active=True),
                "e_complaint_categories": ComplaintCategory.choices,
                "e_act_url": reverse("admin:property_service_enquiry_act", args=[obj.pk]),
                "e_handlers": [u for u in services.handlers_for(obj.community_id)
                               if u.has_perm("property_service.handle_enquiry")],
                "e_deadlines": deadline_rows(obj, timezone.now()),
                "e_events": obj.events.select_related("by"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(EnquiryStandard)
class EnquiryStandardAdmin(RulesAdminMixin, BaseAdmin):
    after_change = (chase_every_enquiry_again,)
    list_display = ["__str__", "handover_minutes", "contact_minutes", "answer_minutes",
                    "resolve_working_days"]
    list_select_related = ["community"]
