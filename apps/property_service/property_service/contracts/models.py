"""The contract ledger (合同台账): every contract the company has signed for a community."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..renewals.models import RenewableAgreement


class ContractKind(models.TextChoices):
    PROPERTY_SERVICE = "property_service", _("Property service contract (owners' committee)")
    VENDOR_MAINTENANCE = "vendor_maintenance", _("Vendor maintenance (e.g. elevators)")
    CLEANING = "cleaning", _("Outsourced cleaning")
    SECURITY = "security", _("Outsourced security")
    PARKING_LEASE = "parking_lease", _("Parking lease")
    OTHER = "other", _("Other")


class Contract(RenewableAgreement):
    owner_name = "contract"
    number_field, party_field = "number", "counterparty"
    editable_in_force = ("notice_period_days", "auto_renew", "renewal_terms", "responsible",
                         "notes")

    kind = models.CharField(_("kind"), max_length=24, choices=ContractKind.choices)
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    counterparty = models.CharField(_("counterparty"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(0)])
    notice_period_days = models.PositiveSmallIntegerField(
        _("notice period (days)"), default=0,
        help_text=_("How long before the end either party must give notice."))
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    renewal_terms = models.TextField(_("renewal terms"), blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["end_date", "id"]
        permissions = [
            ("approve_contract", _("Can approve contracts and put them in force")),
            ("renew_contract", _("Can negotiate, renew and terminate contracts")),
            ("export_contract", _("Can export the contract register")),
        ]
        indexes = [models.Index(fields=["state", "end_date"]),
                   # The renewal scan's reading: in force, next step due by today (or never
                   # looked at: NULL sorts first, so both are one range).
                   models.Index(fields=["state", "renewal_check_on"])]

    def __str__(self):
        return f"{self.number} {self.counterparty}"

    def reference(self) -> str:
        return str(_("Contract %(number)s with %(counterparty)s") % {
            "number": self.number, "counterparty": self.counterparty})
