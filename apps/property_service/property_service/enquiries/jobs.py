"""Chasing enquiry deadlines on the shared escalation ladder (core.escalation).

Every unmet deadline of an open enquiry climbs it: the handler (or, before hand-over, the
community's CS agents and front desk) is warned at ``warn_at_percent`` of the time; at the
deadline the community's CS supervisors are told; ``manager_after_minutes`` later its managers.

When to look: each enquiry keeps ``chase_at``, the moment its earliest step not yet taken falls
due (empty when none is left). A run reads only the enquiries whose ``chase_at`` has come; the
services call ``update_chase_at`` whenever they meet a deadline or move the enquiry.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role
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
from .models import Enquiry, EnquiryStandard
from .states import OPEN_STATES

KINDS = {Step.WARNING: Notification.Kind.SLA_WARNING,
         Step.BREACH: Notification.Kind.SLA_BREACH,
         Step.MANAGER: Notification.Kind.SLA_BREACH}


class _Reading:
    """What one run reads once: the standards and the people of each role per community."""

    def __init__(self):
        self._standards = None
        self._roles: dict[tuple[str, int], list] = {}

    def standard(self, enquiry: Enquiry) -> EnquiryStandard:
        if self._standards is None:
            self._standards = standard_table()
        return self._standards(enquiry.community_id)

    def role(self, role: str, community_id: int) -> list:
        if (role, community_id) not in self._roles:
            self._roles[(role, community_id)] = list(users_with_role(role, community_id))
        return self._roles[(role, community_id)]


def _recipients(enquiry: Enquiry, step: str, people: _Reading) -> list:
    if step == Step.WARNING:
        if enquiry.handler_id:
            return [enquiry.handler]
        return (people.role("CS Agent", enquiry.community_id)
                + people.role("Front Desk", enquiry.community_id))
    role = "CS Supervisor" if step == Step.BREACH else "Property Manager"
    return people.role(role, enquiry.community_id)


def _message(enquiry: Enquiry, rung: Rung) -> str:
    text = (_("%(number)s: “%(deadline)s” due by %(when)s.") if rung.step == Step.WARNING
            else _("%(number)s: “%(deadline)s” was due by %(when)s and is late."))
    return text % {"number": enquiry.number, "deadline": BY_NAME[rung.clock].label,
                   "when": timezone.localtime(rung.deadline).strftime("%Y-%m-%d %H:%M")}


def _rungs(enquiry: Enquiry, standard: EnquiryStandard) -> list[Rung]:
    """Every step of the ladder of each deadline not yet met, taken or not."""
    if not is_chased(enquiry):
        return []
    spec = spec_from_calendar(standard.calendar)
    manager_after = datetime.timedelta(minutes=standard.manager_after_minutes)
    rungs: list[Rung] = []
    for deadline in DEADLINES:
        due = getattr(enquiry, deadline.due_field)
        if due is None or getattr(enquiry, deadline.done_field) is not None:
            continue
        start = enquiry.received_at
        warn_at = (point_in_budget(start, due, standard.warn_at_percent / 100, MINUTES, spec)
                   if start < due else due)
        rungs += ladder(clock=deadline.name, deadline=due, warn_at=warn_at,
                        manager_after=manager_after)
    return rungs


def is_chased(enquiry: Enquiry) -> bool:
    """Open, and not answered unless complex (a simple enquiry ends with its answer)."""
    return enquiry.state in OPEN_STATES and (enquiry.complex or enquiry.answered_at is None)


def update_chase_at(enquiry: Enquiry) -> None:
    """Set when the chaser looks at ``enquiry`` next (its earliest step not yet taken), or
    nothing when none is left. Called by every service that changes the enquiry."""
    enquiry.chase_at = None
    if is_chased(enquiry):
        enquiry.chase_at = next_due(_rungs(enquiry, standard_for(
            community_id=enquiry.community_id)), taken_steps(Enquiry, [enquiry.pk])[enquiry.pk])
    Enquiry.objects.filter(pk=enquiry.pk).update(chase_at=enquiry.chase_at)


def chase_every_enquiry_again() -> int:
    """Make every open enquiry due at the next run (after a change of a standard or
    calendar): it recomputes when to look at each."""
    now = timezone.now()
    return Enquiry.objects.filter(state__in=OPEN_STATES).exclude(
        chase_at__lte=now).update(chase_at=now)


def chase_enquiries(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step that is due. Idempotent; a late run catches up; parallel
    runs share the work."""
    now = now or timezone.now()
    people = _Reading()
    return chase_in_batches(lambda seen: _chase_batch(now, people, seen))


@transaction.atomic
def _chase_batch(now, people: _Reading, seen: set[int]) -> tuple[int, int, int]:
    found, ids = claim_due(Enquiry, now, seen)
    if not ids:
        return found, 0, 0
    enquiries = list(Enquiry.objects.filter(pk__in=ids).order_by("pk")
                     .select_related("handler"))
    taken = taken_steps(Enquiry, ids)
    sent = 0
    for enquiry in enquiries:
        rungs = _rungs(enquiry, people.standard(enquiry))
        sent += take_due(
            target=enquiry, rungs=rungs, now=now, taken=taken[enquiry.pk],
            recipients=lambda rung, e=enquiry: _recipients(e, rung.step, people),
            kinds=KINDS, message=lambda rung, e=enquiry: _message(e, rung))
        enquiry.chase_at = next_due(rungs, taken[enquiry.pk])
    Enquiry.objects.bulk_update(enquiries, ["chase_at"])
    return found, len(enquiries), sent
