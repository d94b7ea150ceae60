"""The lifecycle every contract and insurance policy shares, as data.

A permission here is a template: ``{model}`` is the model's name, so the contract's "approve"
is ``approve_contract`` and the policy's is ``approve_insurancepolicy``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being entered; not yet in force
    ACTIVE = "active", _("Active")  # in force, more than six months from its end
    RENEWAL_DUE = "renewal_due", _("Renewal due")  # within six months of its end (the scan)
    NEGOTIATING = "negotiating", _("Negotiating")  # renewal talks under way
    RENEWED = "renewed", _("Renewed")  # a successor continues it
    EXPIRED = "expired", _("Expired")  # its end date passed without renewal (the scan)
    TERMINATED = "terminated", _("Terminated")  # ended early, with a reason


# In force and watched by the renewal scan.
LIVE_STATES = (State.ACTIVE, State.RENEWAL_DUE, State.NEGOTIATING)

ACTIONS: dict[str, Action] = index((
    Action("activate", _("Approve and put in force"), (State.DRAFT,), State.ACTIVE,
           "approve_{model}"),
    Action("negotiate", _("Start renewal talks"), (State.ACTIVE, State.RENEWAL_DUE),
           State.NEGOTIATING, "renew_{model}"),
    Action("renew", _("Record the renewal"), (*LIVE_STATES, State.EXPIRED), State.RENEWED,
           "renew_{model}"),
    Action("terminate", _("Terminate"), LIVE_STATES, State.TERMINATED, "renew_{model}",
           needs_comment=True),
))

# Transitions only the renewal scan takes (logged like the others, by the system).
SYSTEM_ACTIONS = {
    "flag_renewal": (_("Renewal due: six months or less left"), State.RENEWAL_DUE),
    "expire": (_("Expired without renewal"), State.EXPIRED),
}


def actions_from(state: str) -> list[Action]:
    return workflow.actions_from(ACTIONS, state)


def permission_for(action: Action, model) -> str:
    return f"{model._meta.app_label}.{action.permission.format(model=model._meta.model_name)}"


EVENT_LABELS = {
    "created": _("Entered"),
    "renewal_alert": _("Renewal reminder sent"),
    "corrected": _("Corrected"),
}


def event_label(name: str) -> str:
    if name in ACTIONS:
        return str(ACTIONS[name].label)
    if name in SYSTEM_ACTIONS:
        return str(SYSTEM_ACTIONS[name][0])
    return str(EVENT_LABELS.get(name, name))
