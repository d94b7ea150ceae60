"""Chasing (催办) and escalation of work orders, run every few minutes by the scheduler.

Each open deadline climbs the shared ladder (core.escalation): at ``warn_at_percent`` of its
budget (running time only: pauses use none of it) the assignee (or, before anyone is
assigned, the team) is warned; at the deadline the community's CS supervisors; once the breach
is ``manager_after_minutes`` old, its property managers. A pooled order nobody takes in the
team's time goes to the supervisors too. The follow-up call (回访) climbs the same ladder: the
CS agents are reminded when it is due, the supervisors told when it is overdue, the managers
once that is ``manager_after_minutes`` old.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role
from ..core.escalation import Step, climb, take_step
from ..core.models import Notification
from . import sla
from .models import FollowUp, Team, TeamMember, WorkOrder
from .states import OPEN_STATES, State

RESPOND, COMPLETE, TAKE, FOLLOW_UP = "respond", "complete", "take", "follow_up"
KINDS = {Step.WARNING: Notification.Kind.SLA_WARNING, Step.BREACH: Notification.Kind.SLA_BREACH,
         Step.MANAGER: Notification.Kind.SLA_ESCALATED}


def _recipients(order: WorkOrder, step: str, clock: str = COMPLETE):
    if step == Step.WARNING and clock == FOLLOW_UP:
        return list(users_with_role("CS Agent", order.community_id))
    if step == Step.WARNING:
        if order.assignee_id:
            return [order.assignee]
        return [m.user for m in TeamMember.objects.filter(team_id=order.team_id)
                .select_related("user")] if order.team_id else []
    role = "CS Supervisor" if step == Step.BREACH else "Property Manager"
    return list(users_with_role(role, order.community_id))


def _message(order, clock: str, step: str, deadline) -> str:
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    what = {RESPOND: _("response"), COMPLETE: _("completion"), TAKE: _("taking"),
            FOLLOW_UP: _("follow-up call")}[clock]
    if step == Step.WARNING:
        text = _("%(number)s: %(what)s due by %(when)s.")
    else:
        text = _("%(number)s: %(what)s was due by %(when)s and is late.")
    return text % {"number": order.number, "what": what, "when": when}


def _climb(order, policy, clock: str, deadline, unit: str, now, *, warn_at=None) -> int:
    if warn_at is None:
        # The completion clock of a rework starts at the rework, not at intake.
        start = order.reported_at if clock == RESPOND else (
            order.rework_started_at or order.reported_at)
        pauses = [(p.paused_at, p.resumed_at) for p in order.pauses.all()]
        warn_at = sla.warning_time(policy, start, deadline, unit, pauses)
        if warn_at is None:  # the clock stands still before the warning is due
            warn_at = deadline
    return climb(
        target=order, clock=clock, deadline=deadline, warn_at=warn_at,
        manager_after=datetime.timedelta(minutes=policy.manager_after_minutes), now=now,
        recipients=lambda step: _recipients(order, step, clock), kinds=KINDS,
        message=lambda step: _message(order, clock, step, deadline))


def chase_work_orders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step that is due. Idempotent; safe to run in parallel."""
    now = now or timezone.now()
    orders = (WorkOrder.objects.filter(state__in=OPEN_STATES, paused_at__isnull=True)
              .filter(Q(responded_at__isnull=True) | Q(completed_at__isnull=True))
              .select_related("assignee", "team").prefetch_related("pauses"))
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
            notified += _climb(order, policy, RESPOND, order.respond_by, policy.respond_unit, now)
        if order.completed_at is None and order.complete_by:
            notified += _climb(order, policy, COMPLETE, order.complete_by, policy.complete_unit,
                               now)
        if (order.state == State.DISPATCHED and order.assignee_id is None and order.team_id
                and order.team.dispatch_mode == Team.DispatchMode.POOL and order.dispatched_at):
            take_by = order.dispatched_at + datetime.timedelta(
                minutes=order.team.take_within_minutes)
            if now >= take_by:
                notified += take_step(
                    target=order, clock=TAKE, step=Step.BREACH, deadline=take_by,
                    users=lambda order=order: _recipients(order, Step.BREACH),
                    kind=KINDS[Step.BREACH], message=_message(order, TAKE, Step.BREACH, take_by))
    follow_ups = (FollowUp.objects.filter(status=FollowUp.Status.PENDING,
                                          work_order__state=State.FOLLOW_UP,
                                          overdue_at__isnull=False, due_at__lte=now)
                  .select_related("work_order"))
    for follow_up in follow_ups.iterator(chunk_size=500):
        order = follow_up.work_order
        key = (order.community_id, order.priority)
        if key not in policies:
            policies[key] = sla.policy_for(community_id=order.community_id,
                                           priority=order.priority)
        checked += 1
        notified += _climb(order, policies[key], FOLLOW_UP, follow_up.overdue_at, sla.MINUTES,
                           now, warn_at=follow_up.due_at)
    return {"checked": checked, "notified": notified}
