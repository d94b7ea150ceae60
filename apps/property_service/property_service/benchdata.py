"""Generated data at scale, for measuring the back office (``manage.py generate_data``).

Seeded and deterministic for a given ``now``. The demo data set is loaded first (or reused), so
its two communities are among the generated ones and the demo logins keep their scopes; the
other communities, their registry, work orders, complaints, contracts, policies and
notifications are bulk-inserted in batches, with explicit ids:

- no audit-history rows are written for generated rows (they were never edited);
- the month sequences of the order and complaint numbers are raised to the last number used,
  so an order created afterwards gets the next number, gapless;
- every state is consistent with its timestamps (an order closed has been dispatched,
  completed, accepted and followed up, in that order, before ``now``), and its timeline
  holds one event per step;
- deadlines are computed per row with the real rules (``sla.deadlines``,
  ``sla.completion_deadline``, ``sla.follow_up_deadlines``, ``deadlines.intake_deadlines``,
  ``deadlines.follow_up_deadline``): the calendar spec they read is loaded once per calendar
  while generating, which makes each call pure arithmetic (a few microseconds);
- every order and complaint the chasing jobs look at (open, or awaiting its follow-up) is due
  for them at ``now`` (``chase_at``), as after the migration that introduced it: their first
  run looks at each once and sets when to look again;
- contracts and policies are entered in force and the real renewal scan then flags, reminds
  and expires them as the nightly job would.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from .access.models import StaffProfile
from .complaints import deadlines as complaint_deadlines
from .complaints.jobs import CHASED_STATES as CHASED_COMPLAINT_STATES
from .complaints.models import Complaint, ComplaintEvent
from .contracts.models import Contract
from .core import workcalendar
from .core.models import Notification, NumberSequence
from .demo import COMMUNITIES as DEMO_COMMUNITIES
from .demo import DEMO_REPORTS, GIVEN, SURNAMES, load_demo
from .insurance.models import InsurancePolicy
from .registry.models import Building, Community, Occupancy, Resident, Unit
from .workorders import sla
from .workorders.jobs import CHASED_STATES as CHASED_ORDER_STATES
from .workorders.models import (
    FollowUp,
    Team,
    TeamMember,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderEvent,
)

SEED = 20261201
# The generated communities' codes start with this; a database holding others is refused.
CODE_PREFIX = "GEN"
# The marker of a generated database: NumberSequence key -> number of generated work orders.
MARKER_PREFIX = "generated:"
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    communities: int  # the demo's two included
    units: int
    residents: int
    work_orders: int
    complaints: int
    agreements: int  # contracts and insurance policies, half each
    notifications: int
    years: int = 3


SCALES = {
    "small": Scale(communities=5, units=2_000, residents=3_000, work_orders=10_000,
                   complaints=1_000, agreements=500, notifications=2_000),
    "large": Scale(communities=50, units=100_000, residents=150_000, work_orders=1_000_000,
                   complaints=100_000, agreements=50_000, notifications=100_000),
}


def scale_for(name: str, work_orders: int | None = None) -> Scale:
    """The named scale, or the small one shrunk or grown to ``work_orders`` orders."""
    base = SCALES[name]
    if work_orders is None:
        return base
    f = work_orders / base.work_orders
    return replace(base, work_orders=work_orders,
                   communities=max(3, min(base.communities, round(base.communities * f))),
                   units=max(60, round(base.units * f)),
                   residents=max(90, round(base.residents * f)),
                   complaints=max(20, round(base.complaints * f)),
                   agreements=max(10, round(base.agreements * f)),
                   notifications=max(20, round(base.notifications * f)))


class RefusedDatabase(Exception):
    pass


def generated_scale() -> str | None:
    """The scale this database was generated at, if it was."""
    key = NumberSequence.objects.filter(key__startswith=MARKER_PREFIX).values_list(
        "key", flat=True).first()
    return key[len(MARKER_PREFIX):] if key else None


def check_database(*, force: bool) -> None:
    """Refuse a database holding data that is neither the demo's nor generated."""
    demo_codes = {c.code for c in DEMO_COMMUNITIES}
    others = Community.objects.exclude(code__in=demo_codes).exclude(
        code__startswith=CODE_PREFIX)
    if others.exists() and not force:
        raise RefusedDatabase(
            "This database holds communities that are neither the demo's nor generated "
            f"({', '.join(others.values_list('code', flat=True)[:5])}); refusing to add "
            "generated data to it (use --force to do it anyway).")
    if generated_scale():
        raise RefusedDatabase("This database was generated already; generate into a fresh "
                              "one (FRESH=1 make bench drops the bench database first).")
    if WorkOrder.objects.count() > 100 and not force:
        raise RefusedDatabase("This database holds more work orders than the demo's; refusing "
                              "to add generated data to it (use --force to do it anyway).")


