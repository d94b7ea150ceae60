"""Insurance policies (物业保险) and the claims (理赔) made against them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.models import TimeStampedModel
from ..renewals.models import RenewableAgreement
from .claim_states import CLAIM_ACTIONS, ClaimState, editable_in


class PolicyKind(models.TextChoices):
    PUBLIC_LIABILITY = "public_liability", _("Public liability")
    PROPERTY = "property", _("Property")
    EQUIPMENT = "equipment", _("Equipment / elevator")
    EMPLOYERS_LIABILITY = "employers_liability", _("Employer's liability")
    OTHER = "other", _("Other")


class InsurancePolicy(RenewableAgreement):
    owner_name = "policy"
    number_field, party_field = "policy_number", "insurer"
    editable_in_force = ("insured_assets", "responsible", "notes")

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
            ("export_insurancepolicy", _("Can export the insurance policy register")),
        ]
        indexes = [models.Index(fields=["state", "end_date"]),
                   # The renewal scan's reading: in force, next step due by today (or never
                   # looked at: NULL sorts first, so both are one range).
                   models.Index(fields=["state", "renewal_check_on"])]

    def __str__(self):
        return f"{self.policy_number} {self.insurer}"

    def reference(self) -> str:
        return str(_("Policy %(number)s with %(insurer)s") % {
            "number": self.policy_number, "insurer": self.insurer})


class Claim(ConcurrentTransitionMixin, TimeStampedModel):
    """A claim (理赔) against a policy, usually for an incident."""

    community_path = "policy__community"
    locked_message = _("A claim lodged with the insurer keeps its policy, loss and amount "
                       "claimed; its state and the insurer's answer change only through its "
                       "actions.")

    number = models.CharField(_("claim number"), max_length=20, unique=True, editable=False)
    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="claims",
                               verbose_name=_("insurance policy"))
    incident = models.ForeignKey("property_service.Incident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="claims",
                                 verbose_name=_("incident"))
    loss_date = models.DateField(_("date of the loss"))
    description = models.TextField(_("what happened and what was damaged"))
    amount_claimed = models.DecimalField(_("amount claimed"), max_digits=14, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0.01"))])
    insurer_reference = models.CharField(_("insurer's claim reference"), max_length=50,
                                         blank=True)
    state = FSMField(_("state"), max_length=16, choices=ClaimState.choices,
                     default=ClaimState.DRAFT, protected=True, db_index=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    amount_approved = models.DecimalField(_("amount approved"), max_digits=14, decimal_places=2,
                                          null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("rejection reason"), blank=True, editable=False)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2,
                                      null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("insurance claim")
        verbose_name_plural = _("insurance claims")
        ordering = ["-loss_date", "-id"]
        permissions = [("process_claim", _("Can submit claims and record the insurer's answer"))]

    def __str__(self):
        return self.number or str(_("new claim"))

    def editable_fields(self) -> tuple[str, ...]:
        return editable_in(self.state)

    def clean(self):
        if self.policy_id and self.loss_date and not (
                self.policy.start_date <= self.loss_date <= self.policy.end_date):
            raise ValidationError({"loss_date": _(
                "The policy covers %(start)s to %(end)s: the loss is outside its period.") % {
                "start": self.policy.start_date, "end": self.policy.end_date}})
        if self.incident_id and self.policy_id and \
                self.incident.community_id != self.policy.community_id:
            raise ValidationError({"incident": _(
                "The incident happened in another community than the policy covers.")})
        if self.loss_date and self.loss_date > timezone.localdate():
            raise ValidationError({"loss_date": _("The loss cannot be in the future.")})
        if self.policy_id and self.amount_claimed and \
                self.amount_claimed > self.policy.sum_insured:
            raise ValidationError({"amount_claimed": _(
                "More than the sum insured (%(sum)s).") % {"sum": self.policy.sum_insured}})

    @transition(field="state", source=CLAIM_ACTIONS["submit"].sources,
                target=CLAIM_ACTIONS["submit"].target)
    def submit(self):
        pass

    @transition(field="state", source=CLAIM_ACTIONS["approve"].sources,
                target=CLAIM_ACTIONS["approve"].target)
    def approve(self):
        pass

    @transition(field="state", source=CLAIM_ACTIONS["reject"].sources,
                target=CLAIM_ACTIONS["reject"].target)
    def reject(self):
        pass

    @transition(field="state", source=CLAIM_ACTIONS["pay"].sources,
                target=CLAIM_ACTIONS["pay"].target)
    def pay(self):
        pass
