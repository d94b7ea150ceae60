"""The escalation ladder every deadline-driven domain uses (催办 → supervisor → manager).

For one deadline of one record: when ``warn_at`` has passed, the person responsible is warned;
at the deadline, the supervisors; ``manager_after`` past the deadline, the managers. Each step is
claimed in the database (EscalationStep, unique) before anyone is notified, in the same
transaction, so it happens exactly once; a run after downtime takes every step that is due.

The chasing jobs read only the records whose next step has come: each such record keeps the
moment of its earliest step not yet taken (``next_due``), and a run reads the steps its records
took before (``taken_steps``) so that it never tries one twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import EscalationStep
from .notifications import notify
from .workcalendar import specs_read_once

Step = EscalationStep.Step


@dataclass(frozen=True)
class Rung:
    """One step of one deadline's ladder, due ``at``. A step is the same step (taken once)
    for the same clock, step and deadline: a new deadline starts a new ladder."""

    clock: str
    step: str
    deadline: datetime.datetime
    at: datetime.datetime

    @property
    def key(self) -> tuple[str, str, datetime.datetime]:
        return (self.clock, self.step, self.deadline)


# Records looked at per transaction (each batch's rows stay locked until it commits).
BATCH_SIZE = 200


def ladder(*, clock: str, deadline: datetime.datetime, warn_at: datetime.datetime,
           manager_after: datetime.timedelta) -> list[Rung]:
    """The three steps of a deadline: the warning, the breach, the aged breach."""
    return [Rung(clock, Step.WARNING, deadline, warn_at),
            Rung(clock, Step.BREACH, deadline, deadline),
            Rung(clock, Step.MANAGER, deadline, deadline + manager_after)]


def taken_steps(model, ids: Iterable[int]) -> dict[int, set]:
    """The steps taken so far for these records of ``model``: id → set of ``Rung.key`` (one
    query)."""
    taken: dict[int, set] = defaultdict(set)
    rows = EscalationStep.objects.filter(
        target_type=ContentType.objects.get_for_model(model), target_id__in=list(ids)
    ).values_list("target_id", "clock", "step", "deadline")
    for target_id, clock, step, deadline in rows:
        taken[target_id].add((clock, step, deadline))
    return taken


def next_due(rungs: Iterable[Rung], taken: set) -> datetime.datetime | None:
    """When the earliest of ``rungs`` not yet taken falls due; None when none is left."""
    return min((rung.at for rung in rungs if rung.key not in taken), default=None)


def claim_due(model, now: datetime.datetime, seen: set[int]) -> tuple[int, list[int]]:
    """The next batch of ``model``'s records whose ``chase_at`` has come, locked until the
    caller's transaction commits (a service changing one waits, then recomputes its
    ``chase_at`` from the steps taken; a parallel run skips them): how many were due, and the
    ids not yet looked at in this run (added to ``seen``)."""
    ids = list(model.objects.filter(chase_at__lte=now).order_by("chase_at")
               .select_for_update(skip_locked=True).values_list("pk", flat=True)[:BATCH_SIZE])
    fresh = [pk for pk in ids if pk not in seen]
    seen.update(fresh)
    return len(ids), fresh


def chase_in_batches(batch: Callable[[set[int]], tuple[int, int, int]]) -> dict[str, int]:
    """A chasing run: ``batch(seen)`` (a transaction over the next due records not in
    ``seen``, returning how many were found due, looked at and notified) until a batch comes
    back short. Every record looked at moves past now, so the run ends; the calendars are read
    once for all of them."""
    checked = notified = 0
    seen: set[int] = set()
    with specs_read_once():
        while True:
            found, looked, sent = batch(seen)
            checked, notified = checked + looked, notified + sent
            if found < BATCH_SIZE or not looked:
                break
    return {"checked": checked, "notified": notified}


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


def take_due(*, target, rungs: Iterable[Rung], now: datetime.datetime, taken: set,
             recipients: Callable[[Rung], Iterable], kinds: dict[str, str],
             message: Callable[[Rung], str]) -> int:
    """Take each of ``rungs`` due at ``now`` that is not in ``taken`` (the steps taken before,
    which this extends): a step already taken is not tried again."""
    sent = 0
    for rung in rungs:
        if rung.at <= now and rung.key not in taken:
            sent += take_step(target=target, clock=rung.clock, step=rung.step,
                              deadline=rung.deadline, users=lambda rung=rung: recipients(rung),
                              kind=kinds[rung.step], message=message(rung))
            # Taken now, or by a concurrent run first (the unique row said so): done either way.
            taken.add(rung.key)
    return sent


def climb(*, target, clock: str, deadline: datetime.datetime, warn_at: datetime.datetime,
          manager_after: datetime.timedelta, now: datetime.datetime,
          recipients: Callable[[str], Iterable], kinds: dict[str, str],
          message: Callable[[str], str], taken: set | None = None) -> int:
    """Take every step of the ladder that is due at ``now`` (and not in ``taken``)."""
    return take_due(target=target, rungs=ladder(clock=clock, deadline=deadline, warn_at=warn_at,
                                                 manager_after=manager_after),
                    now=now, taken=set() if taken is None else taken,
                    recipients=lambda rung: recipients(rung.step), kinds=kinds,
                    message=lambda rung: message(rung.step))
