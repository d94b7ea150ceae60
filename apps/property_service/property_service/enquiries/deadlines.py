"""An enquiry's deadlines: budgets from the standard (data), arithmetic from core.workcalendar.

From receipt: handed over within the hand-over budget (1 h), the resident contacted within the
contact budget (2 h), answered within the answer budget (24 h); a complex enquiry resolved
within the working days of the standard (3), counted on the standard's working calendar.
An enquiry answered at the desk meets them all at once. The arithmetic is pure
(``intake_deadlines`` of a standard and a moment); ``deadline_rows`` says, at a moment, whether
each was met, missed, is still open or no longer due.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..complaints.deadlines import (  # one meaning of met/missed for every domain
    LATE_OPEN,
    MET,
    MISSED,
    NOT_DUE,
    OPEN,
    deadline_status,
)
from ..core.workcalendar import MINUTES, WORKING_DAYS, CalendarSpec, due_at, spec_from_calendar
from .models import EnquiryStandard

__all__ = ["LATE_OPEN", "MET", "MISSED", "NOT_DUE", "OPEN", "DEADLINES", "STATUSES",
           "deadline_rows", "intake_deadlines", "standard_for", "standard_table"]

# A deadline's status as the API lists it (one enum in the schema for every resource).
STATUSES = [MET, MISSED, OPEN, LATE_OPEN, NOT_DUE]


@dataclass(frozen=True)
class Deadline:
    name: str
    label: str
    due_field: str
    done_field: str


DEADLINES = (
    Deadline("handover", _("Handed over"), "handover_by", "handed_over_at"),
    Deadline("contact", _("Resident contacted"), "contact_by", "contacted_at"),
    Deadline("answer", _("Answer given"), "answer_by", "answered_at"),
    Deadline("resolve", _("Resolved"), "resolve_by", "resolved_at"),
)
BY_NAME = {d.name: d for d in DEADLINES}


def standard_for(*, community_id: int) -> EnquiryStandard:
    """The community's own standard, else the company's."""
    return standard_table()(community_id)


def standard_table() -> Callable[[int], EnquiryStandard]:
    """``standard_for`` of any community, from one read of every standard."""
    standards = {s.community_id: s for s in EnquiryStandard.objects.select_related("calendar")}

    def lookup(community_id: int) -> EnquiryStandard:
        found = standards.get(community_id) or standards.get(None)
        if found is None:
            raise EnquiryStandard.DoesNotExist("No enquiry standard")
        return found

    return lookup


def intake_deadlines(standard: EnquiryStandard, received_at: datetime.datetime, *,
                     complex: bool, spec: CalendarSpec | None = None,
                     ) -> dict[str, datetime.datetime | None]:
    """Every deadline, from receipt; only a complex enquiry has a resolution deadline. Pure
    given ``spec`` (by default the standard's calendar, read from the database)."""
    spec = spec or spec_from_calendar(standard.calendar)
    resolve_by = (due_at(received_at, standard.resolve_working_days, WORKING_DAYS, spec)
                  if complex else None)
    return {
        "handover_by": due_at(received_at, standard.handover_minutes, MINUTES, spec),
        "contact_by": due_at(received_at, standard.contact_minutes, MINUTES, spec),
        "answer_by": due_at(received_at, standard.answer_minutes, MINUTES, spec),
        "resolve_by": resolve_by,
    }


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    due: datetime.datetime | None
    done: datetime.datetime | None
    status: str


def deadline_rows(enquiry, now) -> list[DeadlineRow]:
    """Each deadline the enquiry has, and its status at ``now``; a converted or closed
    enquiry's clocks stopped when it was closed."""
    rows = []
    for d in DEADLINES:
        due, done = getattr(enquiry, d.due_field), getattr(enquiry, d.done_field)
        if due is None:
            continue
        rows.append(DeadlineRow(d, due, done,
                                deadline_status(due, done, now, ended=enquiry.closed_at)))
    return rows
