"""The incident pipeline as data (应急事件): states and the actions between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    OPEN = "open", _("Open")  # reported; the response is under way
    CONTAINED = "contained", _("Contained")  # no longer spreading; people safe
    REPORT_DRAFTED = "report_drafted", _("Report drafted")  # waiting for the manager
    APPROVED = "approved", _("Report approved")  # the property manager signed the report off
    CLOSED = "closed", _("Closed")  # corrective actions under way elsewhere; nothing left here


# While the report is being written: its fields, the checklist and the timeline may change.
EDITABLE_STATES = (State.OPEN, State.CONTAINED)
# Until the report is approved the checklist can still be ticked.
CHECKLIST_STATES = (State.OPEN, State.CONTAINED, State.REPORT_DRAFTED)

ACTIONS: dict[str, Action] = index((
    Action("contain", _("Mark as contained"), (State.OPEN,), State.CONTAINED, "work_incident"),
    Action("draft_report", _("Submit the report for approval"), (State.CONTAINED,),
           State.REPORT_DRAFTED, "work_incident"),
    Action("return_report", _("Send the report back for changes"), (State.REPORT_DRAFTED,),
           State.CONTAINED, "approve_incident_report", needs_comment=True),
    Action("approve", _("Approve the report"), (State.REPORT_DRAFTED,), State.APPROVED,
           "approve_incident_report"),
    Action("close", _("Close the incident"), (State.APPROVED,), State.CLOSED, "work_incident"),
))


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


EVENT_LABELS = {
    "created": _("Incident recorded"),
    "work_order_raised": _("Work order raised"),
    "notice_raised": _("Outage notice drafted"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
