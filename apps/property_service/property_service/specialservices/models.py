"""Paid special services (特约服务): a priced catalogue per community, and the orders residents
place from it. Each order is carried out as a work order (dispatch, field work, acceptance,
follow-up); this record adds what the work order does not know: the price, the quote and its
acceptance, the amount charged and its payment."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..core.language import in_language
from ..core.models import Event, TimeStampedModel
from ..workorders.models import Channel, WorkOrder
from . import rules
from .states import PaymentMethod, PaymentStatus, PriceUnit, Pricing, QuoteStatus

MONEY = {"max_digits": 10, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class SpecialService(TimeStampedModel):
    """One item of the catalogue: a company item (no community) offered everywhere, or a
    community's own. A community item with the code of a company item replaces it there."""

    community_path = "community"
    community_optional = True

    community = models.ForeignKey("property_service.Community", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="special_services",
                                  verbose_name=_("community"),
                                  help_text=_("Empty: offered in every community."))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    description = models.TextField(_("what the service includes"), blank=True)
    category = models.ForeignKey("property_service.WorkOrderCategory", on_delete=models.PROTECT,
                                 related_name="special_services",
                                 verbose_name=_("work order category"))
    team = models.ForeignKey("property_service.Team", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="special_services",
                             verbose_name=_("team"),
                             help_text=_("Empty: the team of the work order category."))
    pricing = models.CharField(_("pricing"), max_length=16, choices=Pricing.choices,
                               default=Pricing.FIXED)
    price = models.DecimalField(_("price (CNY)"), null=True, blank=True,
                                validators=NOT_NEGATIVE, **MONEY)
    price_min = models.DecimalField(_("usual price from (CNY)"), null=True, blank=True,
                                    validators=NOT_NEGATIVE, **MONEY)
    price_max = models.DecimalField(_("usual price up to (CNY)"), null=True, blank=True,
                                    validators=NOT_NEGATIVE, **MONEY)
    unit = models.CharField(_("price unit"), max_length=16, choices=PriceUnit.choices,
                            default=PriceUnit.PER_VISIT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("special service")
        verbose_name_plural = _("special services")
        ordering = ["community_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"],
                                    name="special_service_code_once_per_community",
                                    violation_error_message=_(
                                        "This community already has an item with this code.")),
            models.UniqueConstraint(fields=["code"], condition=models.Q(community__isnull=True),
                                    name="special_service_company_code_once",
                                    violation_error_message=_(
                                        "The company catalogue already has this code.")),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        return in_language(self.name, self.name_en)

    @property
    def price_label(self) -> str:
        return rules.price_label(self.pricing, self.price, self.price_min, self.price_max,
                                 self.get_unit_display())

    def clean(self):
        problems = rules.price_problems(self.pricing, self.price, self.price_min, self.price_max)
        if problems:
            raise ValidationError(problems)
        if self.team_id and self.community_id and \
                self.team.community_id not in (None, self.community_id):
            raise ValidationError({"team": _("This team works for another community.")})


class SpecialServiceOrder(TimeStampedModel):
    """A resident's order of a special service, carried out as its work order (``work_order``,
    one each). Its price, quote and payment change only through ``services``."""

    community_path = "community"
    resident_path = "unit"

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="special_service_orders",
                                  verbose_name=_("community"))
    service = models.ForeignKey(SpecialService, on_delete=models.PROTECT,
                                related_name="orders", verbose_name=_("special service"))
    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT,
                                      related_name="special_service", editable=False,
                                      verbose_name=_("work order"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT,
                             related_name="special_service_orders", verbose_name=_("unit"))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="special_service_orders",
                                 verbose_name=_("ordered by"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    preferred_at = models.DateTimeField(_("preferred time"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), default=timezone.now, db_index=True)

    # The price when ordered: a later change of the catalogue does not change this order.
    pricing = models.CharField(_("pricing"), max_length=16, choices=Pricing.choices)
    list_price = models.DecimalField(_("price (CNY)"), null=True, blank=True, **MONEY)

    quote_status = models.CharField(_("quote"), max_length=16, choices=QuoteStatus.choices,
                                    default=QuoteStatus.NOT_NEEDED)
    quoted_amount = models.DecimalField(_("quoted amount (CNY)"), null=True, blank=True,
                                        validators=NOT_NEGATIVE, **MONEY)
    quote_note = models.TextField(_("what the quote covers"), blank=True)
    quoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("quoted by"))
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    quote_answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+",
                                          verbose_name=_("answer recorded by"))
    quote_answered_at = models.DateTimeField(_("quote answered at"), null=True, blank=True)

    quantity = models.DecimalField(_("quantity"), max_digits=6, decimal_places=2,
                                   default=Decimal("1"), help_text=_(
                                       "Of a fixed-price service's unit: hours, items..."))
    charged_amount = models.DecimalField(_("amount charged (CNY)"), null=True, blank=True,
                                         validators=NOT_NEGATIVE, **MONEY)
    charge_reason = models.TextField(_("why the amount differs"), blank=True)
    charged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("charged by"))
    charged_at = models.DateTimeField(_("charged at"), null=True, blank=True)

    payment_status = models.CharField(_("payment"), max_length=16,
                                      choices=PaymentStatus.choices,
                                      default=PaymentStatus.UNPAID, db_index=True)
    payment_method = models.CharField(_("payment method"), max_length=16,
                                      choices=PaymentMethod.choices, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    waive_reason = models.TextField(_("reason for waiving"), blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+",
                                   verbose_name=_("payment recorded by"))
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("special service order")
        verbose_name_plural = _("special service orders")
        ordering = ["-ordered_at", "-id"]
        permissions = [
            ("quote_specialserviceorder", _("Can quote special services and record the "
                                            "resident's answer")),
            ("charge_specialserviceorder", _("Can record the amount charged and payments of "
                                             "special services")),
            ("waive_specialserviceorder", _("Can waive the payment of special services")),
        ]
        indexes = [
            models.Index(fields=["community", "ordered_at"], name="special_order_comm_idx"),
        ]

    def __str__(self):
        return f"{self.work_order.number} · {self.service}" if self.work_order_id else \
            str(self.service)

    @classmethod
    def restrict_rows(cls, queryset, user):
        """Technicians see the orders whose work orders they see."""
        return WorkOrder.restrict_related(queryset, user)

    @property
    def number(self) -> str:
        return self.work_order.number

    @property
    def expected_amount(self):
        return rules.expected_amount(self.pricing, self.list_price, self.quote_status,
                                     self.quoted_amount, self.quantity)


class SpecialServiceEvent(Event):
    """The order's own timeline (quote, answer, charge, payment); the work's is the work
    order's."""

    community_path = "order__community"

    order = models.ForeignKey(SpecialServiceOrder, on_delete=models.CASCADE,
                              related_name="events", verbose_name=_("special service order"))

    class Meta(Event.Meta):
        verbose_name = _("special service event")
        verbose_name_plural = _("special service events")

    def __str__(self):
        return f"{self.order} {self.action}"

    @property
    def action_label(self) -> str:
        return str(rules.EVENT_LABELS.get(self.action, self.action))

    @classmethod
    def restrict_rows(cls, queryset, user):
        return queryset.filter(order__in=SpecialServiceOrder.restrict_rows(
            SpecialServiceOrder.objects.all(), user))
