"""A complaint's deadlines: budgets from the standard (data), arithmetic from core.workcalendar.

Each deadline pairs a due field with the moment it is met; ``deadline_rows`` says, for one
complaint at one moment, whether each was met, missed, is still open or no longer due, round by
round: a reopened complaint keeps each earlier round (ComplaintRound) as it ended, and its own
fields hold the round under way. What "on time" means is written once, in Python and as SQL
side by side (``on_time`` and ``on_time_q``); the figures count with the SQL one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..core.workcalendar import MINUTES, WORKING_DAYS, due_at, spec_from_calendar
from .models import ComplaintStandard, Severity


@dataclass(frozen=True)
class Deadline:
    name: str
    label: str
    due_field: str
    done_field: str
    # Runs again in each round of a reopened complaint (the handover and the manager's
    # acknowledgement happen once per complaint).
    every_round: bool = True


DEADLINES = (
    Deadline("handover", _("Handed to a supervisor"), "handover_by", "assigned_at",
             every_round=False),
    Deadline("acknowledge", _("Acknowledged by the manager"), "acknowledge_by",
             "manager_acknowledged_at", every_round=False),
    Deadline("contact", _("Resident contacted"), "contact_by", "contacted_at"),
    Deadline("plan", _("Plan agreed"), "plan_by", "plan_agreed_at"),
    Deadline("answer", _("Answer given"), "answer_by", "answered_at"),
    Deadline("resolve", _("Resolved"), "resolve_by", "resolved_at"),
    Deadline("follow_up", _("Followed up"), "follow_up_by", "followed_up_at"),
)
BY_NAME = {d.name: d for d in DEADLINES}
EVERY_ROUND = tuple(d for d in DEADLINES if d.every_round)


def standard_for(*, community_id: int, severity: str) -> ComplaintStandard:
    """The community's own standard for ``severity``, else the company's."""
    return _preferred(ComplaintStandard.objects.select_related("calendar").filter(
        Q(community_id=community_id) | Q(community__isnull=True), severity=severity), severity)


def standard_table() -> Callable[[int, str], ComplaintStandard]:
    """``standard_for`` of any community and severity, from one read of every standard (for a
    job that looks at many complaints)."""
    standards = list(ComplaintStandard.objects.select_related("calendar"))
    found: dict[tuple[int, str], ComplaintStandard] = {}

    def lookup(community_id: int, severity: str) -> ComplaintStandard:
        key = (community_id, severity)
        if key not in found:
            found[key] = _preferred([s for s in standards if s.severity == severity
                                     and s.community_id in (community_id, None)], severity)
        return found[key]

    return lookup


def _preferred(standards: Iterable[ComplaintStandard], severity: str) -> ComplaintStandard:
    # A community's own standard wins over the company's.
    found = sorted(standards, key=lambda s: s.community_id is None)
    if not found:
        raise ComplaintStandard.DoesNotExist(f"No complaint standard for {severity!r}")
    return found[0]


def intake_deadlines(standard: ComplaintStandard, received_at) -> dict[str, datetime.datetime]:
    """Every deadline that runs from receipt (the follow-up runs from resolution)."""
    return {
        "handover_by": due_at(received_at, standard.handover_minutes, MINUTES,
                              spec_from_calendar(standard.calendar)),
        "acknowledge_by": acknowledge_deadline(standard, received_at),
        **round_deadlines(standard, received_at),
    }


def round_deadlines(standard: ComplaintStandard, start) -> dict[str, datetime.datetime]:
    """The deadlines that run again from the start of each round (receipt, or the reopening)."""
    spec = spec_from_calendar(standard.calendar)
    return {
        "contact_by": due_at(start, standard.contact_minutes, MINUTES, spec),
        "plan_by": due_at(start, standard.plan_minutes, MINUTES, spec),
        "answer_by": due_at(start, standard.answer_minutes, MINUTES, spec),
        "resolve_by": due_at(start, standard.resolve_working_days, WORKING_DAYS, spec),
    }


def acknowledge_deadline(standard: ComplaintStandard, major_since) -> datetime.datetime | None:
    """When the property manager must have acknowledged a complaint that is major since
    ``major_since``; None for a severity the manager does not acknowledge."""
    if standard.severity != Severity.MAJOR or standard.acknowledge_minutes is None:
        return None
    return major_since + datetime.timedelta(minutes=standard.acknowledge_minutes)


def follow_up_deadline(standard: ComplaintStandard, resolved_at) -> datetime.datetime:
    return resolved_at + datetime.timedelta(minutes=standard.follow_up_minutes)


MET, MISSED, OPEN, LATE_OPEN, NOT_DUE = "met", "missed", "open", "overdue", "not_due"
ON_TIME_STATUSES = (MET, OPEN, NOT_DUE)


def deadline_status(due, done, now, *, ended=None) -> str:
    """Met (done by the due time) or missed; if not done, overdue once ``now`` is past the due
    time. A round that ``ended`` (reopened, withdrawn) leaves what was not done missed if it was
    due by then, and no longer due otherwise."""
    if due is None:
        return OPEN
    if done is not None:
        return MET if done <= due else MISSED
    if ended is not None and ended <= now:
        return MISSED if ended > due else NOT_DUE
    return LATE_OPEN if now > due else OPEN


# On time, in Python and as SQL, side by side: a deadline is on time when it has no due time,
# was done by its due time, or is not done and ``at`` (now, or when its round ended) is not
# past its due time. tests/complaints/test_deadline_agreement.py checks both agree.
def on_time(due, done, at) -> bool:
    return deadline_status(due, done, at) in ON_TIME_STATUSES


def on_time_q(deadline: Deadline, at, prefix: str = "") -> Q:
    """``on_time`` as a condition; ``at`` is a moment or an expression (F("ended_at"))."""
    due, done = prefix + deadline.due_field, prefix + deadline.done_field
    return (Q(**{f"{due}__isnull": True})
            | Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})
            | Q(**{f"{done}__isnull": True, f"{due}__gte": at}))


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    due: datetime.datetime | None
    done: datetime.datetime | None
    status: str
    round: int = 1


def _applies(deadline: Deadline, complaint) -> bool:
    # Only major complaints wait for the manager's acknowledgement.
    return deadline.name != "acknowledge" or getattr(complaint, deadline.due_field) is not None


def deadline_rows(complaint, now) -> list[DeadlineRow]:
    """Every deadline of every round, earliest round first: those of earlier rounds as they
    ended, those of the round under way at ``now`` (a withdrawn complaint's stopped when it was
    withdrawn). A once-only deadline is shown in the round in which it fell due."""
    rounds = list(complaint.rounds.all()) if complaint.pk and complaint.reopen_count else []
    rows = [DeadlineRow(d, getattr(r, d.due_field), getattr(r, d.done_field),
                        deadline_status(getattr(r, d.due_field), getattr(r, d.done_field),
                                        now, ended=r.ended_at), r.number)
            for r in rounds for d in EVERY_ROUND]
    for d in DEADLINES:
        if not _applies(d, complaint):
            continue
        due, done = getattr(complaint, d.due_field), getattr(complaint, d.done_field)
        number = complaint.round_number if d.every_round else 1 + sum(
            1 for r in rounds if due is not None and r.ended_at < due)
        rows.append(DeadlineRow(d, due, done,
                                deadline_status(due, done, now, ended=complaint.withdrawn_at),
                                number))
    order = {d.name: i for i, d in enumerate(DEADLINES)}
    return sorted(rows, key=lambda row: (row.round, order[row.deadline.name]))


# Overdue and due soon, as ``deadline_status`` says them and as the queues count them (SQL),
# side by side: a deadline not done whose due time ``now`` is past is overdue; one not done
# and due within ``window`` of ``now`` is due soon. Only the deadlines of the round under way
# (the complaint's own fields) count.
def is_overdue(complaint, now) -> bool:
    return any(deadline_status(getattr(complaint, d.due_field), getattr(complaint, d.done_field),
                               now) == LATE_OPEN for d in DEADLINES)


def overdue_q(now) -> Q:
    found = Q(pk__in=[])
    for d in DEADLINES:
        found |= Q(**{f"{d.done_field}__isnull": True, f"{d.due_field}__lt": now})
    return found


def is_due_soon(complaint, now, window: datetime.timedelta) -> bool:
    return not is_overdue(complaint, now) and any(
        getattr(complaint, d.done_field) is None and getattr(complaint, d.due_field) is not None
        and now <= getattr(complaint, d.due_field) <= now + window for d in DEADLINES)


def due_soon_q(now, window: datetime.timedelta) -> Q:
    found = Q(pk__in=[])
    for d in DEADLINES:
        found |= Q(**{f"{d.done_field}__isnull": True, f"{d.due_field}__gte": now,
                      f"{d.due_field}__lte": now + window})
    return found & ~overdue_q(now)
