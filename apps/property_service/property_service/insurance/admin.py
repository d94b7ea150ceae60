from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin, WorkflowActionsMixin
from ..core.display import state_and_label
from ..core.filters import ScopedRelatedFilter
from ..core.intake import locked_fields
from ..renewals.admin import AgreementAdmin
from . import claims
from .claim_states import ENTERED_FIELDS
from .models import Claim, InsurancePolicy


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(AgreementAdmin):
    list_display = ["policy_number", "insurer", "kind", "community", "state_badge", "end_date",
                    "days_left", "renewal_step", "responsible_name", "sum_insured"]
    search_fields = ["policy_number", "insurer"]
    add_fields = ["community", "kind", "insurer", "policy_number", "insured_assets", "cover",
                  "start_date", "end_date", "sum_insured", "premium", "currency", "responsible",
                  "notes"]
    amount_field = "premium"


class ClaimActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    amount = forms.DecimalField(required=False, max_digits=14, decimal_places=2)
    insurer_reference = forms.CharField(required=False, max_length=50)


@admin.register(Claim)
class ClaimAdmin(WorkflowActionsMixin, BaseAdmin):
    action_form_class = ClaimActionForm
    change_form_outer_before_template = "property_service/claim_actions.html"
    list_display = ["number", "policy", "state_badge", "loss_date", "amount_claimed",
                    "amount_approved", "amount_paid"]
    list_filter = ["state", ("policy__community", ScopedRelatedFilter)]
    list_select_related = ["policy"]
    search_fields = ["=number", "insurer_reference", "policy__policy_number"]
    autocomplete_fields = ["policy", "incident"]
    date_hierarchy = "loss_date"
    add_fields = list(ENTERED_FIELDS)
    change_fields = ["number", "state", *add_fields, "submitted_on", "decided_on",
                     "amount_approved", "rejection_reason", "amount_paid", "paid_on"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # What the claim's state still lets change (``Claim.editable_fields``).
        return locked_fields(obj, self.change_fields)

    def save_model(self, request, obj, form, change):
        if change:
            claims.correct_claim(claim_id=obj.pk, user=request.user, changes={
                name: form.cleaned_data[name] for name in form.changed_data})
            return
        created = claims.create_claim(by=request.user, **{f: form.cleaned_data.get(f)
                                                          for f in self.add_fields})
        obj.pk, obj.number, obj._state.adding = created.pk, created.number, False

    @display(description=_("state"), ordering="state", label={
        "draft": "", "submitted": "info", "approved": "success", "rejected": "danger",
        "paid": "success"})
    def state_badge(self, claim):
        return state_and_label(claim)

    def perform_action(self, user, claim, data):
        return claims.transition_claim(
            claim_id=claim.pk, user=user, action=data["action"],
            expected_state=data["expected_state"] or None, comment=data["comment"],
            amount=data["amount"], insurer_reference=data["insurer_reference"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context.update({
                "c_actions": claims.available_claim_actions(obj, request.user),
                "c_act_url": reverse("admin:property_service_claim_act", args=[obj.pk]),
                "c_events": obj.events.select_related("by"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)
