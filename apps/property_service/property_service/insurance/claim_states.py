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


# A draft is still being prepared: all it was entered with may change. Once lodged with the
# insurer, the policy, the loss and the amount claimed are what the insurer assesses and stay
# as lodged; only the insurer's claim reference (often given later) may still be corrected.
ENTERED_FIELDS = ("policy", "incident", "loss_date", "description", "amount_claimed",
                  "insurer_reference")
EDITABLE_ONCE_LODGED = ("insurer_reference",)


def editable_in(state: str) -> tuple[str, ...]:
    """The fields a claim in ``state`` still lets staff correct by hand."""
    return ENTERED_FIELDS if state == ClaimState.DRAFT else EDITABLE_ONCE_LODGED


def claim_actions_from(state: str) -> list[Action]:
    return workflow.actions_from(CLAIM_ACTIONS, state)
