"""The complaint pipeline as data (投诉处理): states and the actions between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    RECEIVED = "received", _("Received")  # recorded by the front desk or an agent
    ASSIGNED = "assigned", _("Assigned to supervisor")  # handed over (≤ 10 min)
    CONTACTED = "contacted", _("Contacted")  # the supervisor spoke to the resident (≤ 30 min)
    PLAN_AGREED = "plan_agreed", _("Plan agreed")  # a solution agreed with the resident (≤ 2 h)
    RESOLVED = "resolved", _("Resolved")  # done; the follow-up visit is due within 24 h
    FOLLOW_UP = "follow_up", _("Follow-up")  # the follow-up visit (回访) is under way
    CLOSED = "closed", _("Closed")  # the resident is satisfied
    REOPENED = "reopened", _("Reopened")  # unhappy at follow-up; handled again, history kept
    WITHDRAWN = "withdrawn", _("Withdrawn")  # withdrawn by the resident, with a reason


OPEN_STATES = (State.RECEIVED, State.ASSIGNED, State.CONTACTED, State.PLAN_AGREED,
               State.REOPENED)

ACTIONS: dict[str, Action] = index((
    Action("assign", _("Hand over to the supervisor"), (State.RECEIVED,), State.ASSIGNED,
           "assign_complaint"),
    Action("contact", _("Record the contact with the resident"), (State.ASSIGNED,
                                                                   State.REOPENED),
           State.CONTACTED, "handle_complaint"),
    Action("agree_plan", _("Record the agreed plan"), (State.CONTACTED,), State.PLAN_AGREED,
           "handle_complaint", needs_comment=True),
    Action("resolve", _("Mark as resolved"), (State.PLAN_AGREED,), State.RESOLVED,
           "handle_complaint",
           needs_comment=True),
    Action("start_follow_up", _("Start the follow-up"), (State.RESOLVED,), State.FOLLOW_UP,
           "follow_up_complaint"),
    Action("close", _("Close: resident satisfied"), (State.FOLLOW_UP,), State.CLOSED,
           "follow_up_complaint"),
    Action("reopen", _("Reopen: resident unhappy"), (State.FOLLOW_UP,), State.REOPENED,
           "follow_up_complaint", needs_comment=True),
    Action("withdraw", _("Record the withdrawal"), OPEN_STATES, State.WITHDRAWN,
           "withdraw_complaint",
           needs_comment=True),
))


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


EVENT_LABELS = {
    "created": _("Received"),
    "acknowledge": _("Acknowledged by the manager"),
    "answer": _("Answer recorded"),
    "linked": _("Work order linked"),
    "raise_major": _("Raised to major"),
    "corrected": _("Corrected"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
