"""A complaint's deadlines: budgets from the standard (data), arithmetic from core.workcalendar.

Each deadline pairs a due field with the moment it is met; ``deadline_rows`` says, for one
complaint at one moment, whether each was met, missed, or is still open.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..core.workcalendar import MINUTES, WORKING_DAYS, due_at, spec_from_calendar
from .models import ComplaintStandard


@dataclass(frozen=True)
class Deadline:
    name: str
    label: str
    due_field: str
    done_field: str


DEADLINES = (
    Deadline("handover", _("Handed to a supervisor"), "handover_by", "assigned_at"),
    Deadline("contact", _("Resident contacted"), "contact_by", "contacted_at"),
    Deadline("plan", _("Plan agreed"), "plan_by", "plan_agreed_at"),
    Deadline("answer", _("Answer given"), "answer_by", "answered_at"),
    Deadline("resolve", _("Resolved"), "resolve_by", "resolved_at"),
    Deadline("follow_up", _("Followed up"), "follow_up_by", "followed_up_at"),
)
BY_NAME = {d.name: d for d in DEADLINES}


def standard_for(*, community_id: int, severity: str) -> ComplaintStandard:
    standards = ComplaintStandard.objects.select_related("calendar").filter(
        Q(community_id=community_id) | Q(community__isnull=True), severity=severity)
    found = sorted(standards, key=lambda s: s.community_id is None)
    if not found:
        raise ComplaintStandard.DoesNotExist(f"No complaint standard for {severity!r}")
    return found[0]


def intake_deadlines(standard: ComplaintStandard, received_at) -> dict[str, datetime.datetime]:
    """Every deadline that runs from receipt (the follow-up runs from resolution)."""
    spec = spec_from_calendar(standard.calendar)
    return {
        "handover_by": due_at(received_at, standard.handover_minutes, MINUTES, spec),
        "contact_by": due_at(received_at, standard.contact_minutes, MINUTES, spec),
        "plan_by": due_at(received_at, standard.plan_minutes, MINUTES, spec),
        "answer_by": due_at(received_at, standard.answer_minutes, MINUTES, spec),
        "resolve_by": due_at(received_at, standard.resolve_working_days, WORKING_DAYS, spec),
    }


def follow_up_deadline(standard: ComplaintStandard, resolved_at) -> datetime.datetime:
    return resolved_at + datetime.timedelta(minutes=standard.follow_up_minutes)


MET, MISSED, OPEN, LATE_OPEN = "met", "missed", "open", "overdue"


def deadline_status(due, done, now) -> str:
    if due is None:
        return OPEN
    if done is not None:
        return MET if done <= due else MISSED
    return LATE_OPEN if now > due else OPEN


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    due: datetime.datetime | None
    done: datetime.datetime | None
    status: str


def deadline_rows(complaint, now) -> list[DeadlineRow]:
    rows = []
    for d in DEADLINES:
        due, done = getattr(complaint, d.due_field), getattr(complaint, d.done_field)
        rows.append(DeadlineRow(d, due, done, deadline_status(due, done, now)))
    return rows