class Inserter:
    """Rows as dicts inserted in batches with plain multi-row INSERTs (no model instances,
    no signals, no history); fields left out take their default."""

    def __init__(self, model: type[models.Model], *, after: tuple[Inserter, ...] = ()):
        # The inserters of the rows these point to: flushed first.
        self.model, self.after = model, after
        # Generated columns are the database's to fill.
        self.fields = [f for f in model._meta.concrete_fields if not f.generated]
        self.rows: list[tuple] = []
        self.count = 0
        ops = connection.ops
        qn = ops.quote_name
        self.sql = (f"INSERT INTO {qn(model._meta.db_table)} "
                    f"({', '.join(qn(f.column) for f in self.fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(self.fields))})")
        self.preps: list[Callable] = []
        self.defaults: list = []
        for field in self.fields:
            internal = field.get_internal_type()
            if internal == "DateTimeField":
                self.preps.append(ops.adapt_datetimefield_value)
            elif internal == "DateField":
                self.preps.append(ops.adapt_datefield_value)
            elif internal == "DecimalField":
                self.preps.append(lambda v: None if v is None else str(v))
            else:
                self.preps.append(None)
            self.defaults.append(field.get_default() if field.has_default() or field.null
                                 else ("" if field.empty_strings_allowed else None))
        self.names = [f.attname for f in self.fields]

    def add(self, **values) -> None:
        row = []
        for name, prep, default in zip(self.names, self.preps, self.defaults, strict=True):
            value = values.get(name, default)
            if prep is not None and value is not None:
                value = prep(value)
            row.append(value)
        self.rows.append(tuple(row))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        for parent in self.after:
            parent.flush()
        # One transaction a batch (SQLite commits each row on its own otherwise).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(self.sql, self.rows)
        self.count += len(self.rows)
        self.rows = []


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


@contextlib.contextmanager
def _fast_inserts():
    """MariaDB: skip the foreign-key and unique re-checks of rows valid by construction."""
    mysql = connection.vendor == "mysql"
    if mysql:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION foreign_key_checks=0, unique_checks=0")
    try:
        yield
    finally:
        if mysql:
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION foreign_key_checks=1, unique_checks=1")


class Progress:
    """Progress lines with the time since the start."""

    def __init__(self, out):
        self.out, self.started = out, time.perf_counter()

    def __call__(self, message: str) -> None:
        self.out.write(f"[{time.perf_counter() - self.started:7.1f}s] {message}\n")
        self.out.flush()


# What each category's reports say (the demo's words, and more of them).
REPORTS = {**DEMO_REPORTS,
           "power_cut": ["整栋楼停电", "单元停电"],
           "security": ["单元门禁被破坏", "可疑人员进入小区"]}
LOCATIONS = ("大堂", "地下车库", "电梯厅", "楼道", "中心花园", "会所", "东门岗亭", "垃圾房")
WORKING_HOURS = (7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19,
                 20, 21)


