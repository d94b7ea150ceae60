"""The claim pipeline (理赔) as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core import workflow
from ..core.workflow import Action, index


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being prepared: the loss, the amount, the evidence
    SUBMITTED = "submitted", _("Submitted")  # lodged with the insurer
    APPROVED = "approved", _("Approved")  # the insurer accepted it (perhaps for less)
    REJECTED = "rejected", _("Rejected")  # the insurer refused it, with its reason
    PAID = "paid", _("Paid")  # the money was received


CLAIM_ACTIONS: dict[str, Action] = index((
    Action("submit", _("Submit to the insurer"), (ClaimState.DRAFT,), ClaimState.SUBMITTED,
           "process_claim"),
    Action("approve", _("Record the insurer's approval"), (ClaimState.SUBMITTED,),
           ClaimState.APPROVED, "process_claim"),
    Action("reject", _("Record the insurer's rejection"), (ClaimState.SUBMITTED,),
           ClaimState.REJECTED, "process_claim", needs_comment=True),
    Action("pay", _("Record the payment"), (ClaimState.APPROVED,), ClaimState.PAID,
           "process_claim"),
))


def claim_actions_from(state: str) -> list[Action]:
    return workflow.actions_from(CLAIM_ACTIONS, state)
