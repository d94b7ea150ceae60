"""The survey campaign's pipeline as data (满意度调查): states and the actions between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being prepared: nobody has received it yet
    # Sent to every household of the community; answers taken.
    OPEN = "open", pgettext_lazy("survey state", "Open")
    CLOSED = "closed", _("Closed")  # no more answers; the figures are final


ACTIONS: dict[str, Action] = index((
    Action("open", _("Open and send to every household"), (State.DRAFT,), State.OPEN,
           "open_survey"),
    Action("close", _("Close the survey"), (State.OPEN,), State.CLOSED, "close_survey"),
))


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


EVENT_LABELS = {
    "created": _("Prepared"),
    "changed": _("Changed"),
    "response": _("Response recorded"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
