"""Chasing (催办) and escalation of work orders, run every few minutes by the scheduler.

Each open deadline climbs the shared ladder (core.escalation): at ``warn_at_percent`` of its
budget (running time only: pauses use none of it) the assignee (or, before anyone is
assigned, the team) is warned; at the deadline the assignee, the team's leads and the
community's CS supervisors are told (``recipients.breach_recipients``); once the breach is
``manager_after_minutes`` old, its property managers. A pooled order nobody takes in the
team's time goes to the team's leads and the supervisors too. The follow-up call (回访)
climbs the same ladder: the CS agents are reminded when it is due, the supervisors told when
it is overdue, the managers once that is ``manager_after_minutes`` old.

When to look: each order keeps ``chase_at``, the moment its earliest step not yet taken falls
due (empty when nothing is left to chase: the order is finished, its clock paused, or every
step taken). A run reads only the orders whose ``chase_at`` has come, through its index, takes
their due steps and moves ``chase_at`` on to the next one. Whatever changes an order's ladders
(its services) calls ``update_chase_at``, so the order is looked at when they say.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core.display import record_label
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
from . import sla
from .models import FollowUp, Team, TeamMember, WorkOrder
from .recipients import People, breach_recipients
from .states import OPEN_STATES, State

RESPOND, COMPLETE, TAKE, FOLLOW_UP = "respond", "complete", "take", "follow_up"
KINDS = {Step.WARNING: Notification.Kind.SLA_WARNING, Step.BREACH: Notification.Kind.SLA_BREACH,
         Step.MANAGER: Notification.Kind.SLA_ESCALATED}
# The states in which an order climbs a ladder: its open deadlines (while its clock runs) and
# the follow-up call.
CHASED_STATES = (*OPEN_STATES, State.FOLLOW_UP)


class _Reading(People):
    """What one run reads once for all its orders: the SLA policies, the people of each role
    in each community and the members of each team."""

    def __init__(self):
        super().__init__()
        self._policies = None
        self._members: dict[int, list] = {}

    def policy(self, order: WorkOrder):
        if self._policies is None:
            self._policies = sla.policy_table()
        return self._policies(order.community_id, order.priority)

    def all_members(self, team_id: int) -> list:
        if team_id not in self._members:
            self._members[team_id] = [m.user for m in TeamMember.objects.filter(team_id=team_id)
                                      .select_related("user")]
        return self._members[team_id]


def _recipients(order: WorkOrder, rung: Rung, people: _Reading) -> list:
    if rung.step == Step.WARNING and rung.clock == FOLLOW_UP:
        return people.role("CS Agent", order.community_id)
    if rung.step == Step.WARNING:
        if order.assignee_id:
            return [order.assignee]
        return people.all_members(order.team_id) if order.team_id else []
    if rung.step == Step.BREACH and rung.clock != FOLLOW_UP:
        return breach_recipients(order, people)
    role = "CS Supervisor" if rung.step == Step.BREACH else "Property Manager"
    return people.role(role, order.community_id)


def _message(order, clock: str, step: str, deadline) -> str:
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    what = {RESPOND: _("response"), COMPLETE: _("completion"), TAKE: _("taking"),
            FOLLOW_UP: _("follow-up call")}[clock]
    if step == Step.WARNING:
        text = _("%(number)s: %(what)s due by %(when)s.")
    else:
        text = _("%(number)s: %(what)s was due by %(when)s and is late.")
    return text % {"number": record_label(order), "what": what, "when": when}


def _warn_at(order: WorkOrder, policy, clock: str, deadline, unit: str):
    # The completion clock of a rework starts at the rework, not at intake.
    start = order.reported_at if clock == RESPOND else (
        order.rework_started_at or order.reported_at)
    pauses = [(p.paused_at, p.resumed_at) for p in order.pauses.all()]
    warn_at = sla.warning_time(policy, start, deadline, unit, pauses)
    # None: the clock stands still before the warning is due.
    return deadline if warn_at is None else warn_at


def _rungs(order: WorkOrder, policy, follow_ups) -> list[Rung]:
    """Every step of every ladder the order climbs now, taken or not: its open deadlines while
    its clock runs, the pool's taking time, and the pending follow-up call."""
    manager_after = datetime.timedelta(minutes=policy.manager_after_minutes)
    rungs: list[Rung] = []
    if order.state in OPEN_STATES and order.paused_at is None:
        if order.responded_at is None and order.respond_by:
            rungs += ladder(clock=RESPOND, deadline=order.respond_by, manager_after=manager_after,
                            warn_at=_warn_at(order, policy, RESPOND, order.respond_by,
                                             policy.respond_unit))
        if order.completed_at is None and order.complete_by:
            rungs += ladder(clock=COMPLETE, deadline=order.complete_by,
                            manager_after=manager_after,
                            warn_at=_warn_at(order, policy, COMPLETE, order.complete_by,
                                             policy.complete_unit))
        if (order.state == State.DISPATCHED and order.assignee_id is None and order.team_id
                and order.team.dispatch_mode == Team.DispatchMode.POOL and order.dispatched_at):
            take_by = order.dispatched_at + datetime.timedelta(
                minutes=order.team.take_within_minutes)
            rungs.append(Rung(TAKE, Step.BREACH, take_by, take_by))
    if order.state == State.FOLLOW_UP:
        for follow_up in follow_ups:
            if follow_up.status == FollowUp.Status.PENDING and follow_up.overdue_at is not None:
                rungs += ladder(clock=FOLLOW_UP, deadline=follow_up.overdue_at,
                                warn_at=follow_up.due_at, manager_after=manager_after)
    return rungs


