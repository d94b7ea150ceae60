"""Writes to contracts and insurance policies: entering them, and every step of their
lifecycle. The admin and the API only call these."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..core.errors import ActionError, NotAllowed, full_clean_or_refuse
from ..core.intake import corrections_note, save_corrections
from ..core.workflow import action_in, check_fire, fire
from .models import AgreementEvent
from .scan import scan_agreements
from .states import ACTIONS, permission_for

# What a renewal copies from the agreement it continues (the rest is given or defaults).
NOT_COPIED = {"id", "pk", "state", "renewal_step", "successor", "terminated_on",
              "termination_reason", "created_at", "updated_at", "start_date", "end_date"}


def _event(agreement, *, action, by, comment="", from_state="", to_state=""):
    return AgreementEvent.objects.create(**AgreementEvent.owned_by(agreement), action=action,
                                         by=by, comment=comment, from_state=from_state,
                                         to_state=to_state)


def _validated(agreement) -> None:
    full_clean_or_refuse(agreement, exclude=["state"])


@transaction.atomic
def create_agreement(*, model, by, comment: str = "", **fields):
    """Enter a contract or policy as a draft (the model's own validation applies)."""
    agreement = model(**fields)
    _validated(agreement)
    agreement.save()
    _event(agreement, action="created", by=by, to_state=agreement.state, comment=comment)
    return agreement


@transaction.atomic
def correct_agreement(*, model, pk: int, user, changes: dict):
    """Correct a contract or policy: a draft in anything it was entered with, one in force
    only in what it declares correctable (``editable_fields``); anything else is refused and
    nothing changes. The correction is on its timeline."""
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise NotAllowed(_("You may not change this record."))
    agreement = _lock(model, pk, user)
    if changed := save_corrections(agreement, changes):
        _event(agreement, action="corrected", by=user,
               comment=corrections_note(agreement, changed))
    return agreement


def may_fire(agreement, user, action) -> bool:
    return user.has_perm(permission_for(action, type(agreement)))


def available_actions(agreement, user):
    return [a for a in ACTIONS.values()
            if agreement.state in a.sources and may_fire(agreement, user, a)]


def _lock(model, pk: int, user):
    try:
        return scope(model.objects.all(), user).select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotAllowed(_("This record does not exist or is not yours to handle.")) from None


@transaction.atomic
def transition_agreement(*, model, pk: int, user, action: str,
                         expected_state: str | None = None, comment: str = "",
                         successor: dict | None = None):
    """Fire ``action`` on a contract or policy. ``renew`` enters the successor (a draft, with
    the dates and figures in ``successor``; the rest copied) and links it. Putting an agreement
    in force runs the renewal scan for it at once. Exactly one of two concurrent calls wins."""
    act = action_in(ACTIONS, action)
    agreement = _lock(model, pk, user)
    comment = check_fire(agreement, act, allowed=may_fire(agreement, user, act),
                         expected_state=expected_state, comment=comment)
    from_state = agreement.state
    if act.name == "activate":
        _validated(agreement)
    elif act.name == "renew":
        agreement.successor = _enter_successor(agreement, user, successor or {})
    elif act.name == "terminate":
        agreement.terminated_on, agreement.termination_reason = timezone.localdate(), comment
    fire(agreement, act.name)
    _event(agreement, action=act.name, by=user, comment=comment, from_state=from_state,
           to_state=agreement.state)
    if act.name == "activate":
        scan_agreements(model, today=timezone.localdate(), only_pk=agreement.pk)
        agreement.refresh_from_db()
    return agreement


def _enter_successor(agreement, user, given: dict):
    model = type(agreement)
    fields = {f.name: getattr(agreement, f.name) for f in model._meta.concrete_fields
              if f.name not in NOT_COPIED and not f.unique}
    start = given.get("start_date") or agreement.end_date + datetime.timedelta(days=1)
    end = given.get("end_date")
    if not end:
        raise ActionError(_("Give the end date of the renewed agreement."), field="end_date")
    unique = [f.name for f in model._meta.concrete_fields if f.unique and f.name not in NOT_COPIED]
    for name in unique:
        if not given.get(name):
            raise ActionError(_("Give the number of the renewed agreement."), field=name)
    fields.update({k: v for k, v in given.items() if v not in (None, "")},
                  start_date=start, end_date=end)
    return create_agreement(model=model, by=user, **fields,
                            comment=_("Renews %(what)s.") % {"what": agreement.reference()})
