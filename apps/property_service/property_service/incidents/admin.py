from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin, OwnedRowsInline, WorkflowActionsMixin
from ..core.display import state_and_label
from ..core.errors import ActionError
from ..core.filters import ScopedRelatedFilter
from ..core.intake import locked_fields
from ..registry.models import Unit, check_places_in_community
from ..workorders.models import Priority, WorkOrderCategory
from . import services
from .models import WORK_ORDER_CATEGORY, Incident, IncidentAttachment, PlaybookStep
from .report import report_filename, report_pdf
from .selectors import incident_timeline
from .states import CHECKLIST_STATES, EDITABLE_STATES, State


class ActionForm(forms.Form):
    """The fields any action on the form may need; the service says which are required."""

    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    item = forms.IntegerField(required=False)
    at = forms.DateTimeField(required=False)
    category = forms.ModelChoiceField(queryset=WorkOrderCategory.objects.filter(is_active=True),
                                      required=False)
    units = forms.ModelMultipleChoiceField(queryset=Unit.objects.all(), required=False)
    priority = forms.ChoiceField(choices=[("", "—"), *Priority.choices], required=False)


class IncidentForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        community_id = data["community"].pk if data.get("community") else \
            self.instance.community_id
        if community_id and ("buildings" in data or "units" in data):
            check_places_in_community(community_id, buildings=data.get("buildings") or (),
                                      units=data.get("units") or ())
        return data


class AttachmentInline(OwnedRowsInline):
    """Scene photos and documents: whoever may edit the incident may add and remove them."""

    model = IncidentAttachment
    fields = ["file", "description", "open_file", "uploaded_at"]
    file_view = "attachment"


@admin.register(Incident)
class IncidentAdmin(WorkflowActionsMixin, BaseAdmin):
    form = IncidentForm
    action_form_class = ActionForm
    list_display = ["number", "state_badge", "kind", "community", "location", "reported_at",
                    "people_affected"]
    list_filter = ["state", "kind", ("community", ScopedRelatedFilter)]
    list_select_related = ["community"]
    search_fields = ["=number"]
    search_help_text = _("Exact incident number (YJ-202611-00042).")
    autocomplete_fields = ["buildings", "units"]
    date_hierarchy = "reported_at"
    inlines = [AttachmentInline]
    # Outside the admin form: the action forms must not nest inside it.
    change_form_outer_before_template = "property_service/incident_actions.html"
    add_fields = ["kind", "community", "location", "buildings", "units", "reported_at",
                  "people_affected", "summary"]
    change_fields = ["number", "state", "kind", "community", "location", "buildings", "units",
                     "reported_at", "contained_at", "resolved_at", "people_affected",
                     "reported_by", "summary", "actions_taken", "injuries_damage", "cause",
                     "corrective_actions", "approved_by", "approved_at", "closed_at"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.state in EDITABLE_STATES and request.user.has_perm(services.WORK):
            # What the incident declares correctable (``Incident.editable_after_intake``).
            return locked_fields(obj, self.change_fields)
        return self.change_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.create_incident(
                by=request.user, community=data["community"], kind=data["kind"],
                location=data["location"], reported_at=data.get("reported_at"),
                buildings=data.get("buildings") or (), units=data.get("units") or (),
                people_affected=data.get("people_affected") or 0,
                summary=data.get("summary", ""))
            obj.pk, obj.number, obj._state.adding = created.pk, created.number, False
            return
        changed = set(form.changed_data)
        fields = {f: data[f] for f in changed if f not in ("buildings", "units")}
        places = {f: data[f] for f in ("buildings", "units") if f in changed}
        if fields or places:
            services.update_incident(incident_id=obj.pk, user=request.user, **places, **fields)

    def save_related(self, request, form, formsets, change):
        # The services set the affected buildings and units; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @display(description=_("state"), ordering="state", label={
        State.OPEN: "danger", State.CONTAINED: "warning", State.REPORT_DRAFTED: "info",
        State.APPROVED: "success", State.CLOSED: ""})
    def state_badge(self, incident):
        return state_and_label(incident)

    def get_urls(self):
        return [
            path("attachment/<int:attachment_id>/", self.admin_site.admin_view(
                self.attachment_view), name="property_service_incident_attachment"),
            path("<int:object_id>/report/", self.admin_site.admin_view(self.report_view),
                 name="property_service_incident_report"),
        ] + super().get_urls()

    def attachment_view(self, request, attachment_id):
        return self.owned_file_response(request, IncidentAttachment.objects.all(),
                                        attachment_id, owner="incident", file_field="file")

    def report_view(self, request, object_id):
        """The printable report, in the user's language, of an incident they may see."""
        incident = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, incident):
            raise PermissionDenied
        response = HttpResponse(report_pdf(incident), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{report_filename(incident)}"'
        return response

    def perform_action(self, user, incident, data):
        action = data["action"]
        if action in ("tick", "untick"):
            if data["item"] is None:
                raise ActionError(_("Choose the step."))
            return services.tick_checklist_item(incident_id=incident.pk, item_id=data["item"],
                                                user=user, done=action == "tick")
        if action == "note":
            return services.add_timeline_entry(incident_id=incident.pk, user=user,
                                               text=data["comment"], at=data["at"])
        if action == "raise_work_orders":
            if data["category"] is None:
                raise ActionError(_("Choose the work-order category."))
            return services.raise_work_orders(
                incident_id=incident.pk, user=user, category=data["category"],
                units=data["units"], description=data["comment"],
                priority=data["priority"] or None)
        if action == "raise_notice":
            return services.raise_outage_notice(incident_id=incident.pk, user=user)
        return services.transition_incident(
            incident_id=incident.pk, user=user, action=action,
            expected_state=data["expected_state"] or None, comment=data["comment"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user = request.user
            works = user.has_perm(services.WORK)
            context.update({
                "i_actions": services.available_actions(obj, user),
                "i_act_url": reverse("admin:property_service_incident_act", args=[obj.pk]),
                "i_report_url": reverse("admin:property_service_incident_report",
                                        args=[obj.pk]),
                "i_checklist": obj.checklist.select_related("done_by"),
                "i_can_tick": works and obj.state in CHECKLIST_STATES,
                "i_can_note": works and obj.state in EDITABLE_STATES,
                "i_can_raise": works and obj.state != State.CLOSED,
                "i_categories": WorkOrderCategory.objects.filter(is_active=True),
                "i_default_category": WORK_ORDER_CATEGORY.get(obj.kind),
                "i_priorities": Priority.choices,
                "i_units": obj.units.select_related("building"),
                "i_timeline": incident_timeline(obj),
                "i_work_orders": obj.work_orders.all(),
                "i_notices": obj.notices.all(),
                # Claims (and their amounts) only for those who handle claims, not security.
                "i_claims": obj.claims.all() if user.has_perm("property_service.view_claim")
                else [],
                "i_may_open_notices": user.has_perm("property_service.view_notice"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(PlaybookStep)
class PlaybookStepAdmin(BaseAdmin):
    list_display = ["incident_kind", "position", "step"]
    list_filter = ["incident_kind"]
    list_display_links = ["incident_kind", "position"]

    @display(description=_("step"))
    def step(self, step):
        """In the reader's language; both are on the step's page."""
        return step.text
