"""The back office of contracts and policies: one base, the forms of each kind declare fields."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin, BigTableListMixin, OwnedRowsInline, WorkflowActionsMixin
from ..core.display import display_name, state_and_label
from ..core.filters import ScopedRelatedFilter
from ..core.intake import locked_fields
from ..core.params import choice_param
from . import rules, services
from .dashboard import RenewalGroupFilter, dashboard_view
from .models import AgreementDocument
from .selectors import search_agreements
from .states import State


class ActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    # A renewal: the successor's number, dates and figures.
    number = forms.CharField(required=False, max_length=50)
    start_date = forms.DateField(required=False)
    end_date = forms.DateField(required=False)
    amount = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)


class ExpiryFilter(admin.SimpleListFilter):
    title = _("time to expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [(rules.EXPIRED, _("Past the end date"))] + [
            (t.code, t.within()) for t in reversed(rules.thresholds())]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = choice_param(request.GET, self.parameter_name,
                             [code for code, _label in self.lookup_choices])
        if value is None:
            return queryset
        if value == rules.EXPIRED:
            return queryset.filter(end_date__lt=today)
        chosen = next((t for t in rules.thresholds() if t.code == value), None)
        if chosen is not None:
            return queryset.filter(end_date__gte=today,
                                   end_date__lte=rules.latest_end_within(today, chosen))
        return queryset


class DocumentInline(OwnedRowsInline):
    model = AgreementDocument
    fields = ["file", "description", "open_file", "uploaded_at"]
    file_view = "document"


STATE_COLOURS = {State.DRAFT: "", State.ACTIVE: "success", State.RENEWAL_DUE: "warning",
                 State.NEGOTIATING: "info", State.RENEWED: "success", State.EXPIRED: "danger",
                 State.TERMINATED: ""}


class AgreementAdmin(BigTableListMixin, WorkflowActionsMixin, BaseAdmin):
    """Subclasses set ``add_fields`` (everything entered with a draft), ``amount_field`` (the
    figure a renewal restates with the model's ``number_field``) and the list columns; what
    stays correctable once in force is the model's ``editable_in_force``."""

    action_form_class = ActionForm
    change_form_outer_before_template = "property_service/agreement_actions.html"
    list_before_template = "property_service/renewal_links.html"
    list_filter = ["state", ExpiryFilter, RenewalGroupFilter, "kind",
                   ("community", ScopedRelatedFilter)]
    list_select_related = ["community", "responsible"]
    autocomplete_fields = ["responsible"]
    date_hierarchy = "end_date"
    search_help_text = _("The beginning of the number, or part of the other party's name.")
    inlines = [DocumentInline]
    add_fields: list[str] = []
    amount_field = ""

    @display(description=_("responsible"), ordering="responsible")
    def responsible_name(self, agreement):
        return display_name(agreement.responsible) or self.get_empty_value_display()

    def get_search_results(self, request, queryset, search_term):
        return search_agreements(queryset, search_term), False

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return ["state", *self.add_fields, "renewal_step", "successor", "terminated_on",
                "termination_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = self.get_fields(request, obj)
        if obj.state == State.DRAFT:
            return [f for f in fields if f not in self.add_fields]
        # Once in force: what the model declares still correctable (its ``editable_fields``).
        return locked_fields(obj, fields)

    def save_model(self, request, obj, form, change):
        if change:
            services.correct_agreement(model=self.model, pk=obj.pk, user=request.user, changes={
                name: form.cleaned_data[name] for name in form.changed_data})
            return
        created = services.create_agreement(model=self.model, by=request.user,
                                            **{f: form.cleaned_data.get(f)
                                               for f in self.add_fields})
        obj.pk, obj._state.adding = created.pk, False

    @display(description=_("state"), ordering="state", label=STATE_COLOURS)
    def state_badge(self, agreement):
        return state_and_label(agreement)

    @display(description=_("days left"), ordering="end_date")
    def days_left(self, agreement):
        if not agreement.is_live:
            return "—"
        return agreement.days_to_expiry()

    def get_urls(self):
        opts = self.model._meta
        urls = [path("document/<int:document_id>/", self.admin_site.admin_view(
            self.document_view), name=f"{opts.app_label}_{opts.model_name}_document")]
        if opts.model_name == "contract":
            # The dashboard covers both kinds; it lives once, under the contracts.
            urls.append(path("renewals/", self.admin_site.admin_view(
                lambda request: dashboard_view(request, self)),
                name="property_service_renewal_dashboard"))
        return urls + super().get_urls()

    def document_view(self, request, document_id):
        return self.owned_file_response(request, AgreementDocument.objects.all(), document_id,
                                        owner=self.model.owner_name, file_field="file")

    def perform_action(self, user, agreement, data):
        successor = None
        if data["action"] == "renew":
            successor = {self.model.number_field: data["number"], "start_date": data["start_date"],
                         "end_date": data["end_date"], self.amount_field: data["amount"]}
        return services.transition_agreement(
            model=self.model, pk=agreement.pk, user=user, action=data["action"],
            expected_state=data["expected_state"] or None, comment=data["comment"],
            successor=successor)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "dashboard_url": reverse("admin:property_service_renewal_dashboard")}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            opts = self.model._meta
            predecessor = getattr(obj, "predecessor", None) if obj.pk else None
            context.update({
                "a_actions": services.available_actions(obj, request.user),
                "a_act_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_act",
                                     args=[obj.pk]),
                "a_days_left": obj.days_to_expiry(),
                "a_successor_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                           args=[obj.successor_id]) if obj.successor_id
                else "",
                "a_predecessor": predecessor,
                "a_predecessor_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                             args=[predecessor.pk]) if predecessor else "",
                "a_next_start": obj.end_date + datetime.timedelta(days=1),
                "a_amount_label": opts.get_field(self.amount_field).verbose_name,
                "a_events": obj.agreementevents.filter(claim=None).select_related("by"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)
