"""Insurance policies (物业保险) and, later, the claims made against them."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..renewals.models import RenewableAgreement


class PolicyKind(models.TextChoices):
    PUBLIC_LIABILITY = "public_liability", _("Public liability")
    PROPERTY = "property", _("Property")
    EQUIPMENT = "equipment", _("Equipment / elevator")
    EMPLOYERS_LIABILITY = "employers_liability", _("Employer's liability")
    OTHER = "other", _("Other")


class InsurancePolicy(RenewableAgreement):
    owner_name = "policy"

    kind = models.CharField(_("type"), max_length=24, choices=PolicyKind.choices)
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=50, unique=True)
    insured_assets = models.TextField(_("insured assets"), blank=True,
                                      help_text=_("Buildings, equipment or activities covered."))
    cover = models.TextField(_("cover"), blank=True)
    sum_insured = models.DecimalField(_("sum insured"), max_digits=14, decimal_places=2,
                                      validators=[MinValueValidator(0)])
    premium = models.DecimalField(_("premium"), max_digits=12, decimal_places=2,
                                  validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        ordering = ["end_date", "id"]
        permissions = [
            ("approve_insurancepolicy", _("Can approve insurance policies and put them in force")),
            ("renew_insurancepolicy", _("Can negotiate, renew and terminate insurance policies")),
        ]
        indexes = [models.Index(fields=["state", "end_date"])]

    def __str__(self):
        return f"{self.policy_number} {self.insurer}"

    def reference(self) -> str:
        return str(_("Policy %(number)s with %(insurer)s") % {
            "number": self.policy_number, "insurer": self.insurer})
