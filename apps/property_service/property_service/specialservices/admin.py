from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..access.scoping import scope
from ..core.admin import BaseAdmin, WorkflowActionsMixin
from ..core.errors import ActionError
from ..core.filters import ScopedRelatedFilter
from ..core.months import month_param, this_month
from ..registry.models import Community
from . import services
from .figures import figures_for
from .models import SpecialService, SpecialServiceOrder
from .selectors import catalogue_for
from .states import PaymentMethod, PaymentStatus, QuoteStatus


@admin.register(SpecialService)
class SpecialServiceAdmin(BaseAdmin):
    list_display = ["code", "name_shown", "community_label", "category", "team",
                    "price_shown", "is_active"]
    list_filter = ["is_active", "pricing", ("community", ScopedRelatedFilter)]
    list_select_related = ["community", "category", "team"]
    search_fields = ["code", "name", "name_en"]
    fields = ["community", "code", "name", "name_en", "description", "category", "team",
              "pricing", "price", "price_min", "price_max", "unit", "is_active"]

    @display(description=_("name"), ordering="name")
    def name_shown(self, item):
        return item.label

    @display(description=_("community"))
    def community_label(self, item):
        return item.community.name if item.community_id else _("every community")

    @display(description=_("price"))
    def price_shown(self, item):
        return item.price_label


class OrderAddForm(forms.ModelForm):
    class Meta:
        model = SpecialServiceOrder
        fields = ["service", "unit", "resident", "channel", "preferred_at", "notes"]

    def clean(self):
        data = super().clean()
        service, unit = data.get("service"), data.get("unit")
        if service and unit and not catalogue_for(unit.building.community_id).filter(
                pk=service.pk).exists():
            self.add_error("service", _("This service is not offered in this community."))
        preferred_at = data.get("preferred_at")
        if preferred_at and preferred_at < timezone.now():
            self.add_error("preferred_at", _("The preferred time is in the past."))
        return data


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in (
        "quote", "accept_quote", "decline_quote", "charge", "pay", "waive")])
    amount = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    method = forms.CharField(required=False)
    quantity = forms.CharField(required=False)


@admin.register(SpecialServiceOrder)
class SpecialServiceOrderAdmin(WorkflowActionsMixin, BaseAdmin):
    action_form_class = ActionForm
    form = OrderAddForm
    list_display = ["order_number", "service", "unit", "work_state", "quote_status",
                    "charged_amount", "payment_badge", "ordered_at"]
    list_filter = ["payment_status", "quote_status", ("community", ScopedRelatedFilter)]
    list_select_related = ["community", "service", "work_order", "unit__building__community"]
    search_fields = ["=work_order__number", "=unit__number"]
    search_help_text = _("Exact work order number or exact unit number.")
    autocomplete_fields = ["unit", "resident"]
    date_hierarchy = "ordered_at"
    change_form_outer_before_template = "property_service/special_service_actions.html"
    add_fields = ["service", "unit", "resident", "channel", "preferred_at", "notes"]
    change_fields = ["community", "service", "work_order", "unit", "resident", "channel",
                     "preferred_at", "notes", "ordered_at", "pricing", "list_price",
                     "quote_status", "quoted_amount", "quote_note", "quoted_by", "quoted_at",
                     "quote_answered_by", "quote_answered_at", "quantity", "charged_amount",
                     "charge_reason", "charged_by", "charged_at", "payment_status",
                     "payment_method", "paid_at", "waive_reason", "settled_by", "waived_at"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        # After the order every change is an action with its own service and event row.
        return [] if obj is None else self.change_fields

    @display(description=_("order number"), ordering="work_order__number")
    def order_number(self, order):
        return order.work_order.number

    @display(description=_("work order state"))
    def work_state(self, order):
        return order.work_order.get_state_display()

    @display(description=_("payment"), ordering="payment_status", label={
        PaymentStatus.UNPAID: "warning", PaymentStatus.PAID: "success",
        PaymentStatus.WAIVED: "info"})
    def payment_badge(self, order):
        return order.payment_status, order.get_payment_status_display()

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = services.order_special_service(
            by=request.user, service_id=data["service"].pk, unit=data["unit"],
            resident=data.get("resident"), channel=data["channel"],
            preferred_at=data.get("preferred_at"), notes=data.get("notes", ""))
        obj.pk, obj._state.adding = created.pk, False

    def perform_action(self, user, order, data):
        action, amount, comment = data["action"], data["amount"], data["comment"]
        if action == "quote":
            return services.quote(order_id=order.pk, user=user, amount=amount, note=comment)
        if action in ("accept_quote", "decline_quote"):
            return services.answer_quote(order_id=order.pk, user=user,
                                         accepted=action == "accept_quote", comment=comment)
        if action == "charge":
            return services.record_charge(order_id=order.pk, user=user, amount=amount,
                                          reason=comment, quantity=data["quantity"])
        if action == "pay":
            return services.record_payment(order_id=order.pk, user=user, method=data["method"])
        if action == "waive":
            return services.waive_payment(order_id=order.pk, user=user, reason=comment)
        raise ActionError(_("Unknown action."))

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user = request.user
            staff = not getattr(user, "resident_account", None)
            context.update({
                "s_act_url": reverse("admin:property_service_specialserviceorder_act",
                                     args=[obj.pk]),
                "s_can_quote": staff and user.has_perm(
                    "property_service.quote_specialserviceorder")
                and obj.quote_status in (QuoteStatus.AWAITING_QUOTE, QuoteStatus.QUOTED,
                                         QuoteStatus.DECLINED)
                and obj.work_order.state in services.BEFORE_WORK,
                "s_can_answer": staff and user.has_perm(
                    "property_service.quote_specialserviceorder")
                and obj.quote_status == QuoteStatus.QUOTED,
                "s_can_charge": user.has_perm("property_service.charge_specialserviceorder")
                and obj.payment_status == PaymentStatus.UNPAID
                and obj.work_order.state in services.DONE_STATES,
                "s_can_pay": user.has_perm("property_service.charge_specialserviceorder")
                and obj.payment_status == PaymentStatus.UNPAID
                and obj.charged_amount is not None,
                "s_can_waive": user.has_perm("property_service.waive_specialserviceorder")
                and obj.payment_status == PaymentStatus.UNPAID,
                "s_methods": PaymentMethod.choices,
                "s_events": obj.events.select_related("by"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path("figures/", self.admin_site.admin_view(self.figures_view),
                 name="property_service_specialserviceorder_figures"),
        ] + super().get_urls()

    def figures_view(self, request):
        """Orders, revenue and satisfaction per community for a month."""
        # Revenue is for the office (who sees the catalogue), not for the technicians.
        if not (self.has_view_permission(request)
                and request.user.has_perm("property_service.view_specialservice")):
            raise PermissionDenied
        # A bad month is a 400 page naming it (core.params.BadParameter).
        month = month_param(request.GET) or this_month()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Special service figures"),
            "month": month,
            "rows": figures_for(self.get_queryset(request), month),
            "communities": scope(Community.objects.order_by("name"), request.user),
        }
        return TemplateResponse(request, "property_service/special_service_figures.html",
                                context)
