"""Chasing (催办) and the escalation ladder, run every few minutes by the scheduler.

For each open deadline: at ``warn_at_percent`` of its budget the assignee (or, before anyone is
assigned, the team) is warned; at the deadline the community's CS supervisors are told; once the
breach is ``manager_after_minutes`` old, its property managers. A pooled order nobody takes in
the team's time is the supervisors' too. Each step is taken once per deadline: an SlaNotice row
(unique) is claimed before anyone is notified. A late run takes every step that is due.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role
from ..core.models import Notification
from ..core.notifications import notify
from . import sla
from .models import SlaNotice, Team, TeamMember, WorkOrder
from .states import OPEN_STATES, State

STEP_KIND = {
    SlaNotice.Step.WARNING: Notification.Kind.SLA_WARNING,
    SlaNotice.Step.BREACH: Notification.Kind.SLA_BREACH,
    SlaNotice.Step.MANAGER: Notification.Kind.SLA_ESCALATED,
}


def _claim(order, clock: str, step: str, deadline) -> bool:
    """True for the one run that records this step; False if it was taken before."""
    try:
        with transaction.atomic():
            SlaNotice.objects.create(work_order=order, clock=clock, step=step, deadline=deadline)
        return True
    except IntegrityError:
        return False


def _recipients(order: WorkOrder, step: str):
    if step == SlaNotice.Step.WARNING:
        if order.assignee_id:
            return [order.assignee]
        return [m.user for m in TeamMember.objects.filter(team_id=order.team_id)
                .select_related("user")] if order.team_id else []
    role = "CS Supervisor" if step == SlaNotice.Step.BREACH else "Property Manager"
    return list(users_with_role(role, order.community_id))


def _message(order, clock: str, step: str, deadline) -> str:
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    what = {SlaNotice.Clock.RESPOND: _("response"), SlaNotice.Clock.COMPLETE: _("completion"),
            SlaNotice.Clock.TAKE: _("taking")}[clock]
    if step == SlaNotice.Step.WARNING:
        text = _("%(number)s: %(what)s due by %(when)s.")
    else:
        text = _("%(number)s: %(what)s was due by %(when)s and is late.")
    return text % {"number": order.number, "what": what, "when": when}


@transaction.atomic
def _take_step(order, clock, step, deadline) -> int:
    # Claim and notify together: a failure leaves the step untaken, to be retried next run.
    if not _claim(order, clock, step, deadline):
        return 0
    created = notify(users=_recipients(order, step), kind=STEP_KIND[step],
                     message=_message(order, clock, step, deadline), target=order,
                     dedupe_key=f"wo:{order.pk}:{clock}:{step}:{deadline.isoformat()}")
    return len(created)


def _ladder(order, policy, clock: str, start, deadline, unit: str, now) -> int:
    sent = 0
    if now >= sla.warning_time(policy, start, deadline, unit):
        sent += _take_step(order, clock, SlaNotice.Step.WARNING, deadline)
    if now >= deadline:
        sent += _take_step(order, clock, SlaNotice.Step.BREACH, deadline)
    if now >= deadline + datetime.timedelta(minutes=policy.manager_after_minutes):
        sent += _take_step(order, clock, SlaNotice.Step.MANAGER, deadline)
    return sent


def chase_work_orders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step that is due. Idempotent; safe to run in parallel."""
    now = now or timezone.now()
    orders = (WorkOrder.objects.filter(state__in=OPEN_STATES, paused_at__isnull=True)
              .filter(Q(responded_at__isnull=True) | Q(completed_at__isnull=True))
              .select_related("assignee", "team"))
    policies: dict[tuple[int, str], object] = {}
    checked = notified = 0
    for order in orders.iterator(chunk_size=500):
        key = (order.community_id, order.priority)
        if key not in policies:
            policies[key] = sla.policy_for(community_id=order.community_id,
                                           priority=order.priority)
        policy = policies[key]
        checked += 1
        if order.responded_at is None and order.respond_by:
            notified += _ladder(order, policy, SlaNotice.Clock.RESPOND, order.reported_at,
                                order.respond_by, policy.respond_unit, now)
        if order.completed_at is None and order.complete_by:
            notified += _ladder(order, policy, SlaNotice.Clock.COMPLETE, order.reported_at,
                                order.complete_by, policy.complete_unit, now)
        if (order.state == State.DISPATCHED and order.assignee_id is None and order.team_id
                and order.team.dispatch_mode == Team.DispatchMode.POOL and order.dispatched_at):
            take_by = order.dispatched_at + datetime.timedelta(
                minutes=order.team.take_within_minutes)
            if now >= take_by:
                notified += _take_step(order, SlaNotice.Clock.TAKE, SlaNotice.Step.BREACH,
                                       take_by)
    return {"checked": checked, "notified": notified}
