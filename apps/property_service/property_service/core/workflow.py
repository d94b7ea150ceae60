"""Workflows as data: each domain declares its actions (from which states to which, fired with
which permission) in its ``states.py``; its services apply them with the same checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from .errors import ActionError, ConcurrentChange, NotAllowed


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    # The permission (from the roles file) a user needs to fire it.
    permission: str
    # Only on the user's own records (a technician's assigned or team-pooled orders)...
    own_records_only: bool = False
    # ...unless the user holds this permission too (a supervisor: any record in their scope).
    any_record_with: str = ""
    needs_comment: bool = False


def index(actions: Iterable[Action]) -> dict[str, Action]:
    return {action.name: action for action in actions}


def actions_from(actions: dict[str, Action], state: str) -> list[Action]:
    return [action for action in actions.values() if state in action.sources]


def action_in(actions: dict[str, Action], name: str) -> Action:
    """The action called ``name``, or the refusal of an unknown one."""
    act = actions.get(name)
    if act is None:
        raise ActionError(_("Unknown action “%(action)s”.") % {"action": name}, field="action")
    return act


def check_fire(record, act: Action, *, allowed: bool, expected_state: str | None = None,
               comment: str = "") -> str:
    """What every transition checks, in this order, before it changes anything: the record is
    still in the state the user saw (``expected_state``), the action leaves its state, the user
    may fire it (``allowed``, the domain's rule), and the reason it needs is given. Returns the
    comment, trimmed."""
    if expected_state and record.state != expected_state:
        raise ConcurrentChange()
    if record.state not in act.sources:
        raise NotAllowed(_("“%(action)s” is not possible while %(record)s is %(state)s.")
                         % {"action": act.label, "record": record,
                            "state": record.get_state_display()})
    if not allowed:
        raise NotAllowed(_("You may not “%(action)s” %(record)s.")
                         % {"action": act.label, "record": record})
    comment = (comment or "").strip()
    if act.needs_comment and not comment:
        raise ActionError(_("Say why: a comment is required."), field="comment")
    return comment


def fire(record, name: str) -> None:
    """Move the record with its django-fsm transition ``name`` and save it; if another
    transaction moved it first, nothing is saved and that is a ``ConcurrentChange``."""
    getattr(record, name)()
    try:
        record.save()
    except ConcurrentTransition:
        raise ConcurrentChange() from None
