"""Reads of the call-intake desk: who is calling (from what they say), and what their unit has
going on. Every read is limited by ``access.scoping.scope``; the searches are the registry's
(``registry.lookups.search_residents``, ``registry.selectors.search_units``)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from ..access.scoping import scope
from ..complaints.models import Complaint
from ..core.display import display_name
from ..core.masking import mask
from ..core.throttle import Throttled
from ..registry.lookups import search_residents
from ..registry.models import Occupancy, Resident, Unit, current_occupancy_q
from ..registry.selectors import search_units
from ..workorders.models import WorkOrder, WorkOrderCategory
from ..workorders.rules import is_repeat_report, repeat_window
from ..workorders.selectors import earlier_reports
from ..workorders.states import OPEN_STATES, State

# How many matches of each kind the desk lists: a caller is found in the first few, and a term
# that matches more asks for a closer one.
MATCH_LIMIT = 10
# The complaints of a unit the desk shows: those received within this many days.
RECENT_COMPLAINT_DAYS = 90
# Order and complaint numbers as people read them: WO-202611-00042, wo202611, TS-2026...
_ORDER_NUMBER = re.compile(r"^(?P<prefix>WO|TS)-?(?P<month>\d{0,6})(?:-?(?P<serial>\d{0,5}))?$",
                           re.IGNORECASE)


def _phone_hint(resident: Resident) -> str:
    # The desk shows every phone masked: the caller confirms the digits the mask keeps.
    return mask(resident.phone)


@dataclass
class Match:
    """One pickable answer: a unit and who lives there (the caller, when found by person)."""

    unit: Unit
    resident: Resident | None
    relation: str = ""
    phone: str = ""
    others: list[str] = field(default_factory=list)  # the unit's other residents


@dataclass
class Matches:
    by_person: list[Match] = field(default_factory=list)
    without_unit: list[Resident] = field(default_factory=list)  # found, but live nowhere now
    by_unit: list[Match] = field(default_factory=list)
    orders: list = field(default_factory=list)  # work orders and complaints by number
    refused: str = ""  # why the search was not answered (too many lookups)

    @property
    def first(self) -> Match | None:
        return (self.by_person or self.by_unit or [None])[0]

    def __bool__(self):
        return bool(self.by_person or self.without_unit or self.by_unit or self.orders)


def order_number_prefix(term: str) -> tuple[str, str] | None:
    """``(prefix, number prefix)`` when ``term`` is the start of an order (WO) or complaint
    (TS) number, written the way it is printed (``WO-202611-0004``) or without its dashes."""
    found = _ORDER_NUMBER.match((term or "").strip())
    if not found or not found["month"]:
        return None
    prefix, month, serial = found["prefix"].upper(), found["month"], found["serial"] or ""
    text = f"{prefix}-{month}"
    if len(month) == 6 and (serial or (term.strip().count("-") >= 2)):
        text += f"-{serial}"
    elif serial:
        return None
    return prefix, text


def by_number_prefix(queryset: QuerySet, prefix: str) -> QuerySet:
    """The rows whose number starts with ``prefix``, in number order, at most MATCH_LIMIT: one
    ``number LIKE 'prefix%'`` range on the unique index of the numbers, never a sort of the
    table."""
    return queryset.filter(number__istartswith=prefix).order_by("number")[:MATCH_LIMIT]


def _current(on: datetime.date):
    return Occupancy.objects.filter(current_occupancy_q(on)).select_related(
        "unit__building__community", "resident")


def find_callers(*, user, term: str, channel: str) -> Matches:
    """What ``term`` (a full phone, its last four digits, a name, a unit as people say it, or
    an order number) finds among what ``user`` may see."""
    term = " ".join((term or "").split())[:100]
    matches = Matches()
    if not term:
        return matches
    today = timezone.localdate()
    number = order_number_prefix(term)
    if number is not None:
        prefix, text = number
        model = WorkOrder if prefix == "WO" else Complaint
        if user.has_perm(f"property_service.view_{model._meta.model_name}"):
            matches.orders = list(by_number_prefix(
                scope(model.objects.select_related("unit__building__community"), user), text))
        return matches
    residents = scope(Resident.objects.all(), user)
    try:
        found = search_residents(residents, user=user, term=term, channel=channel)
    except Throttled as error:
        matches.refused = str(error.message)
        found = None
    if found is None and not matches.refused and not term.isdigit():
        found = residents.filter(name__istartswith=term)
    if found is not None:
        people = list(found.order_by("name", "id")[:MATCH_LIMIT])
        homes = (scope(_current(today), user).filter(resident__in=people)
                 .order_by("-is_primary_contact", "id"))
        housed = set()
        for occupancy in homes:
            housed.add(occupancy.resident_id)
            matches.by_person.append(Match(
                unit=occupancy.unit, resident=occupancy.resident,
                relation=occupancy.get_relation_display(),
                phone=_phone_hint(occupancy.resident)))
        matches.without_unit = [r for r in people if r.pk not in housed]
    units = list(search_units(scope(Unit.objects.select_related("building__community"), user),
                              term)[:MATCH_LIMIT])
    occupants: dict[int, list[Occupancy]] = {}
    for occupancy in (scope(_current(today), user).filter(unit__in=units)
                      .order_by("-is_primary_contact", "id")):
        occupants.setdefault(occupancy.unit_id, []).append(occupancy)
    for unit in units:
        living = occupants.get(unit.pk, [])
        first = living[0] if living else None
        matches.by_unit.append(Match(
            unit=unit, resident=first.resident if first else None,
            relation=first.get_relation_display() if first else "",
            phone=_phone_hint(first.resident) if first else "",
            others=[o.resident.name for o in living[1:]]))
    return matches


def picked(*, user, unit_id, resident_id) -> tuple[Unit | None, Resident | None]:
    """The unit and resident of a picked match, each only if ``user`` may see it."""
    unit = resident = None
    if unit_id is not None:
        unit = scope(Unit.objects.select_related("building__community"), user).filter(
            pk=unit_id).first()
    if resident_id is not None:
        resident = scope(Resident.objects.all(), user).filter(pk=resident_id).first()
    return unit, resident


@dataclass
class Repeat:
    category: WorkOrderCategory
    count: int  # reports in the window up to now
    next_is_repeat: bool  # one more report now would be a repeat (urgent, the supervisor's)


def repeats(*, unit: Unit, now: datetime.datetime) -> list[Repeat]:
    """The categories this unit reported within ``repeat_window()`` up to ``now``, with how
    often: the same window and count the intake service uses to flag a repeat."""
    counts = (WorkOrder.objects.filter(unit=unit, reported_at__gte=now - repeat_window(),
                                       reported_at__lte=now)
              .exclude(state=State.CANCELLED).values("category_id")
              .annotate(n=Count("id")).order_by("-n"))
    categories = WorkOrderCategory.objects.in_bulk([row["category_id"] for row in counts])
    return [Repeat(categories[row["category_id"]], row["n"], is_repeat_report(row["n"]))
            for row in counts]


@dataclass
class UnitOnFile:
    open_orders: list
    recent_complaints: list
    repeats: list[Repeat]
    window_days: int


def unit_on_file(*, user, unit: Unit, now: datetime.datetime) -> UnitOnFile:
    """What the agent should know before filing: the unit's open work orders, its recent
    complaints and the problems it reported repeatedly."""
    orders = []
    if user.has_perm("property_service.view_workorder"):
        orders = list(scope(WorkOrder.objects.filter(unit=unit, state__in=OPEN_STATES), user)
                      .select_related("category").order_by("-reported_at")[:MATCH_LIMIT])
    complaints = []
    if user.has_perm("property_service.view_complaint"):
        since = now - datetime.timedelta(days=RECENT_COMPLAINT_DAYS)
        complaints = list(scope(Complaint.objects.filter(unit=unit, received_at__gte=since),
                                user).order_by("-received_at")[:MATCH_LIMIT])
    return UnitOnFile(open_orders=orders, recent_complaints=complaints,
                      repeats=repeats(unit=unit, now=now), window_days=repeat_window().days)


def earlier_count(*, unit: Unit, category: WorkOrderCategory, now: datetime.datetime) -> int:
    return earlier_reports(unit_id=unit.pk, category_id=category.pk, at=now).count()


# What "send to" may say on the desk's repair form: nobody yet, the team (its pool or round
# robin), or one technician of it.
SEND_TO_TEAM = "team"
SEND_TO_USER = "user:"


@dataclass
class RepairPreview:
    category: WorkOrderCategory
    priority: str
    priority_label: str
    earlier: int  # reports of this unit and category within the repeat window
    is_repeat: bool
    respond_by: datetime.datetime
    complete_by: datetime.datetime
    team: object | None
    takes_direct_assignment: bool
    technicians: list  # (value for send_to, name) of the team's members on duty
    send_to: str  # the preselected "send to"
    may_dispatch: bool


def repair_preview(*, user, unit: Unit, category: WorkOrderCategory, priority: str | None,
                   now: datetime.datetime) -> RepairPreview:
    """The priority and deadlines an order of ``category`` for ``unit`` reported ``now`` gets
    (what ``create_work_order`` will set: the category's default priority when none is chosen,
    urgent for a repeat) and whom it can be sent to."""
    from django.contrib.auth import get_user_model

    from ..access.scoping import works_for_community_q
    from ..workorders import sla
    from ..workorders.models import Priority, Team, TeamMember

    earlier = earlier_count(unit=unit, category=category, now=now)
    repeat = is_repeat_report(earlier)
    chosen = Priority.URGENT if repeat else (priority or category.default_priority)
    community_id = unit.building.community_id
    due = sla.deadlines(sla.policy_for(community_id=community_id, priority=chosen), now)
    team = category.default_team
    if team is not None and team.community_id not in (None, community_id):
        team = None
    may_dispatch = user.has_perm("property_service.dispatch_workorder") and team is not None
    technicians = []
    direct = team is not None and team.dispatch_mode == Team.DispatchMode.DIRECT
    if may_dispatch:
        members = (TeamMember.objects.filter(team=team, on_duty=True)
                   .filter(user__in=get_user_model().objects.filter(
                       works_for_community_q(community_id)))
                   .select_related("user").order_by("user__username"))
        technicians = [(f"{SEND_TO_USER}{m.user_id}", display_name(m.user))
                       for m in members]
    return RepairPreview(
        category=category, priority=chosen, priority_label=str(Priority(chosen).label),
        earlier=earlier, is_repeat=repeat, respond_by=due.respond_by,
        complete_by=due.complete_by, team=team, takes_direct_assignment=direct,
        technicians=technicians,
        send_to=SEND_TO_TEAM if may_dispatch and not direct else "", may_dispatch=may_dispatch)


@dataclass
class ComplaintPreview:
    deadlines: list  # (label, due)


def complaint_preview(*, unit: Unit, severity: str, now: datetime.datetime) -> ComplaintPreview:
    """The deadlines a complaint of ``severity`` about ``unit`` received ``now`` gets (those
    ``create_complaint`` sets)."""
    from ..complaints import deadlines

    standard = deadlines.standard_for(community_id=unit.building.community_id,
                                      severity=severity)
    due = deadlines.intake_deadlines(standard, now)
    return ComplaintPreview(deadlines=[(d.label, due[d.due_field]) for d in deadlines.DEADLINES
                                       if due.get(d.due_field) is not None])


def saved_record(*, user, token: str):
    """The order or complaint named by the desk's ``saved`` parameter (``workorder:42``), if
    ``user`` may see it; None for anything else."""
    from ..core.params import parse_id

    kind, _sep, pk = (token or "").partition(":")
    from ..enquiries.models import Enquiry

    model = {"workorder": WorkOrder, "complaint": Complaint, "enquiry": Enquiry}.get(kind)
    pk = parse_id(pk)
    if model is None or pk is None:
        return None
    return scope(model.objects.all(), user).filter(pk=pk).first()