def _chased(order: WorkOrder) -> bool:
    """Whether the order climbs any ladder at all (else its ``chase_at`` is empty)."""
    return order.state in CHASED_STATES and (order.paused_at is None
                                             or order.state not in OPEN_STATES)


def update_chase_at(order: WorkOrder) -> None:
    """Set when the chaser looks at ``order`` next: the earliest step of its ladders not yet
    taken (maybe already past: the next run takes it), or nothing when none is left. Every
    service that changes what the ladders are (the state, a deadline, the pause, the team or
    assignee of a pooled order, the follow-up call) calls this after its change, in its
    transaction."""
    order.chase_at = None
    if _chased(order):
        follow_ups = (list(order.follow_ups.filter(status=FollowUp.Status.PENDING))
                      if order.state == State.FOLLOW_UP else [])
        policy = sla.policy_for(community_id=order.community_id, priority=order.priority)
        order.chase_at = next_due(_rungs(order, policy, follow_ups),
                                  taken_steps(WorkOrder, [order.pk])[order.pk])
    # Not a change of the order's own (no new version): the chaser's bookkeeping.
    WorkOrder.objects.filter(pk=order.pk).update(chase_at=order.chase_at)


def chase_every_order_again() -> int:
    """Make every order the chaser follows due at its next run, which recomputes when to look
    at each: for a change of the rules its ladders come from (an SLA policy, a team's pool, a
    working calendar). Returns how many orders it touched."""
    now = timezone.now()
    running = WorkOrder.objects.filter(state__in=CHASED_STATES).exclude(
        state__in=OPEN_STATES, paused_at__isnull=False)
    return running.exclude(chase_at__lte=now).update(chase_at=now)


def chase_work_orders(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step that is due, reading only the orders whose ``chase_at`` has
    come. Idempotent; parallel runs share the work (each locks the orders it looks at)."""
    now = now or timezone.now()
    people = _Reading()
    return chase_in_batches(lambda seen: _chase_batch(now, people, seen))


@transaction.atomic
def _chase_batch(now, people: _Reading, seen: set[int]) -> tuple[int, int, int]:
    """One batch of due orders: (orders found due, looked at, notifications sent)."""
    found, ids = claim_due(WorkOrder, now, seen)
    if not ids:
        return found, 0, 0
    orders = list(WorkOrder.objects.filter(pk__in=ids).order_by("pk")
                  .select_related("assignee", "team").prefetch_related("pauses"))
    follow_ups = defaultdict(list)
    waiting = [o.pk for o in orders if o.state == State.FOLLOW_UP]
    if waiting:
        for follow_up in FollowUp.objects.filter(work_order_id__in=waiting,
                                                 status=FollowUp.Status.PENDING).order_by():
            follow_ups[follow_up.work_order_id].append(follow_up)
    taken = taken_steps(WorkOrder, ids)
    sent = 0
    for order in orders:
        rungs = _rungs(order, people.policy(order), follow_ups[order.pk]) if _chased(order) \
            else []
        sent += take_due(
            target=order, rungs=rungs, now=now, taken=taken[order.pk],
            recipients=lambda rung, order=order: _recipients(order, rung, people),
            kinds=KINDS,
            message=lambda rung, order=order: _message(order, rung.clock, rung.step,
                                                       rung.deadline))
        order.chase_at = next_due(rungs, taken[order.pk])
    WorkOrder.objects.bulk_update(orders, ["chase_at"])
    return found, len(orders), sent
