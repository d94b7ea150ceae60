"""The escalation ladder every deadline-driven domain uses (催办 → supervisor → manager).

For one deadline of one record: when ``warn_at`` has passed, the person responsible is warned;
at the deadline, the supervisors; ``manager_after`` past the deadline, the managers. Each step is
claimed in the database (EscalationStep, unique) before anyone is notified, in the same
transaction, so it happens exactly once; a run after downtime takes every step that is due.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import EscalationStep
from .notifications import notify

Step = EscalationStep.Step


@transaction.atomic
def take_step(*, target, clock: str, step: str, deadline: datetime.datetime,
              users: Callable[[], Iterable], kind: str, message: str) -> int:
    """Take one step once: returns how many notifications it sent (0 if taken before).
    ``users`` is called only for the run that takes the step."""
    try:
        with transaction.atomic():
            EscalationStep.objects.create(
                target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
                clock=clock, step=step, deadline=deadline)
    except IntegrityError:
        return 0
    created = notify(users=users(), kind=kind, message=message, target=target,
                     dedupe_key=f"{target._meta.label_lower}:{target.pk}:{clock}:{step}:"
                                f"{deadline.isoformat()}")
    return len(created)


def climb(*, target, clock: str, deadline: datetime.datetime, warn_at: datetime.datetime,
          manager_after: datetime.timedelta, now: datetime.datetime,
          recipients: Callable[[str], Iterable], kinds: dict[str, str],
          message: Callable[[str], str]) -> int:
    """Take every step of the ladder that is due at ``now``."""
    due = [(Step.WARNING, warn_at), (Step.BREACH, deadline),
           (Step.MANAGER, deadline + manager_after)]
    return sum(
        take_step(target=target, clock=clock, step=step, deadline=deadline,
                  users=lambda step=step: recipients(step), kind=kinds[step],
                  message=message(step))
        for step, moment in due if now >= moment
    )
