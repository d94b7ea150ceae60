"""Chasing complaint deadlines on the shared escalation ladder (core.escalation).

Every unmet deadline of the round under way of an open complaint climbs it: the supervisor who
owns the complaint (or, before handover, the community's CS agents) is warned at
``warn_at_percent`` of the time; at the deadline that supervisor and the community's CS
supervisors are told;
``manager_after_minutes`` later its managers. The managers' own acknowledgement of a major
complaint climbs it too: they are warned, told again at the deadline (with the CS supervisors,
whose plan waits for it) and reminded at the last step.

When to look: each complaint keeps ``chase_at``, the moment its earliest step not yet taken
falls due (empty when none is left). A run reads only the complaints whose ``chase_at`` has
come and moves it on; the services call ``update_chase_at`` whenever they change a deadline,
meet one or move the complaint.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role
from ..core.display import record_label
from ..core.escalation import (
    Rung,
    Step,
    chase_in_batches,
    claim_due,
    ladder,
    next_due,
    take_due,
    taken_steps,
)
from ..core.models import Notification
from ..core.workcalendar import MINUTES, point_in_budget, spec_from_calendar
from .deadlines import BY_NAME, DEADLINES, standard_for, standard_table
from .models import Complaint, ComplaintStandard
from .states import State

KINDS = {Step.WARNING: Notification.Kind.SLA_WARNING,
         Step.BREACH: Notification.Kind.COMPLAINT_ESCALATED,
         Step.MANAGER: Notification.Kind.COMPLAINT_ESCALATED}
CHASED_STATES = (State.RECEIVED, State.ASSIGNED, State.CONTACTED, State.PLAN_AGREED,
                 State.REOPENED, State.RESOLVED, State.FOLLOW_UP)


class _Reading:
    """What one run reads once for all its complaints: the standards and the people of each
    role in each community."""

    def __init__(self):
        self._standards = None
        self._roles: dict[tuple[str, int], list] = {}

    def standard(self, complaint: Complaint) -> ComplaintStandard:
        if self._standards is None:
            self._standards = standard_table()
        return self._standards(complaint.community_id, complaint.severity)

    def role(self, role: str, community_id: int) -> list:
        if (role, community_id) not in self._roles:
            self._roles[(role, community_id)] = list(users_with_role(role, community_id))
        return self._roles[(role, community_id)]


def _recipients(complaint: Complaint, clock: str, step: str, people: _Reading) -> list:
    if clock == "acknowledge":
        # The managers owe the acknowledgement: they are warned and told again at each step;
        # at the deadline the CS supervisors learn that the plan is held up.
        managers = people.role("Property Manager", complaint.community_id)
        if step == Step.BREACH:
            return managers + people.role("CS Supervisor", complaint.community_id)
        return managers
    if step == Step.WARNING:
        if complaint.supervisor_id:
            return [complaint.supervisor]
        return people.role("CS Agent", complaint.community_id)
    if step == Step.BREACH:
        # The handler who missed it and the community's supervisors.
        handler = [complaint.supervisor] if complaint.supervisor_id else []
        return handler + people.role("CS Supervisor", complaint.community_id)
    return people.role("Property Manager", complaint.community_id)


def _message(complaint: Complaint, rung: Rung) -> str:
    text = (_("%(number)s: “%(deadline)s” due by %(when)s.") if rung.step == Step.WARNING
            else _("%(number)s: “%(deadline)s” was due by %(when)s and is late."))
    return text % {"number": record_label(complaint), "deadline": BY_NAME[rung.clock].label,
                   "when": timezone.localtime(rung.deadline).strftime("%Y-%m-%d %H:%M")}


def _start(complaint: Complaint, name: str, due, standard) -> datetime.datetime | None:
    """When the time for deadline ``name`` started running."""
    if name == "follow_up":
        return complaint.resolved_at
    if name == "handover":
        return complaint.received_at
    if name == "acknowledge":  # from when the complaint became major
        return due - datetime.timedelta(minutes=standard.acknowledge_minutes or 0)
    return complaint.round_started_at


def _rungs(complaint: Complaint, standard: ComplaintStandard) -> list[Rung]:
    """Every step of the ladder of each deadline not yet met, taken or not."""
    if complaint.state not in CHASED_STATES:
        return []
    spec = spec_from_calendar(standard.calendar)
    manager_after = datetime.timedelta(minutes=standard.manager_after_minutes)
    rungs: list[Rung] = []
    for deadline in DEADLINES:
        due = getattr(complaint, deadline.due_field)
        if due is None or getattr(complaint, deadline.done_field) is not None:
            continue
        start = _start(complaint, deadline.name, due, standard)
        warn_at = (point_in_budget(start, due, standard.warn_at_percent / 100, MINUTES, spec)
                   if start and start < due else due)
        rungs += ladder(clock=deadline.name, deadline=due, warn_at=warn_at,
                        manager_after=manager_after)
    return rungs


def update_chase_at(complaint: Complaint) -> None:
    """Set when the chaser looks at ``complaint`` next: the earliest step not yet taken of its
    deadlines' ladders (maybe already past: the next run takes it), or nothing when none is
    left. Every service that sets, meets or moves a deadline, or moves the complaint, calls
    this after its change, in its transaction."""
    complaint.chase_at = None
    if complaint.state in CHASED_STATES:
        standard = standard_for(community_id=complaint.community_id,
                                severity=complaint.severity)
        complaint.chase_at = next_due(_rungs(complaint, standard),
                                      taken_steps(Complaint, [complaint.pk])[complaint.pk])
    # Not a change of the complaint's own (no new version): the chaser's bookkeeping.
    Complaint.objects.filter(pk=complaint.pk).update(chase_at=complaint.chase_at)


def chase_every_complaint_again() -> int:
    """Make every complaint the chaser follows due at its next run, which recomputes when to
    look at each: for a change of the rules its ladders come from (a complaint standard, a
    working calendar). Returns how many complaints it touched."""
    now = timezone.now()
    return Complaint.objects.filter(state__in=CHASED_STATES).exclude(
        chase_at__lte=now).update(chase_at=now)


def chase_complaints(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step that is due, reading only the complaints whose ``chase_at``
    has come. Idempotent; a late run catches up; parallel runs share the work."""
    now = now or timezone.now()
    people = _Reading()
    return chase_in_batches(lambda seen: _chase_batch(now, people, seen))


@transaction.atomic
def _chase_batch(now, people: _Reading, seen: set[int]) -> tuple[int, int, int]:
    """One batch of due complaints: (found due, looked at, notifications sent)."""
    found, ids = claim_due(Complaint, now, seen)
    if not ids:
        return found, 0, 0
    complaints = list(Complaint.objects.filter(pk__in=ids).order_by("pk")
                      .select_related("supervisor"))
    taken = taken_steps(Complaint, ids)
    sent = 0
    for complaint in complaints:
        rungs = _rungs(complaint, people.standard(complaint))
        sent += take_due(
            target=complaint, rungs=rungs, now=now, taken=taken[complaint.pk],
            recipients=lambda rung, c=complaint: _recipients(c, rung.clock, rung.step, people),
            kinds=KINDS, message=lambda rung, c=complaint: _message(c, rung))
        complaint.chase_at = next_due(rungs, taken[complaint.pk])
    Complaint.objects.bulk_update(complaints, ["chase_at"])
    return found, len(complaints), sent
