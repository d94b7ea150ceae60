"""Chasing complaint deadlines on the shared escalation ladder (core.escalation).

Every unmet deadline of an open complaint climbs it: the supervisor who owns the complaint (or,
before handover, the community's CS agents) is warned at ``warn_at_percent`` of the time; at the
deadline the community's CS supervisors are told; ``manager_after_minutes`` later its managers.
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


def _recipients(complaint: Complaint, step: str):
    if step == Step.WARNING:
        if complaint.supervisor_id:
            return [complaint.supervisor]
        return list(users_with_role("CS Agent", complaint.community_id))
    role = "CS Supervisor" if step == Step.BREACH else "Property Manager"
    return list(users_with_role(role, complaint.community_id))


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
            start = complaint.resolved_at if deadline.name == "follow_up" else \
                complaint.received_at
            when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
            notified += climb(
                target=complaint, clock=deadline.name, deadline=due,
                warn_at=point_in_budget(start, due, standard.warn_at_percent / 100, MINUTES,
                                        spec) if start and start < due else due,
                manager_after=datetime.timedelta(minutes=standard.manager_after_minutes),
                now=now, recipients=lambda step, c=complaint: _recipients(c, step),
                kinds=KINDS,
                message=lambda step, c=complaint, d=deadline, w=when: (
                    _("%(number)s: “%(deadline)s” due by %(when)s.") if step == Step.WARNING
                    else _("%(number)s: “%(deadline)s” was due by %(when)s and is late.")
                ) % {"number": c.number, "deadline": d.label, "when": w})
    return {"checked": checked, "notified": notified}
