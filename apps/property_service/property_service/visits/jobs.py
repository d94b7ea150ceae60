"""The visit plan's periodic jobs: planning the visits the rules ask for, and chasing late ones
on the shared escalation ladder (core.escalation).

Planning: the services that start an occupancy or see major works accepted plan their visits
in the same transaction; the daily job plans whatever is still missing (move-ins entered by
hand or imported, works completed before the rule existed). Each visit is a unique row, so the
job and the services never plan one twice.

Chasing: a planned visit's deadline climbs the ladder: its assignee (or, with nobody assigned,
the community's CS agents) is warned ``warn_days_before`` the deadline, the CS supervisors are
told at the deadline and the property managers ``manager_after_hours`` later. Each visit keeps
``chase_at``, the moment of its next step; a run reads only the visits whose moment has come.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.selectors import users_with_role
from ..core import since as since_last
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
from . import rules as visit_rules_module
from .models import Kind, State, Visit

PLAN_RUN = "visits:plan:last-run"
CLOCK = "visit"
KINDS = {Step.WARNING: Notification.Kind.FOLLOWUP_DUE,
         Step.BREACH: Notification.Kind.SLA_BREACH,
         Step.MANAGER: Notification.Kind.SLA_ESCALATED}


def _rungs(visit: Visit, rules) -> list[Rung]:
    if visit.state != State.PLANNED:
        return []
    return ladder(clock=CLOCK, deadline=visit.due_at,
                  warn_at=visit_rules_module.warn_at(visit.due_at, rules),
                  manager_after=visit_rules_module.manager_after(rules))


def update_chase_at(visit: Visit, rules=None) -> None:
    """Set when the chaser looks at ``visit`` next (or nothing when no step is left). The
    services call this after each change of the visit's deadline or state, in their
    transaction."""
    rules = rules or visit_rules_module.visit_rules()
    visit.chase_at = next_due(_rungs(visit, rules),
                              taken_steps(Visit, [visit.pk])[visit.pk])
    # The chaser's bookkeeping, not a change of the visit's own (no new history row).
    Visit.objects.filter(pk=visit.pk).update(chase_at=visit.chase_at)


def _recipients(visit: Visit, step: str, people: dict) -> list:
    def role(name):
        key = (name, visit.community_id)
        if key not in people:
            people[key] = list(users_with_role(name, visit.community_id))
        return people[key]

    if step == Step.WARNING:
        return [visit.assignee] if visit.assignee_id else role("CS Agent")
    return role("CS Supervisor" if step == Step.BREACH else "Property Manager")


def _message(visit: Visit, rung: Rung) -> str:
    text = (_("Follow-up visit to %(unit)s (%(kind)s) due by %(when)s.")
            if rung.step == Step.WARNING
            else _("Follow-up visit to %(unit)s (%(kind)s) was due by %(when)s and is late."))
    return text % {"unit": visit.unit, "kind": visit.get_kind_display(),
                   "when": timezone.localtime(rung.deadline).strftime("%Y-%m-%d %H:%M")}


def chase_visits(now: datetime.datetime | None = None) -> dict[str, int]:
    """Take every escalation step of the planned visits that is due. Idempotent; a late run
    catches up; parallel runs share the work."""
    now = now or timezone.now()
    rules = visit_rules_module.visit_rules()
    people: dict = {}
    return chase_in_batches(lambda seen: _chase_batch(now, rules, people, seen))


@transaction.atomic
def _chase_batch(now, rules, people: dict, seen: set[int]) -> tuple[int, int, int]:
    found, ids = claim_due(Visit, now, seen)
    if not ids:
        return found, 0, 0
    visits = list(Visit.objects.filter(pk__in=ids).order_by("pk")
                  .select_related("assignee", "unit__building__community"))
    taken = taken_steps(Visit, ids)
    sent = 0
    for visit in visits:
        rungs = _rungs(visit, rules)
        sent += take_due(
            target=visit, rungs=rungs, now=now, taken=taken[visit.pk],
            recipients=lambda rung, v=visit: _recipients(v, rung.step, people),
            kinds=KINDS, message=lambda rung, v=visit: _message(v, rung))
        visit.chase_at = next_due(rungs, taken[visit.pk])
    Visit.objects.bulk_update(visits, ["chase_at"])
    return found, len(visits), sent


def plan_missing_visits(today: datetime.date | None = None) -> dict[str, int]:
    """Plan every visit the rules ask for that is not planned yet: the move-ins of the last
    first month, the major works completed recently enough to still owe a visit. Idempotent
    (each visit is a unique row): a second run plans nothing.

    The first run (or one after the rules or the major-works categories changed) looks at every
    move-in and completion within the rules' reach; a later one at those written since the last
    run began, or whose visits were, and the move-ins whose day came since (``core.since``)."""
    from ..registry.models import Occupancy
    from ..workorders.models import WorkOrder, WorkOrderCategory
    from ..workorders.states import State as OrderState
    from . import services

    today = today or timezone.localdate()
    rules = visit_rules_module.visit_rules()
    planned = {"first_month": 0, "major_works": 0}
    # The orders of the few major-works categories, found through the category's index.
    categories = sorted(WorkOrderCategory.objects.filter(major_works=True)
                        .values_list("pk", flat=True))
    with since_last.last_run(PLAN_RUN, depends_on=(rules, categories)) as since:
        move_ins_again = orders_again = None
        if since is not None:
            move_ins_again = (since_last.written_since(Occupancy, since)
                              | since_last.written_since(Visit, since, "occupancy_id")
                              | set(Occupancy.objects.filter(
                                    start_date__gt=timezone.localdate(since),
                                    start_date__lte=today).values_list("pk", flat=True)))
            orders_again = (since_last.written_since(WorkOrder, since)
                            | since_last.written_since(Visit, since, "work_order_id"))
        window = today - datetime.timedelta(days=rules.first_month_days)
        # The move-ins' keys first (from the occupancies alone, in the key's order: joined to
        # their units and buildings in the register's order, the database would read every
        # unit of every building first), then those move-ins with their units.
        missing = (Occupancy.objects.filter(start_date__gte=window, start_date__lte=today,
                                            relation__in=rules.first_month_relations)
                   .exclude(visits__kind="first_month").order_by("pk"))
        if move_ins_again is not None and since_last.few_enough(move_ins_again):
            missing = missing.filter(pk__in=move_ins_again)
        move_ins = (Occupancy.objects.filter(pk__in=list(missing.values_list("pk", flat=True)))
                    .select_related("unit__building__community").order_by("pk"))
        for occupancy in move_ins.iterator():
            planned["first_month"] += bool(services.visit_plan_first_month(
                occupancy=occupancy, rules=rules))
        start = timezone.make_aware(datetime.datetime.combine(
            today - datetime.timedelta(days=rules.major_works_look_back_days),
            datetime.time.min))
        # An order whose last visit is planned has nothing left to plan: its earlier visits
        # were planned with it, or were late already (and are later now).
        last_visit = Visit.objects.filter(work_order=OuterRef("pk"), kind=Kind.MAJOR_WORKS,
                                          step=len(rules.major_works_after_days))
        works = (WorkOrder.objects.filter(category__in=categories, unit__isnull=False,
                                          completed_at__gte=start,
                                          state__in=(OrderState.FOLLOW_UP, OrderState.CLOSED))
                 .filter(~Exists(last_visit))
                 .select_related("category").order_by("pk"))
        if orders_again is not None and since_last.few_enough(orders_again):
            works = works.filter(pk__in=orders_again)
        if not rules.major_works_after_days:
            works = works.none()
        for order in works.iterator():
            planned["major_works"] += len(services.visit_plan_major_works(
                order=order, rules=rules, due_after=timezone.now()))
    return planned
