"""The enquiry pipeline as data (咨询处理): states and the actions between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    NEW = "new", _("New")  # recorded; not yet answered or handed over
    ANSWERED_AT_DESK = "desk_answered", _("Answered at the desk")  # settled on the spot
    HANDED_OVER = "handed_over", _("Handed over")  # with the person who can answer (≤ 1 h)
    CONTACTED = "contacted", _("Resident contacted")  # the handler spoke to the resident (≤ 2 h)
    ANSWERED = "answered", _("Answered")  # the resident has the answer (≤ 24 h); a complex
    # enquiry stays open until it is resolved
    RESOLVED = "resolved", _("Resolved")  # a complex enquiry settled (≤ 3 working days)
    CONVERTED = "converted", _("Converted")  # closed as a work order or a complaint
    CLOSED = "closed", _("Closed")  # closed without an answer (withdrawn, duplicate), reason kept


OPEN_STATES = (State.NEW, State.HANDED_OVER, State.CONTACTED, State.ANSWERED)
DONE_STATES = (State.ANSWERED_AT_DESK, State.RESOLVED, State.CONVERTED, State.CLOSED)

ACTIONS: dict[str, Action] = index((
    Action("answer_at_desk", _("Answer at the desk"), (State.NEW,), State.ANSWERED_AT_DESK,
           "add_enquiry", needs_comment=True),
    Action("hand_over", _("Hand over to a handler"), (State.NEW,), State.HANDED_OVER,
           "hand_over_enquiry"),
    Action("contact", _("Record the contact with the resident"), (State.HANDED_OVER,),
           State.CONTACTED, "handle_enquiry"),
    Action("answer", _("Record the answer"), (State.HANDED_OVER, State.CONTACTED),
           State.ANSWERED, "handle_enquiry", needs_comment=True),
    # Only a complex enquiry is resolved (the service checks): a simple one ends answered.
    Action("resolve", _("Mark as resolved"), (State.HANDED_OVER, State.CONTACTED,
                                              State.ANSWERED), State.RESOLVED,
           "handle_enquiry", needs_comment=True),
    Action("convert", _("Convert"), OPEN_STATES, State.CONVERTED, "convert_enquiry"),
    Action("close", _("Close without an answer"), OPEN_STATES, State.CLOSED,
           "handle_enquiry", needs_comment=True),
))


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


EVENT_LABELS = {
    "created": _("Received"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
