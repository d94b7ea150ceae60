"""A scheduled notice's life as data: drafted by the daily job, then approved (and published
as a notice) or rejected by the community."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core.workflow import Action, index


class State(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")  # drafted; residents see nothing yet
    PUBLISHED = "published", _("Approved and published")  # a published notice now
    REJECTED = "rejected", _("Rejected")  # not sent, with a reason


ACTIONS: dict[str, Action] = index((
    Action("approve", _("Approve and publish"), (State.PENDING,), State.PUBLISHED,
           "approve_schedulednotice"),
    Action("reject", _("Reject"), (State.PENDING,), State.REJECTED,
           "approve_schedulednotice", needs_comment=True),
))

EVENT_LABELS = {"drafted": _("Drafted"), "corrected": _("Corrected")}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
