"""The SLA of a work order: which policy applies, its deadlines, and its state at a moment.

Policies are data (SlaPolicy: per community, falling back to the company standard); the time
arithmetic is core.workcalendar's. Everything here is a small function with direct tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..core.workcalendar import (
    MINUTES,
    CalendarSpec,
    due_at,
    point_in_budget,
    shift_after_pause,
    spec_from_calendar,
    working_minutes_between,
)
from .models import SlaPolicy
from .states import DONE_STATES, State


def policy_for(*, community_id: int, priority: str) -> SlaPolicy:
    """The community's own policy for ``priority``, else the company standard."""
    return _preferred(SlaPolicy.objects.select_related("calendar").filter(
        Q(community_id=community_id) | Q(community__isnull=True), priority=priority), priority)


def policy_table() -> Callable[[int, str], SlaPolicy]:
    """``policy_for`` of any community and priority, from one read of every policy (for a job
    that looks at many orders)."""
    policies = list(SlaPolicy.objects.select_related("calendar"))
    found: dict[tuple[int, str], SlaPolicy] = {}

    def lookup(community_id: int, priority: str) -> SlaPolicy:
        key = (community_id, priority)
        if key not in found:
            found[key] = _preferred([p for p in policies if p.priority == priority
                                     and p.community_id in (community_id, None)], priority)
        return found[key]

    return lookup


def _preferred(policies: Iterable[SlaPolicy], priority: str) -> SlaPolicy:
    # A community's own policy wins over the company standard.
    found = sorted(policies, key=lambda p: p.community_id is None)
    if not found:
        raise SlaPolicy.DoesNotExist(f"No SLA policy for priority {priority!r}")
    return found[0]


@dataclass(frozen=True)
class Deadlines:
    respond_by: datetime.datetime
    complete_by: datetime.datetime


def deadlines(policy: SlaPolicy, reported_at: datetime.datetime) -> Deadlines:
    spec = spec_from_calendar(policy.calendar)
    return Deadlines(
        respond_by=due_at(reported_at, policy.respond_within, policy.respond_unit, spec),
        complete_by=due_at(reported_at, policy.complete_within, policy.complete_unit, spec),
    )


def completion_deadline(policy: SlaPolicy, start: datetime.datetime) -> datetime.datetime:
    """The completion deadline of a clock started at ``start`` (intake, or the rework)."""
    return due_at(start, policy.complete_within, policy.complete_unit,
                  spec_from_calendar(policy.calendar))


def _running(start, end, unit: str, spec: CalendarSpec) -> datetime.timedelta:
    if end <= start:
        return datetime.timedelta(0)
    if unit == MINUTES:
        return end - start
    return datetime.timedelta(minutes=working_minutes_between(start, end, spec))


def running_segments(start: datetime.datetime, deadline: datetime.datetime,
                     pauses: Iterable[tuple[datetime.datetime, datetime.datetime | None]]):
    """The stretches of ``[start, deadline)`` during which the clock ran: pauses (paused at,
    resumed at; ``None`` while still paused) cut them out."""
    segments, cursor = [], start
    for paused_at, resumed_at in sorted(pauses, key=lambda p: p[0]):
        if resumed_at is not None and resumed_at <= cursor:
            continue
        if paused_at >= deadline:
            break
        if paused_at > cursor:
            segments.append((cursor, paused_at))
        if resumed_at is None:
            return segments
        cursor = max(cursor, resumed_at)
    if cursor < deadline:
        segments.append((cursor, deadline))
    return segments


