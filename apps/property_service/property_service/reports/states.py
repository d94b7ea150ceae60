"""The monthly management report's pipeline as data: drafted, then approved."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core.workflow import Action, index


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")  # figures may be regenerated, recommendations edited
    APPROVED = "approved", _("Approved")  # signed off by the manager; never changed again


ACTIONS: dict[str, Action] = index((
    Action("approve", _("Approve the report"), (State.DRAFT,), State.APPROVED,
           "approve_managementreport"),
))

EVENT_LABELS = {
    "generated": _("Generated"),
    "regenerated": _("Regenerated"),
    "recommendations_edited": _("Recommendations edited"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
