"""The work-order pipeline as data: states, and which action moves an order from where to where,
fired by whom. ``services.transition_work_order`` is the one place that applies it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    NEW = "new", _("New")  # recorded, not yet sent to a team
    DISPATCHED = "dispatched", _("Dispatched")  # sent to a team or technician (派单)
    ACCEPTED = "accepted", _("Accepted")  # the technician confirmed a visit time
    IN_PROGRESS = "in_progress", _("In progress")  # on site, working
    COMPLETED = "completed", _("Completed")  # repaired; awaiting the resident's acceptance (验收)
    FOLLOW_UP = "follow_up", _("Follow-up")  # accepted; awaiting the follow-up call (回访)
    CLOSED = "closed", _("Closed")  # followed up, resident satisfied
    REWORK = "rework", _("Rework")  # failed acceptance or unhappy follow-up (返工)
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn, with a reason


OPEN_STATES = (State.NEW, State.DISPATCHED, State.ACCEPTED, State.IN_PROGRESS, State.REWORK)
# The "responded" moment: the first time an order reaches one of these.
RESPONDED_STATES = (State.DISPATCHED, State.ACCEPTED)
# The "completed" moment for the completion clock.
DONE_STATES = (State.COMPLETED, State.FOLLOW_UP, State.CLOSED)


ACTIONS: dict[str, Action] = index((
    Action("dispatch", _("Dispatch"), (State.NEW, State.REWORK), State.DISPATCHED,
           "dispatch_workorder"),
    Action("take", _("Take from the pool"), (State.DISPATCHED,), State.ACCEPTED,
           "work_workorder", own_records_only=True),
    Action("accept", _("Accept"), (State.DISPATCHED,), State.ACCEPTED, "work_workorder",
           own_records_only=True),
    Action("start", _("Start work"), (State.ACCEPTED,), State.IN_PROGRESS, "work_workorder",
           own_records_only=True),
    Action("complete", _("Complete"), (State.IN_PROGRESS,), State.COMPLETED, "work_workorder",
           own_records_only=True),
    Action("pass_acceptance", _("Resident accepts"), (State.COMPLETED,), State.FOLLOW_UP,
           "dispatch_workorder"),
    Action("fail_acceptance", _("Resident rejects: rework"), (State.COMPLETED,), State.REWORK,
           "dispatch_workorder", needs_comment=True),
    Action("close", _("Close after follow-up"), (State.FOLLOW_UP,), State.CLOSED,
           "follow_up_workorder"),
    Action("reopen", _("Unhappy follow-up: rework"), (State.FOLLOW_UP,), State.REWORK,
           "follow_up_workorder", needs_comment=True),
    Action("cancel", _("Cancel"), (State.NEW, State.DISPATCHED, State.ACCEPTED, State.REWORK),
           State.CANCELLED, "cancel_workorder", needs_comment=True),
))


# Actions that change no state. The SLA clocks stop while the order waits on the resident, and
# start again: a technician stops the clock of their own orders; whoever sees all orders, any.
# A new priority gives an open order the deadlines of that priority.
IN_PLACE_ACTIONS: dict[str, Action] = index((
    Action("pause", _("Pause the SLA clock"), OPEN_STATES, "", "pause_workorder",
           own_records_only=True, any_record_with="view_all_workorders", needs_comment=True),
    Action("resume", _("Resume the SLA clock"), tuple(State.values), "", "pause_workorder",
           own_records_only=True, any_record_with="view_all_workorders"),
    Action("change_priority", _("Change the priority"), OPEN_STATES, "",
           "prioritise_workorder"),
))


# What a technician records on site on their own orders (field app), changing no state:
# photos from acceptance until the work is done, the parts used while working.
SITE_ACTIONS: dict[str, Action] = index((
    Action("add_photo", _("Add photos"), (State.ACCEPTED, State.IN_PROGRESS), "",
           "work_workorder", own_records_only=True),
    Action("record_part", _("Record a part used"), (State.IN_PROGRESS,), "", "work_workorder",
           own_records_only=True),
))


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


# Timeline entries that are not transitions.
EVENT_LABELS = {
    "created": _("Reported"),
    "imported": _("Imported"),
    "pause": _("SLA clock paused"),
    "resume": _("SLA clock resumed"),
    "follow_up_no_answer": _("Follow-up call not answered"),
    "change_priority": _("Priority changed"),
    "corrected": _("Corrected"),
    "add_photo": _("Photos added"),
    "record_part": _("Part used"),
    "signed": _("Signed by the resident"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