def point_in_running_budget(*, start: datetime.datetime, deadline: datetime.datetime,
                            fraction: float, unit: str, spec: CalendarSpec,
                            pauses=()) -> datetime.datetime | None:
    """The moment ``fraction`` of the running time from ``start`` to ``deadline`` is used.

    Only running time counts: a pause uses none of the budget (wall-clock time for
    ``MINUTES``, working time otherwise). ``None`` when the clock stands still (a pause not
    yet resumed) before that moment; ``deadline`` when there is no budget at all.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"The fraction must lie between 0 and 1, not {fraction}.")
    pauses = list(pauses)
    ended = [p for p in pauses if p[1] is not None]
    # The budget: the running time to the deadline, as if an open pause were not there.
    budget = sum((_running(a, b, unit, spec) for a, b in running_segments(start, deadline, ended)),
                 datetime.timedelta(0))
    if budget <= datetime.timedelta(0):
        return deadline
    left = budget * fraction
    for begin, end in running_segments(start, deadline, pauses):
        length = _running(begin, end, unit, spec)
        if length and left <= length:
            return point_in_budget(begin, end, left / length, unit, spec)
        left -= length
    still_paused = any(resumed is None and paused < deadline for paused, resumed in pauses)
    return None if still_paused else deadline


def warning_time(policy: SlaPolicy, start, deadline, unit: str,
                 pauses=()) -> datetime.datetime | None:
    """When ``warn_at_percent`` of the running time from ``start`` to ``deadline`` is used."""
    return point_in_running_budget(start=start, deadline=deadline,
                                   fraction=policy.warn_at_percent / 100, unit=unit,
                                   spec=spec_from_calendar(policy.calendar), pauses=pauses)


@dataclass(frozen=True)
class FollowUpDeadlines:
    due_at: datetime.datetime  # the call is due (the agents are reminded)
    overdue_at: datetime.datetime  # the call is late (the supervisors are told)


def follow_up_deadlines(policy: SlaPolicy, completed_at: datetime.datetime) -> FollowUpDeadlines:
    """The follow-up call (回访) counts from the completion of the repair."""
    return FollowUpDeadlines(
        due_at=completed_at + datetime.timedelta(hours=policy.follow_up_due_hours),
        overdue_at=completed_at + datetime.timedelta(hours=policy.follow_up_overdue_hours))


def resumed_deadline(policy: SlaPolicy, deadline, paused_at, resumed_at, unit: str):
    return shift_after_pause(deadline, paused_at, resumed_at, unit,
                             spec_from_calendar(policy.calendar))


class SlaState:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"
    MISSED = "missed"
    NONE = "none"

    LABELS = {
        ON_TRACK: _("On track"), DUE_SOON: _("Due within 1 h"), BREACHED: _("Overdue"),
        PAUSED: _("Paused"), MET: _("Met"), MISSED: _("Missed"), NONE: _("No deadline"),
    }
    # unfold label colours
    COLOURS = {ON_TRACK: "info", DUE_SOON: "warning", BREACHED: "danger", PAUSED: "",
               MET: "success", MISSED: "danger", NONE: ""}


DUE_SOON_WINDOW = datetime.timedelta(hours=1)


def sla_state(*, state: str, respond_by, complete_by, responded_at, completed_at, paused_at,
              now: datetime.datetime) -> str:
    """One word for where an order stands against its deadlines at ``now``."""
    if state == State.CANCELLED:
        return SlaState.NONE
    if state in DONE_STATES:
        if completed_at is None or complete_by is None:
            return SlaState.NONE
        late = completed_at > complete_by or (
            responded_at is not None and respond_by is not None and responded_at > respond_by)
        return SlaState.MISSED if late else SlaState.MET
    if paused_at is not None:
        return SlaState.PAUSED
    open_deadlines = [complete_by] + ([respond_by] if responded_at is None else [])
    open_deadlines = [d for d in open_deadlines if d is not None]
    if not open_deadlines:
        return SlaState.NONE
    nearest = min(open_deadlines)
    if now >= nearest:
        return SlaState.BREACHED
    if nearest - now <= DUE_SOON_WINDOW:
        return SlaState.DUE_SOON
    return SlaState.ON_TRACK


def order_sla_state(order, now) -> str:
    return sla_state(state=order.state, respond_by=order.respond_by,
                     complete_by=order.complete_by, responded_at=order.responded_at,
                     completed_at=order.completed_at, paused_at=order.paused_at, now=now)


# ``sla_state``'s BREACHED and DUE_SOON of a running order (open, not paused) as conditions
# for the queues: the same boundaries (a deadline is breached from its due time on).
# tests/workorders/test_sla_agreement.py checks both agree.
def overdue_q(now: datetime.datetime) -> Q:
    return (Q(responded_at__isnull=True, respond_by__lte=now)
            | Q(completed_at__isnull=True, complete_by__lte=now))


def due_soon_q(now: datetime.datetime) -> Q:
    soon = now + DUE_SOON_WINDOW
    return ((Q(responded_at__isnull=True, respond_by__gt=now, respond_by__lte=soon)
             | Q(completed_at__isnull=True, complete_by__gt=now, complete_by__lte=soon))
            & ~overdue_q(now))


# On time, in Python and as SQL side by side, for the figures: a deadline (respond by, complete
# by) is on time when it has none, was met by its due time, or is not met yet and is not due
# yet at ``now`` or its clock stands still (paused: the deadline moves on when it resumes). The
# same boundaries as ``sla_state``: met at the due time is on time, unmet at it is late.
# tests/workorders/test_figures_agreement.py checks both agree.
RESPONSE = ("respond_by", "responded_at")
COMPLETION = ("complete_by", "completed_at")


def on_time(due, done, *, paused: bool, now: datetime.datetime) -> bool:
    if due is None:
        return True
    if done is not None:
        return done <= due
    return paused or now < due


def on_time_q(deadline: tuple[str, str], now: datetime.datetime) -> Q:
    """``on_time`` of ``deadline`` (``RESPONSE`` or ``COMPLETION``) as a condition."""
    due, done = deadline
    return (Q(**{f"{due}__isnull": True})
            | Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})
            | Q(**{f"{done}__isnull": True, "paused_at__isnull": False})
            | Q(**{f"{done}__isnull": True, f"{due}__gt": now}))


def order_on_time(order, deadline: tuple[str, str], now: datetime.datetime) -> bool:
    due, done = deadline
    return on_time(getattr(order, due), getattr(order, done),
                   paused=order.paused_at is not None, now=now)


# The follow-up call (回访) in time, the same way: made (answered, or given up as unreachable
# after the last call) by the time it is overdue, or not overdue yet at ``now``.
def follow_up_in_time(overdue_at, done_at, *, now: datetime.datetime) -> bool:
    return on_time(overdue_at, done_at, paused=False, now=now)


def follow_up_in_time_q(now: datetime.datetime) -> Q:
    """``follow_up_in_time`` as a condition on FollowUp."""
    return (Q(overdue_at__isnull=True)
            | Q(done_at__isnull=False, done_at__lte=F("overdue_at"))
            | Q(done_at__isnull=True, overdue_at__gt=now))


# Dispatched within the standard (派单时效, core.targets.dispatch_standards: minutes from intake
# per priority), in Python and as SQL side by side; only orders dispatched (responded_at: their
# first dispatch) of a priority that has a standard are judged.
def has_dispatch_standard_q(standards: dict[str, int]) -> Q:
    return Q(responded_at__isnull=False, priority__in=list(standards))


def dispatched_in_time(priority: str, reported_at, responded_at,
                       standards: dict[str, int]) -> bool:
    return responded_at - reported_at <= datetime.timedelta(minutes=standards[priority])


def dispatched_in_time_q(standards: dict[str, int]) -> Q:
    condition = Q(pk__in=[])
    for priority, minutes in standards.items():
        condition |= Q(priority=priority, responded_at__lte=F("reported_at")
                       + datetime.timedelta(minutes=minutes))
    return has_dispatch_standard_q(standards) & condition


# ``sla_state``'s MET and MISSED (a done order with its deadlines) as conditions, for the
# compliance figures: the same comparisons (a deadline is met when done no later than due).
# tests/workorders/test_sla_agreement.py checks both agree.
def judged_q() -> Q:
    """Done orders ``sla_state`` judges MET or MISSED."""
    return Q(state__in=DONE_STATES, completed_at__isnull=False, complete_by__isnull=False)


def met_q() -> Q:
    """Done orders that met every deadline (``SlaState.MET``)."""
    responded_late = Q(responded_at__isnull=False, respond_by__isnull=False,
                       responded_at__gt=F("respond_by"))
    return judged_q() & Q(completed_at__lte=F("complete_by")) & ~responded_late
