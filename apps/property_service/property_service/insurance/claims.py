"""Writes to insurance claims: entering one, and every step of its pipeline. Each step is
written to the policy's timeline, marked with the claim."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..core.errors import ActionError, NotAllowed, full_clean_or_refuse
from ..core.intake import corrections_note, save_corrections
from ..core.numbering import ensure_sequence, next_number
from ..core.workflow import action_in, check_fire, fire
from ..renewals.models import AgreementEvent
from .claim_states import CLAIM_ACTIONS
from .models import Claim, InsurancePolicy

NUMBER_PREFIX = "LP"


def _event(claim, *, action, by, comment="", from_state="", to_state=""):
    return AgreementEvent.objects.create(policy_id=claim.policy_id, claim=claim, action=action,
                                         by=by, comment=comment, from_state=from_state,
                                         to_state=to_state)


def create_claim(*, by, policy, loss_date, description, amount_claimed, **fields) -> Claim:
    """Enter a claim as a draft; the loss must fall within the policy's period."""
    now = timezone.now()
    ensure_sequence(prefix=NUMBER_PREFIX, at=now)
    return _create(by=by, now=now, policy=policy, loss_date=loss_date, description=description,
                   amount_claimed=amount_claimed, **fields)


@transaction.atomic
def _create(*, by, now, **fields) -> Claim:
    claim = Claim(**fields)
    full_clean_or_refuse(claim, exclude=["number", "state"])
    claim.number = next_number(prefix=NUMBER_PREFIX, at=now)
    claim.save()
    _event(claim, action="created", by=by, to_state=claim.state)
    return claim


def _lock(claim_id: int, user) -> Claim:
    try:
        return scope(Claim.objects.all(), user).select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        raise NotAllowed(_("This record does not exist or is not yours to handle.")) from None


def _check_links_in_reach(user, changes: dict) -> None:
    """A corrected claim may only point at a policy or incident the user may see."""
    from ..incidents.models import Incident

    for name, model in (("policy", InsurancePolicy), ("incident", Incident)):
        linked = changes.get(name)
        if linked is not None and not scope(model.objects.all(), user).filter(
                pk=linked.pk).exists():
            raise ActionError(_("This record does not exist or is not yours to handle."),
                              field=name)


@transaction.atomic
def correct_claim(*, claim_id: int, user, changes: dict) -> Claim:
    """Correct what the claim's state still lets change (``Claim.editable_fields``: a draft
    all it was entered with, a lodged claim only the insurer's reference); anything else is
    refused and nothing changes. The correction is on the policy's timeline."""
    if not user.has_perm("property_service.change_claim"):
        raise NotAllowed(_("You may not change insurance claims."))
    claim = _lock(claim_id, user)
    _check_links_in_reach(user, changes)
    if changed := save_corrections(claim, changes):
        _event(claim, action="corrected", by=user, comment=corrections_note(claim, changed))
    return claim


def may_fire(user, action) -> bool:
    return user.has_perm(f"property_service.{action.permission}")


def available_claim_actions(claim: Claim, user):
    return [a for a in CLAIM_ACTIONS.values() if claim.state in a.sources and may_fire(user, a)]


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ActionError(_("Give the amount."), field=field) from None
    if amount <= 0:
        raise ActionError(_("The amount must be more than zero."), field=field)
    return amount


@transaction.atomic
def transition_claim(*, claim_id: int, user, action: str, expected_state: str | None = None,
                     comment: str = "", amount=None, insurer_reference: str = "") -> Claim:
    """Fire ``action``: ``approve`` needs the approved amount (at most the amount claimed),
    ``pay`` the amount received (at most the amount approved), ``reject`` a reason."""
    act = action_in(CLAIM_ACTIONS, action)
    claim = _lock(claim_id, user)
    comment = check_fire(claim, act, allowed=may_fire(user, act),
                         expected_state=expected_state, comment=comment)
    today, from_state = timezone.localdate(), claim.state
    if act.name == "submit":
        claim.submitted_on = today
        claim.insurer_reference = insurer_reference or claim.insurer_reference
    elif act.name == "approve":
        approved = _amount(amount, "amount")
        if approved > claim.amount_claimed:
            raise ActionError(_("The insurer cannot approve more than was claimed (%(sum)s).")
                              % {"sum": claim.amount_claimed}, field="amount")
        claim.amount_approved, claim.decided_on = approved, today
    elif act.name == "reject":
        claim.rejection_reason, claim.decided_on = comment, today
    elif act.name == "pay":
        paid = _amount(amount, "amount")
        if paid > claim.amount_approved:
            raise ActionError(_("More than the amount approved (%(sum)s).")
                              % {"sum": claim.amount_approved}, field="amount")
        claim.amount_paid, claim.paid_on = paid, today
    fire(claim, act.name)
    _event(claim, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=claim.state)
    return claim
