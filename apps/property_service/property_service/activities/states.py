"""A community activity's life (社区活动) as data: planned with the residents, published for
sign-up, sign-up closed, held, closed once the feedback is in; or cancelled."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    PLANNED = "planned", _("Planned")  # a draft: planned with the residents, not yet shown
    PUBLISHED = "published", _("Published")  # shown in the portal; sign-up open in its window
    SIGNUP_CLOSED = "signup_closed", _("Sign-up closed")  # the list of households is final
    HELD = "held", _("Held")  # it took place: attendance taken, feedback being collected
    CLOSED = "closed", _("Closed")  # feedback done; the figures are final
    CANCELLED = "cancelled", _("Cancelled")  # called off, with a reason


# The states in which households who signed up may be expected (attendance may be taken once
# the activity has started).
RUNNING_STATES = (State.PUBLISHED, State.SIGNUP_CLOSED, State.HELD)
# The states whose attendance and feedback count in the figures.
COUNTED_STATES = (State.HELD, State.CLOSED)

ACTIONS: dict[str, Action] = index((
    # A manager approves and publishes; publishing checks the lead time (rules.py).
    Action("publish", _("Publish"), (State.PLANNED,), State.PUBLISHED, "publish_activity"),
    Action("close_signup", _("Close the sign-up"), (State.PUBLISHED,), State.SIGNUP_CLOSED,
           "organise_activity"),
    # Only once the activity has started (the service checks).
    Action("mark_held", _("Mark as held"), (State.PUBLISHED, State.SIGNUP_CLOSED), State.HELD,
           "organise_activity"),
    Action("close", _("Close: feedback done"), (State.HELD,), State.CLOSED,
           "organise_activity"),
    Action("cancel", _("Cancel the activity"),
           (State.PLANNED, State.PUBLISHED, State.SIGNUP_CLOSED), State.CANCELLED,
           "publish_activity", needs_comment=True),
))


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


EVENT_LABELS = {
    "created": _("Planned"),
    "corrected": _("Corrected"),
    "signed_up": _("Signed up"),
    "waitlisted": _("Put on the waiting list"),
    "signup_cancelled": _("Sign-up cancelled"),
    "promoted": _("Moved up from the waiting list"),
    "attended": _("Attended"),
    "no_show": _("Did not come"),
    "walk_in": _("Came without signing up"),
    "feedback": _("Feedback recorded"),
}


def event_label(name: str) -> str:
    action = ACTIONS.get(name)
    return str(action.label if action else EVENT_LABELS.get(name, name))
