"""A notice's life (通知/公告) as data: drafted, published, withdrawn."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core.workflow import Action, index


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being written; residents do not see it
    PUBLISHED = "published", _("Published")  # shown from publish_at until expire_at
    WITHDRAWN = "withdrawn", _("Withdrawn")  # taken down before it expired, with a reason


ACTIONS: dict[str, Action] = index((
    Action("publish", _("Publish"), (State.DRAFT,), State.PUBLISHED, "publish_notice"),
    Action("withdraw", _("Withdraw"), (State.PUBLISHED,), State.WITHDRAWN, "publish_notice",
           needs_comment=True),
))

EVENT_LABELS = {"created": _("Drafted"), "corrected": _("Corrected")}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
