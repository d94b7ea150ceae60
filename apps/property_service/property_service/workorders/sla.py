"""The SLA of a work order: which policy applies, its deadlines, and its state at a moment.

Policies are data (SlaPolicy: per community, falling back to the company standard); the time
arithmetic is core.workcalendar's. Everything here is a small function with direct tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..core.workcalendar import due_at, point_in_budget, shift_after_pause, spec_from_calendar
from .models import SlaPolicy
from .states import DONE_STATES, State


def policy_for(*, community_id: int, priority: str) -> SlaPolicy:
    """The community's own policy for ``priority``, else the company standard."""
    policies = SlaPolicy.objects.select_related("calendar").filter(
        Q(community_id=community_id) | Q(community__isnull=True), priority=priority)
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


def warning_time(policy: SlaPolicy, start, deadline, unit: str) -> datetime.datetime:
    """When ``warn_at_percent`` of the budget from ``start`` to ``deadline`` is used."""
    spec = spec_from_calendar(policy.calendar)
    return point_in_budget(start, deadline, policy.warn_at_percent / 100, unit, spec)


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
