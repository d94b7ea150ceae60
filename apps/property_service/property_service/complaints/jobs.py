"""Chasing complaint deadlines on the shared escalation ladder (core.escalation).

Every unmet deadline of the round under way of an open complaint climbs it: the supervisor who
owns the complaint (or, before handover, the community's CS agents) is warned at
``warn_at_percent`` of the time; at the deadline the community's CS supervisors are told;
``manager_after_minutes`` later its managers. The managers' own acknowledgement of a major
complaint climbs it too: they are warned, told again at the deadline (with the CS supervisors,
whose plan waits for it) and reminded at the last step.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role
from ..core.escalation import Step, climb
from ..core.models import Notification
from ..core.workcalendar import MINUTES, point_in_budget, spec_from_calendar
from .deadlines import DEADLINES, standard_for
from .models import Complaint
from .states import State

KINDS = {Step.WARNING: Notification.Kind.SLA_WARNING,
         Step.BREACH: Notification.Kind.COMPLAINT_ESCALATED,
         Step.MANAGER: Notification.Kind.COMPLAINT_ESCALATED}
CHASED_STATES = (State.RECEIVED, State.ASSIGNED, State.CONTACTED, State.PLAN_AGREED,
                 State.REOPENED, State.RESOLVED, State.FOLLOW_UP)


def _recipients(complaint: Complaint, clock: str, step: str):
    if clock == "acknowledge":
        # The managers owe the acknowledgement: they are warned and told again at each step;
        # at the deadline the CS supervisors learn that the plan is held up.
        managers = list(users_with_role("Property Manager", complaint.community_id))
        if step == Step.BREACH:
            return managers + list(users_with_role("CS Supervisor", complaint.community_id))
        return managers
    if step == Step.WARNING:
        if complaint.supervisor_id:
            return [complaint.supervisor]
        return list(users_with_role("CS Agent", complaint.community_id))
    role = "CS Supervisor" if step == Step.BREACH else "Property Manager"
    return list(users_with_role(role, complaint.community_id))


def _start(complaint: Complaint, name: str, due, standard) -> datetime.datetime | None:
    """When the time for deadline ``name`` started running."""
    if name == "follow_up":
        return complaint.resolved_at
    if name == "handover":
        return complaint.received_at
    if name == "acknowledge":  # from when the complaint became major
        return due - datetime.timedelta(minutes=standard.acknowledge_minutes or 0)
    return complaint.round_started_at


def chase_complaints(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step that is due. Idempotent; a late run catches up."""
    now = now or timezone.now()
    checked = notified = 0
    standards = {}
    for complaint in (Complaint.objects.filter(state__in=CHASED_STATES)
                      .select_related("supervisor").iterator(chunk_size=500)):
        key = (complaint.community_id, complaint.severity)
        if key not in standards:
            standards[key] = standard_for(community_id=complaint.community_id,
                                          severity=complaint.severity)
        standard = standards[key]
        spec = spec_from_calendar(standard.calendar)
        checked += 1
        for deadline in DEADLINES:
            due = getattr(complaint, deadline.due_field)
            if due is None or getattr(complaint, deadline.done_field) is not None:
                continue
            start = _start(complaint, deadline.name, due, standard)
            when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
            notified += climb(
                target=complaint, clock=deadline.name, deadline=due,
                warn_at=point_in_budget(start, due, standard.warn_at_percent / 100, MINUTES,
                                        spec) if start and start < due else due,
                manager_after=datetime.timedelta(minutes=standard.manager_after_minutes),
                now=now, recipients=lambda step, c=complaint, d=deadline: _recipients(
                    c, d.name, step),
                kinds=KINDS,
                message=lambda step, c=complaint, d=deadline, w=when: (
                    _("%(number)s: “%(deadline)s” due by %(when)s.") if step == Step.WARNING
                    else _("%(number)s: “%(deadline)s” was due by %(when)s and is late.")
                ) % {"number": c.number, "deadline": d.label, "when": w})
    return {"checked": checked, "notified": notified}