class Generator:
    def __init__(self, *, scale: Scale, now: datetime.datetime, seed: int = SEED,
                 out=None):
        self.scale, self.now = scale, now.replace(second=0, microsecond=0)
        self.rng = random.Random(seed)
        self.say = Progress(out or sys.stdout)
        self.start = self.now - datetime.timedelta(days=365 * scale.years)
        self.tz = timezone.get_default_timezone()

    # -- registry -------------------------------------------------------------------------
    def communities(self) -> list[Community]:
        demo = list(Community.objects.filter(code__in=[c.code for c in DEMO_COMMUNITIES])
                    .order_by("pk"))
        cities = (("上海市", "闵行区"), ("深圳市", "福田区"), ("杭州市", "西湖区"),
                  ("南京市", "鼓楼区"), ("成都市", "高新区"), ("武汉市", "洪山区"))
        names = ("御景", "春江", "金域", "翡翠", "绿城", "万科", "保利", "阳光", "碧桂", "世纪")
        suffixes = ("花园", "华府", "名苑", "公馆", "新城", "雅苑")
        new = []
        for i in range(self.scale.communities - len(demo)):
            city, district = cities[i % len(cities)]
            name = f"{names[i % len(names)]}{suffixes[i // len(names) % len(suffixes)]}" \
                   f"{i // (len(names) * len(suffixes)) + 1}期"
            new.append(Community(code=f"{CODE_PREFIX}{i + 1:03d}", name=name, city=city,
                                 district=district, address=f"{city}{district}{name}路{i + 1}号",
                                 service_phone=f"021-{60000000 + i}"))
        Community.objects.bulk_create(new, batch_size=BATCH)
        return demo + list(Community.objects.filter(code__startswith=CODE_PREFIX)
                           .order_by("code"))

    def units(self, communities: list[Community]) -> dict[int, list[int]]:
        """Buildings of 18 floors, 2 entrances and 2 flats a floor (72 units) in each new
        community, until the scale's unit count is reached."""
        existing = Unit.objects.count()
        new_communities = [c for c in communities if c.code.startswith(CODE_PREFIX)]
        per_community = max(24, (self.scale.units - existing) // max(1, len(new_communities)))
        buildings = Inserter(Building)
        units = Inserter(Unit, after=(buildings,))
        building_id, unit_id = _next_id(Building), _next_id(Unit)
        created = self.now
        unit_ids: dict[int, list[int]] = {}
        for community in new_communities:
            left, b = per_community, 0
            while left > 0:
                b += 1
                buildings.add(id=building_id, community_id=community.pk, name=f"{b}栋",
                              floors=18, entrances=2, created_at=created, updated_at=created)
                for entrance in (1, 2):
                    for floor in range(1, 19):
                        for flat in (1, 2):
                            if left <= 0:
                                break
                            units.add(id=unit_id, building_id=building_id, entrance=str(entrance),
                                      floor=floor, number=f"{floor}{flat:02d}",
                                      area=Decimal(self.rng.choice((68, 89, 96, 118, 125, 143))),
                                      status=Unit.Status.OCCUPIED, use=Unit.Use.RESIDENTIAL,
                                      created_at=created, updated_at=created)
                            unit_ids.setdefault(community.pk, []).append(unit_id)
                            unit_id += 1
                            left -= 1
                building_id += 1
        buildings.flush()
        units.flush()
        for community_id, pk in Unit.objects.filter(
                building__community__code__in=[c.code for c in DEMO_COMMUNITIES]
        ).values_list("building__community_id", "pk").order_by("pk"):
            unit_ids.setdefault(community_id, []).append(pk)
        self.say(f"units: {units.count} in {buildings.count} buildings "
                 f"({existing} demo units kept)")
        return unit_ids

    def residents(self, communities, unit_ids) -> dict[int, int]:
        """One owner per new unit, then family members and tenants up to the scale's count.
        Returns unit id -> a resident living there (the one who reports)."""
        existing = Resident.objects.count()
        new_units = [(c.pk, u) for c in communities if c.code.startswith(CODE_PREFIX)
                     for u in unit_ids.get(c.pk, [])]
        residents = Inserter(Resident)
        occupancies = Inserter(Occupancy, after=(residents,))
        resident_id = _next_id(Resident)
        # Every new unit has its owner, then family members and tenants up to the count.
        target = max(len(new_units), self.scale.residents - existing)
        reporter: dict[int, int] = {}
        for unit, resident in Occupancy.objects.filter(end_date__isnull=True).values_list(
                "unit_id", "resident_id").order_by("pk"):
            reporter.setdefault(unit, resident)
        created = self.now
        for i in range(target):
            if i < len(new_units):
                community_id, unit = new_units[i]
                relation = Occupancy.Relation.OWNER
            else:
                community_id, unit = self.rng.choice(new_units)
                relation = self.rng.choice((Occupancy.Relation.FAMILY,
                                            Occupancy.Relation.FAMILY, Occupancy.Relation.TENANT))
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            # Unique, valid mobile numbers: 139 followed by the resident's index.
            residents.add(id=resident_id, community_id=community_id, name=name,
                          phone=f"139{i:08d}", id_number=None, language="zh-hans",
                          created_at=created, updated_at=created)
            start = (self.start - datetime.timedelta(days=self.rng.randrange(3000))).date()
            occupancies.add(unit_id=unit, resident_id=resident_id, relation=relation,
                            start_date=start, is_primary_contact=relation == "owner",
                            created_at=created, updated_at=created)
            reporter.setdefault(unit, resident_id)
            resident_id += 1
        residents.flush()
        occupancies.flush()
        self.say(f"residents: {residents.count} with their occupancies")
        return reporter

    def technicians(self, communities) -> dict[tuple[int, str], int]:
        """The technician of each community and team kind: the demo's in the first demo
        community, and one generated user per team elsewhere (scoped to that community)."""
        User = get_user_model()
        teams = {t.kind: t for t in Team.objects.filter(community__isnull=True)}
        roles = {"maintenance": "Maintenance", "cleaning": "Cleaning", "security": "Security"}
        demo_first = DEMO_COMMUNITIES[0].code
        result = {}
        for community in communities:
            for kind, role in roles.items():
                if kind not in teams:
                    continue
                if community.code == demo_first:
                    user = User.objects.get(username=kind)
                else:
                    user = User.objects.create_user(
                        username=f"{kind}-{community.code.lower()}", password=None,
                        is_staff=True)
                    user.groups.add(Group.objects.get_or_create(name=role)[0])
                    StaffProfile.objects.create(user=user).communities.add(community)
                    TeamMember.objects.get_or_create(team=teams[kind], user=user)
                result[(community.pk, kind)] = user.pk
        return result

    # -- work orders ----------------------------------------------------------------------
    def moments(self, count: int, *, recent_share: float) -> list[datetime.datetime]:
        """``count`` report times over the period, growing over the years, in working hours
        mostly, sorted; ``recent_share`` of them in the last thirty days (the open work)."""
        span = (self.now - self.start).total_seconds()
        out = []
        for _ in range(count):
            if self.rng.random() < recent_share:
                at = self.now - datetime.timedelta(seconds=self.rng.random() * 30 * 86400)
            else:
                # More work every year (a company that grows): density rising linearly.
                at = self.start + datetime.timedelta(
                    seconds=span * (self.rng.random() ** 0.75))
            local = at.astimezone(self.tz)
            local = local.replace(hour=self.rng.choice(WORKING_HOURS),
                                  minute=self.rng.randrange(60), second=0, microsecond=0)
            at = local.astimezone(datetime.UTC)
            if at >= self.now:
                at -= datetime.timedelta(days=1)
            out.append(at)
        out.sort()
        return out

    def numbering(self, prefix: str, moments: list[datetime.datetime]) -> list[str]:
        """Numbers in report order within each month, after any already used; the month
        sequences end at the last one."""
        last = {s.key: s.last for s in NumberSequence.objects.filter(key__startswith=prefix)}
        numbers = []
        for at in moments:
            key = f"{prefix}-{timezone.localtime(at):%Y%m}"
            last[key] = last.get(key, 0) + 1
            numbers.append(f"{key}-{last[key]:05d}")
        for key, value in last.items():
            NumberSequence.objects.update_or_create(key=key, defaults={"last": value})
        return numbers

    def _minutes(self, at, low: int, high: int) -> datetime.datetime:
        return at + datetime.timedelta(minutes=self.rng.randint(low, high))

    def work_orders(self, communities, unit_ids, reporter, technicians) -> int:
        scale = self.scale
        categories = list(WorkOrderCategory.objects.select_related("default_team")
                          .order_by("code"))
        policies = {}
        for community in communities:
            for priority in ("urgent", "important", "normal", "scheduled"):
                policies[(community.pk, priority)] = sla.policy_for(
                    community_id=community.pk, priority=priority)
        User = get_user_model()
        agent = User.objects.get(username="cs_agent").pk
        supervisor = User.objects.get(username="cs_supervisor").pk
        moments = self.moments(scale.work_orders, recent_share=0.04)
        numbers = self.numbering("WO", moments)
        orders = Inserter(WorkOrder)
        events = Inserter(WorkOrderEvent, after=(orders,))
        follow_ups = Inserter(FollowUp, after=(orders,))
        order_id = _next_id(WorkOrder)
        community_ids = [c.pk for c in communities]
        counts: dict[str, int] = {}
        for i, (at, number) in enumerate(zip(moments, numbers, strict=True)):
            community_id = community_ids[i % len(community_ids)]
            category = self.rng.choice(categories)
            priority = category.default_priority
            if self.rng.random() < 0.1:
                priority = self.rng.choice(("urgent", "important", "normal", "scheduled"))
            policy = policies[(community_id, priority)]
            units = unit_ids.get(community_id) or []
            unit = self.rng.choice(units) if units and self.rng.random() < 0.85 else None
            team = category.default_team
            kind = team.kind if team else "maintenance"
            worker = technicians.get((community_id, kind))
            due = sla.deadlines(policy, at)
            state = self._order_state(at)
            counts[state] = counts.get(state, 0) + 1
            row = dict(id=order_id, number=number, community_id=community_id, unit_id=unit,
                       location="" if unit else self.rng.choice(LOCATIONS),
                       resident_id=reporter.get(unit) if unit else None,
                       channel=self.rng.choice(("phone", "phone", "app", "app", "walk_in",
                                                "patrol")),
                       category_id=category.pk, priority=priority,
                       description=self.rng.choice(REPORTS.get(category.code, ["报修"])),
                       state=state, reported_at=at, respond_by=due.respond_by,
                       complete_by=due.complete_by, created_at=at)
            steps = [("created", "", "new", at, agent)]
            self._order_steps(row, steps, state, policy, team, worker, agent, supervisor)
            row["updated_at"] = steps[-1][3]
            if state in CHASED_ORDER_STATES:
                row["chase_at"] = self.now
            orders.add(**row)
            for action, from_state, to_state, when, by in steps:
                events.add(work_order_id=order_id, action=action, from_state=from_state,
                           to_state=to_state, by_id=by, at=when,
                           comment={"cancel": "住户已自行修好",
                                    "fail_acceptance": "住户验收不通过"}.get(action, ""))
            if state in ("follow_up", "closed"):
                follow = sla.follow_up_deadlines(policy, row["completed_at"])
                done = state == "closed"
                follow_ups.add(work_order_id=order_id, community_id=community_id,
                               due_at=follow.due_at,
                               overdue_at=follow.overdue_at,
                               status="done" if done else "pending",
                               result="fixed" if done else "",
                               satisfaction=row.get("satisfaction") if done else None,
                               done_by_id=agent if done else None,
                               done_at=row.get("closed_at"), created_at=row["completed_at"],
                               updated_at=row.get("closed_at") or row["completed_at"])
            order_id += 1
            if (i + 1) % 50_000 == 0 or i + 1 == len(moments):
                orders.flush()
                events.flush()
                follow_ups.flush()
                self.say(f"work orders: {i + 1:,}/{len(moments):,} "
                         f"({events.count:,} timeline events)")
        orders.flush()
        events.flush()
        follow_ups.flush()
        self.say("work orders by state: " + ", ".join(f"{k} {v:,}"
                                                        for k, v in sorted(counts.items())))
        return orders.count

    def _order_state(self, at) -> str:
        age = (self.now - at).total_seconds() / 86400
        r = self.rng.random()
        if age > 30:
            table = (("closed", 0.885), ("cancelled", 0.07), ("follow_up", 0.02),
                     ("completed", 0.01), ("rework", 0.004), ("in_progress", 0.004),
                     ("accepted", 0.002), ("dispatched", 0.003), ("new", 0.002))
        elif age > 3:
            table = (("closed", 0.45), ("cancelled", 0.07), ("follow_up", 0.12),
                     ("completed", 0.1), ("rework", 0.03), ("in_progress", 0.08),
                     ("accepted", 0.06), ("dispatched", 0.06), ("new", 0.03))
        else:
            table = (("closed", 0.1), ("cancelled", 0.05), ("follow_up", 0.1),
                     ("completed", 0.12), ("rework", 0.02), ("in_progress", 0.16),
                     ("accepted", 0.15), ("dispatched", 0.17), ("new", 0.13))
        for state, share in table:
            r -= share
            if r < 0:
                return state
        return table[0][0]

    def _order_steps(self, row, steps, state, policy, team, worker, agent, supervisor):
        """The timestamps and timeline of an order that reached ``state`` by now; each step
        after the one before, all before now."""
        at = row["reported_at"]
        room = (self.now - at).total_seconds() / 60  # minutes between report and now
        plan = {"new": 0, "cancelled": 0, "dispatched": 1, "accepted": 2, "in_progress": 3,
                "completed": 4, "rework": 5, "follow_up": 5, "closed": 6}[state]
        rework = state == "rework" or (state == "closed" and self.rng.random() < 0.03)
        # Spread the steps over the time available (at most a few days each).
        n = max(2, plan + (5 if rework and state == "closed" else 0)) + 1
        gap = max(1, min(int(room / n), 3 * 24 * 60))

        def step_at(previous):
            return min(self.now, previous + datetime.timedelta(minutes=self.rng.randint(1, gap)))

        if state == "cancelled":
            if self.rng.random() < 0.5:
                row.update(team_id=team.pk if team else None, assignee_id=worker)
                t = step_at(at)
                row.update(dispatched_at=t, responded_at=t)
                steps.append(("dispatch", "new", "dispatched", t, agent))
                source = "dispatched"
            else:
                t, source = at, "new"
            t = step_at(t)
            row["cancel_reason"] = "住户已自行修好"
            steps.append(("cancel", source, "cancelled", t, supervisor))
            return
        t = at
        sequence = [("dispatch", "new", "dispatched", agent), ("accept", "dispatched",
                                                               "accepted", worker),
                    ("start", "accepted", "in_progress", worker),
                    ("complete", "in_progress", "completed", worker)]
        for action, source, target, by in sequence[:plan]:
            t = step_at(t)
            steps.append((action, source, target, t, by))
            if action == "dispatch":
                row.update(team_id=team.pk if team else None, assignee_id=worker,
                           dispatched_at=t, responded_at=t)
            elif action == "accept":
                row["appointment_at"] = t + datetime.timedelta(hours=2)
            elif action == "complete":
                row.update(completed_at=t, first_completed_at=t)
        if plan < 5:
            return
        if rework:
            t = step_at(t)
            steps.append(("fail_acceptance", "completed", "rework", t, agent))
            row.update(completed_at=None, rework_started_at=t,
                       complete_by=sla.completion_deadline(policy, t))
            if state == "rework":
                return
            for action, source, target, by in (
                    ("dispatch", "rework", "dispatched", agent),
                    ("accept", "dispatched", "accepted", worker),
                    ("start", "accepted", "in_progress", worker),
                    ("complete", "in_progress", "completed", worker)):
                t = step_at(t)
                steps.append((action, source, target, t, by))
                if action == "dispatch":
                    row["dispatched_at"] = t
                if action == "complete":
                    row["completed_at"] = t
        t = step_at(t)
        steps.append(("pass_acceptance", "completed", "follow_up", t, agent))
        if state == "closed":
            t = step_at(t)
            row.update(closed_at=t, satisfaction=self.rng.choice((3, 4, 4, 5, 5, 5)))
            steps.append(("close", "follow_up", "closed", t, agent))

    # -- complaints -----------------------------------------------------------------------
    def complaints(self, communities, unit_ids, reporter) -> int:
        User = get_user_model()
        desk = User.objects.get(username="frontdesk").pk
        supervisor = User.objects.get(username="cs_supervisor").pk
        agent = User.objects.get(username="cs_agent").pk
        manager = User.objects.get(username="manager").pk
        standards = {}
        for community in communities:
            for severity in ("general", "major"):
                standards[(community.pk, severity)] = complaint_deadlines.standard_for(
                    community_id=community.pk, severity=severity)
        moments = self.moments(self.scale.complaints, recent_share=0.04)
        numbers = self.numbering("TS", moments)
        rows = Inserter(Complaint)
        events = Inserter(ComplaintEvent, after=(rows,))
        complaint_id = _next_id(Complaint)
        community_ids = [c.pk for c in communities]
        categories = ("noise", "cleaning", "parking", "staff_attitude", "fees", "security")
        for i, (at, number) in enumerate(zip(moments, numbers, strict=True)):
            community_id = community_ids[i % len(community_ids)]
            severity = "major" if self.rng.random() < 0.08 else "general"
            standard = standards[(community_id, severity)]
            units = unit_ids.get(community_id) or []
            unit = self.rng.choice(units) if units else None
            row = dict(id=complaint_id, number=number, community_id=community_id,
                       unit_id=unit, resident_id=reporter.get(unit),
                       channel=self.rng.choice(("phone", "walk_in", "app")),
                       category=self.rng.choice(categories), content="住户投诉",
                       request="尽快处理", severity=severity, emotional=severity == "major",
                       received_at=at, created_at=at,
                       **complaint_deadlines.intake_deadlines(standard, at))
            age = (self.now - at).total_seconds() / 86400
            reach = 7 if age > 30 and self.rng.random() < 0.93 else self.rng.randint(0, 7)
            withdrawn = self.rng.random() < 0.03
            gap = max(1, min(int((self.now - at).total_seconds() / 60 / 8), 24 * 60))
            t = at
            steps = [("created", "", "received", at, desk)]

            def later(previous, gap=gap):
                return min(self.now,
                           previous + datetime.timedelta(minutes=self.rng.randint(1, gap)))

            state = "received"
            for level, (action, target) in enumerate((
                    ("assign", "assigned"), ("contact", "contacted"),
                    ("agree_plan", "plan_agreed"), ("resolve", "resolved"),
                    ("start_follow_up", "follow_up"), ("close", "closed")), start=1):
                if level > reach or (withdrawn and level > 2):
                    break
                t = later(t)
                by = desk if action == "assign" else (agent if level >= 5 else supervisor)
                if action == "assign":
                    row.update(supervisor_id=supervisor, assigned_at=t)
                elif action == "contact":
                    row["contacted_at"] = t
                elif action == "agree_plan":
                    if severity == "major":
                        row.update(manager_acknowledged_at=t, manager_acknowledged_by_id=manager)
                        steps.append(("acknowledge", "", "", t, manager))
                        t = later(t)
                    row.update(plan="与住户商定处理方案", plan_agreed_at=t)
                elif action == "resolve":
                    row.update(resolution="已处理完毕", resolved_at=t, answer="已处理完毕",
                               answered_at=t,
                               follow_up_by=complaint_deadlines.follow_up_deadline(standard, t))
                elif action == "close":
                    row.update(closed_at=t, followed_up_at=t,
                               satisfaction=self.rng.choice((3, 4, 5, 5)))
                steps.append((action, state, target, t, by))
                state = target
            if withdrawn and state in ("received", "assigned", "contacted"):
                t = later(t)
                row.update(withdraw_reason="住户撤回", withdrawn_at=t)
                steps.append(("withdraw", state, "withdrawn", t, desk))
                state = "withdrawn"
            row.update(state=state, updated_at=t)
            if state in CHASED_COMPLAINT_STATES:
                row["chase_at"] = self.now
            rows.add(**row)
            for action, source, target, when, by in steps:
                events.add(complaint_id=complaint_id, action=action, from_state=source,
                           to_state=target, by_id=by, at=when)
            complaint_id += 1
        rows.flush()
        events.flush()
        self.say(f"complaints: {rows.count:,} ({events.count:,} timeline events)")
        return rows.count

    # -- contracts and policies ---------------------------------------------------------
    def agreements(self, communities) -> int:
        User = get_user_model()
        finance = User.objects.get(username="finance").pk
        today = timezone.localtime(self.now).date()
        contracts, policies = Inserter(Contract), Inserter(InsurancePolicy)
        community_ids = [c.pk for c in communities]
        for i in range(self.scale.agreements):
            community_id = community_ids[i % len(community_ids)]
            end = today + datetime.timedelta(days=self.rng.randint(-60, 3 * 365))
            start = end - datetime.timedelta(days=self.rng.choice((365, 730, 1095)) - 1)
            created = timezone.make_aware(datetime.datetime.combine(
                min(start, today), datetime.time(10)), self.tz)
            common = dict(community_id=community_id, start_date=start, end_date=end,
                          responsible_id=finance, state="active", currency="CNY",
                          created_at=created, updated_at=created)
            if i % 2 == 0:
                contracts.add(kind=self.rng.choice(("cleaning", "security", "vendor_maintenance",
                                                    "parking_lease", "property_service")),
                              number=f"GEN-HT-{i:07d}", counterparty=f"服务供应商{i % 997:03d}",
                              value=Decimal(self.rng.randrange(10_000, 5_000_000)),
                              **common)
            else:
                policies.add(kind=self.rng.choice(("public_liability", "equipment", "property")),
                             insurer="中国人民财产保险股份有限公司",
                             policy_number=f"GEN-BX-{i:07d}",
                             sum_insured=Decimal(self.rng.randrange(1_000_000, 80_000_000)),
                             premium=Decimal(self.rng.randrange(5_000, 90_000)), **common)
        contracts.flush()
        policies.flush()
        self.say(f"contracts: {contracts.count:,}, policies: {policies.count:,}; "
                 "running the renewal scan")
        from .renewals.scan import run_renewal_scan

        run_renewal_scan(today=today)
        return contracts.count + policies.count

    # -- notifications --------------------------------------------------------------------
    def notifications(self) -> int:
        """In-app messages to the demo staff about generated orders, some read."""
        User = get_user_model()
        users = list(User.objects.filter(username__in=("admin", "cs_agent", "cs_supervisor",
                                                       "maintenance", "manager"))
                     .values_list("pk", flat=True).order_by("pk"))
        kind_of = (Notification.Kind.ASSIGNED, Notification.Kind.SLA_WARNING,
                   Notification.Kind.SLA_BREACH, Notification.Kind.FOLLOWUP_DUE)
        target = ContentType.objects.get_for_model(WorkOrder)
        orders = list(WorkOrder.objects.order_by("-pk").values_list("pk", "number", "reported_at")
                      [:self.scale.notifications])
        rows = Inserter(Notification)
        for i, (pk, number, at) in enumerate(orders):
            user = users[i % len(users)]
            created = min(self.now, at + datetime.timedelta(minutes=30))
            rows.add(user_id=user, kind=kind_of[i % len(kind_of)], message=f"{number}: 请处理",
                     target_type_id=target.pk, target_id=pk, created_at=created,
                     read_at=created if self.rng.random() < 0.7 else None,
                     dedupe_key=f"generated:{pk}:{i % len(kind_of)}")
        rows.flush()
        self.say(f"notifications: {rows.count:,}")
        return rows.count


def generate(*, scale: Scale, scale_name: str, now: datetime.datetime | None = None,
             seed: int = SEED, force: bool = False, out=None) -> dict[str, int]:
    """Generate a data set of ``scale`` into the current database (see the module docstring)."""
    now = now or timezone.now()
    gen = Generator(scale=scale, now=now, seed=seed, out=out)
    check_database(force=force)
    if not Community.objects.filter(code=DEMO_COMMUNITIES[0].code).exists():
        gen.say("loading the demo data first")
        load_demo(today=timezone.localtime(now).date())
    workcalendar.seed_china_calendar(years=range(gen.start.year, now.year + 2))
    counts = {}
    with workcalendar.specs_read_once(), _fast_inserts():
        with transaction.atomic():
            communities = gen.communities()
            counts["communities"] = len(communities)
            gen.say(f"communities: {len(communities)}")
            unit_ids = gen.units(communities)
            reporter = gen.residents(communities, unit_ids)
            technicians = gen.technicians(communities)
        counts["units"] = Unit.objects.count()
        counts["residents"] = Resident.objects.count()
        # Each batch commits on its own: no transaction of a million rows.
        counts["work_orders"] = gen.work_orders(communities, unit_ids, reporter, technicians)
        counts["complaints"] = gen.complaints(communities, unit_ids, reporter)
        with transaction.atomic():
            counts["agreements"] = gen.agreements(communities)
            counts["notifications"] = gen.notifications()
            NumberSequence.objects.create(key=f"{MARKER_PREFIX}{scale_name}"[:20],
                                          last=counts["work_orders"])
    gen.say("done: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    return counts
