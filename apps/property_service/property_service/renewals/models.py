"""What contracts and insurance policies share: dates, a responsible person, the renewal
lifecycle, a timeline of events and documents."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.files import stored_name, validate_attachment
from ..core.models import Event, TimeStampedModel
from .states import ACTIONS, LIVE_STATES, State, event_label


class Currency(models.TextChoices):
    CNY = "cny", _("Renminbi (CNY)")
    HKD = "hkd", _("Hong Kong dollar (HKD)")
    USD = "usd", _("US dollar (USD)")


class RenewableAgreement(ConcurrentTransitionMixin, TimeStampedModel):
    """A dated agreement that must be renewed before it ends (a contract, an insurance policy).

    Concrete models name themselves in ``owner_name`` (the link of their events and documents)
    and say in ``reference()`` how a person recognises them in a message; ``number_field`` and
    ``party_field`` name their number and the other party (what a search looks in).
    """

    community_path = "community"
    owner_name: str = ""
    number_field: str = ""
    party_field: str = ""

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("community"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices,
                                default=Currency.CNY)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("responsible"),
                                    help_text=_("Told of every renewal step, with the "
                                                "community's property managers."))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT,
                     protected=True, db_index=True)
    renewal_step = models.PositiveSmallIntegerField(
        _("renewal step (days)"), null=True, blank=True, editable=False,
        help_text=_("The last renewal threshold reached, in days before the end."))
    # The next day the renewal scan has something to do for it (``rules.next_check``); a new
    # agreement has none until the scan first looks at it.
    renewal_check_on = models.DateField(_("next renewal check"), null=True, blank=True,
                                        editable=False)
    successor = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="predecessor", editable=False,
                                     verbose_name=_("renewed by"))
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True, editable=False)
    termination_reason = models.TextField(_("termination reason"), blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True

    # What may still be corrected once in force (each kind names its own); a draft is all open.
    editable_in_force: tuple[str, ...] = ()
    locked_message = _("This can no longer be changed once in force: renew or terminate "
                       "instead.")

    def editable_fields(self) -> tuple[str, ...] | None:
        return None if self.state == State.DRAFT else self.editable_in_force

    def reference(self) -> str:
        """How a message names it ("Contract HT-001 with …"); concrete kinds say more."""
        return str(self)

    @property
    def is_live(self) -> bool:
        """In force and watched by the renewal scan."""
        return self.state in LIVE_STATES

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = _("The end date must be after the start date.")
        if self.responsible_id and self.community_id:
            from ..access.scoping import works_for_community

            opts = self._meta
            # The person is not named: whoever enters the id may not know who it is.
            if not works_for_community(self.responsible, self.community_id):
                errors["responsible"] = _("The responsible person must be active staff of "
                                          "this community.")
            elif not self.responsible.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                errors["responsible"] = _("The responsible person must be able to open this "
                                          "record.")
        if errors:
            raise ValidationError(errors)

    def days_to_expiry(self, today=None) -> int:
        return (self.end_date - (today or timezone.localdate())).days

    # django-fsm transitions: the graph is states.ACTIONS; the service checks who may fire them.
    @transition(field="state", source=ACTIONS["activate"].sources,
                target=ACTIONS["activate"].target)
    def activate(self):
        pass

    @transition(field="state", source=ACTIONS["negotiate"].sources,
                target=ACTIONS["negotiate"].target)
    def negotiate(self):
        pass

    @transition(field="state", source=ACTIONS["renew"].sources, target=ACTIONS["renew"].target)
    def renew(self):
        pass

    @transition(field="state", source=ACTIONS["terminate"].sources,
                target=ACTIONS["terminate"].target)
    def terminate(self):
        pass


class OwnedByAgreement(models.Model):
    """A row that belongs to exactly one contract or one policy."""

    community_path = ("contract__community", "policy__community")

    contract = models.ForeignKey("property_service.Contract", on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="%(class)ss",
                                 verbose_name=_("contract"))
    policy = models.ForeignKey("property_service.InsurancePolicy", on_delete=models.CASCADE,
                               null=True, blank=True, related_name="%(class)ss",
                               verbose_name=_("insurance policy"))

    class Meta:
        abstract = True

    @classmethod
    def owned_by(cls, agreement) -> dict:
        return {agreement.owner_name: agreement}


class AgreementEvent(OwnedByAgreement, Event):
    """The timeline of a contract or policy: every state change and reminder, who and when;
    for a policy, also every step of its claims (``claim`` set)."""

    claim = models.ForeignKey("property_service.Claim", on_delete=models.CASCADE, null=True,
                              blank=True, related_name="events", verbose_name=_("claim"))
    # A claim's states are not the agreement's: ``from_state``/``to_state`` are codes, shown
    # by ``*_state_label``.

    class Meta(Event.Meta):
        verbose_name = _("contract or policy event")
        verbose_name_plural = _("contract and policy events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract__isnull=False, policy__isnull=True)
                | models.Q(contract__isnull=True, policy__isnull=False),
                name="agreement_event_has_one_owner"),
        ]

    def __str__(self):
        return f"{self.contract or self.policy} {self.action}"

    @property
    def action_label(self) -> str:
        if self.claim_id:
            from ..insurance.claim_states import CLAIM_ACTIONS

            action = CLAIM_ACTIONS.get(self.action)
            return str(action.label) if action else event_label(self.action)
        return event_label(self.action)

    def _state_label(self, code: str) -> str:
        if self.claim_id:
            from ..insurance.claim_states import ClaimState as States
        else:
            States = State
        return str(States(code).label) if code in States.values else code

    @property
    def from_state_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_state_label(self) -> str:
        return self._state_label(self.to_state)


def document_path(document, filename):
    owner = "contracts" if document.contract_id else "policies"
    return (f"{owner}/{timezone.now():%Y/%m}/{document.contract_id or document.policy_id}/"
            f"{stored_name(document.file, filename)}")


class AgreementDocument(OwnedByAgreement):
    """The signed contract, the policy schedule, amendments: scans or PDFs."""

    file = models.FileField(_("file"), upload_to=document_path,
                            validators=[validate_attachment])
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract__isnull=False, policy__isnull=True)
                | models.Q(contract__isnull=True, policy__isnull=False),
                name="agreement_document_has_one_owner"),
        ]

    def __str__(self):
        return self.description or self.file.name.rsplit("/", 1)[-1]
