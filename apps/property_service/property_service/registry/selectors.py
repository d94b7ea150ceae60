"""Reads of the registry that pages and the API share."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from .models import Building, Occupancy, Resident, Unit, current_occupancy_q

# How people say a unit: "6栋 2-1502" or "6栋2-1502" (building, entrance-number), "6-2-1502"
# (the building's number, entrance, number), "2-1502" (entrance-number), "6栋 1502" (building,
# number) or "1502" (number).
_BUILDING_ENTRANCE_NUMBER = re.compile(r"^(?P<building>.*\D)\s*(?P<entrance>\d+)-(?P<number>\w+)$")
_DIGITS_ENTRANCE_NUMBER = re.compile(r"^(?P<building>\d+)-(?P<entrance>\d+)-(?P<number>\w+)$")
_ENTRANCE_NUMBER = re.compile(r"^(?P<entrance>\d+)-(?P<number>\w+)$")
_BUILDING_NUMBER = re.compile(r"^(?P<building>.*\D)\s+(?P<number>\w+)$")


def _buildings(**lookup) -> list[int]:
    return list(Building.objects.filter(**lookup).values_list("pk", flat=True))


def _numbered_buildings(digits: str) -> list[int]:
    """Buildings called by their number: "6" for 6栋, 6号楼, Block 6 or 6."""
    named = Building.objects.filter(Q(name=digits) | Q(name__startswith=digits)
                                    | Q(name__endswith=f" {digits}")).values_list("pk", "name")
    pattern = re.compile(rf"^(\D*\s)?{re.escape(digits)}(\D.*)?$")
    return [pk for pk, name in named if pattern.match(name)]


def unit_search_q(term: str) -> Q:
    """Units a search for ``term`` means (see above), as a condition on the unit's own
    columns: the buildings are looked up first (a small table), so that the units are read
    off their indexes (number; building, entrance and number) and no ``OR`` crosses a join.
    A building name alone finds its units (from the start of the name)."""
    term = " ".join((term or "").split())
    if not term:
        return Q()
    matches = Q(number__iexact=term)
    buildings = _buildings(name__istartswith=term)
    if buildings:
        matches |= Q(building_id__in=buildings)
    found = _DIGITS_ENTRANCE_NUMBER.match(term)
    if found:
        numbered = _numbered_buildings(found["building"])
        if numbered:
            matches |= Q(building_id__in=numbered, entrance=found["entrance"],
                         number__iexact=found["number"])
    found = _BUILDING_ENTRANCE_NUMBER.match(term)
    if found:
        named = _buildings(name__iexact=found["building"].strip())
        if named:
            matches |= Q(building_id__in=named, entrance=found["entrance"],
                         number__iexact=found["number"])
    found = _ENTRANCE_NUMBER.match(term)
    if found:
        matches |= Q(entrance=found["entrance"], number__iexact=found["number"])
    found = _BUILDING_NUMBER.match(term)
    if found:
        named = _buildings(name__iexact=found["building"].strip())
        if named:
            matches |= Q(building_id__in=named, number__iexact=found["number"])
    return matches


def search_units(queryset: QuerySet, term: str) -> QuerySet:
    return queryset.filter(unit_search_q(term))


# Up to this many units of one number are written out by id (read off the unit's key, and no
# part of an OR when there are none); more are read as a semi-join.
UNITS_BY_ID = 200


def own_or_unit_number_q(model, word: str, user) -> Q:
    """The rows of ``model`` (a record with a ``number`` and a ``unit``) whose own number is
    ``word`` or whose unit's number is, each kind read off its own index. Both numbers are
    looked up first: the records' (unique) and the ``user``'s units' of that number. A few
    units are named by id; thousands of them (a bare "1401" across fifty communities) are read
    as one semi-join rather than written out into each of the list's queries. No ``OR`` across
    a join, and no ``OR`` of two indexes unless both kinds match: MariaDB answers ``number = x
    OR unit_id IN (...)`` by merging both indexes and sorting every order of those units."""
    own = list(model._default_manager.filter(number__iexact=word).order_by()
               .values_list("pk", flat=True))
    units = scope(Unit.objects.filter(number__iexact=word), user).order_by().values("pk")
    by_id = list(units.values_list("pk", flat=True)[:UNITS_BY_ID + 1])
    if len(by_id) <= UNITS_BY_ID:
        return Q(pk__in=own) | Q(unit_id__in=by_id)
    return Q(pk__in=own) | Q(unit_id__in=units)


# How many records of each kind a timeline reads (newest first); the rest are behind the
# kind's "show all" link to its list, filtered on an indexed column. No kind is counted.
TIMELINE_LIMIT = 10


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str  # short code of the source, e.g. "move_in", "work_order"
    title: str
    detail: str = ""
    url: str = ""
    number: str = ""  # the record's own number (or name), the text of its link


@dataclass(frozen=True)
class TimelineMore:
    """A kind with more records than the timeline shows: its list, filtered to the subject."""

    label: str
    url: str


@dataclass
class TimelinePart:
    """What one source gives: its newest entries and, if it has more, the link to them all."""

    entries: list[TimelineEntry] = field(default_factory=list)
    more: TimelineMore | None = None


@dataclass
class Timeline:
    entries: list[TimelineEntry]
    more: list[TimelineMore]


# A source gets the subject (a unit or a resident), the viewing user (to apply the row-level
# scope to what it lists) and how many records of its kind to read.
TimelineSource = Callable[[object, object, int], TimelinePart]

# Every source of a unit's or a resident's story, with the permission a user needs to see its
# entries and the subjects it tells about. Other domains (work orders, complaints, notices,
# the portal) add theirs with ``register_timeline_source`` so the page shows all in one place.
_TIMELINE_SOURCES: dict[TimelineSource, tuple[str | None, tuple[type, ...]]] = {}


def register_timeline_source(permission: str | None = None, subjects: tuple[type, ...] = (Unit,)):
    def register(source: TimelineSource) -> TimelineSource:
        _TIMELINE_SOURCES[source] = (permission, subjects)
        return source

    return register


def newest(queryset: QuerySet, limit: int) -> tuple[list, bool]:
    """The first ``limit`` rows of ``queryset`` and whether there are more: one more row is
    read instead of counting them."""
    rows = list(queryset[:limit + 1])
    return rows[:limit], len(rows) > limit


def changelist_url(model_name: str, **filters) -> str:
    return f"{reverse(f'admin:property_service_{model_name}_changelist')}?{urlencode(filters)}"


def subject_filter(subject, *, unit: str = "unit", resident: str = "resident") -> dict:
    """The lookup of a record's ``unit`` or ``resident`` for the subject of a timeline."""
    return {unit: subject.pk} if isinstance(subject, Unit) else {resident: subject.pk}


def subject_list_filter(subject, *, unit: str = "unit", resident: str = "resident") -> dict:
    """The same as a changelist's filter in the address (an indexed foreign key)."""
    return ({f"{unit}__id__exact": subject.pk} if isinstance(subject, Unit)
            else {f"{resident}__id__exact": subject.pk})


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@register_timeline_source(permission="property_service.view_occupancy",
                          subjects=(Unit, Resident))
def occupancy_events(subject, user, limit: int) -> TimelinePart:
    """Moves in and out: of the unit's residents, or of the resident's units."""
    today = timezone.localdate()
    rows, more = newest(scope(Occupancy.objects.filter(**subject_filter(subject))
                              .select_related("resident", "unit__building__community")
                              .order_by("-start_date", "-id"), user), limit)
    part = TimelinePart()
    for occ in rows:
        url = reverse("admin:property_service_occupancy_change", args=[occ.pk])
        if isinstance(subject, Unit):
            label, relation = occ.resident.name, occ.get_relation_display()
        else:
            label, relation = f"{occ.unit.building.name} {occ.unit.label}", \
                occ.get_relation_display()
        part.entries.append(TimelineEntry(_start_of(occ.start_date), "move_in",
                                          str(_("Moved in")), relation, url, label))
        if occ.end_date and occ.end_date <= today:
            part.entries.append(TimelineEntry(_start_of(occ.end_date), "move_out",
                                              str(_("Moved out")), relation, url, label))
    if more:
        part.more = TimelineMore(str(_("All occupancies")),
                                 changelist_url("occupancy", **subject_list_filter(subject)))
    return part


def _display(field_name: str, value) -> str:
    field = Unit._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)


@register_timeline_source()
def unit_record_changes(unit: Unit, user, limit: int) -> TimelinePart:
    # One record more than shown: the oldest shown change is told against the one before it.
    records = list(unit.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[:limit + 1])
    part = TimelinePart()
    for position, record in enumerate(records[:limit]):
        previous = records[position + 1] if position + 1 < len(records) else None
        if previous is None:
            title, detail = str(_("Unit registered")), ""
        else:
            delta = record.diff_against(previous)
            changed = [
                f"{Unit._meta.get_field(c.field).verbose_name}: "
                f"{_display(c.field, c.old)} → {_display(c.field, c.new)}"
                for c in delta.changes
                if c.field != "updated_at"
            ]
            if not changed:
                continue
            title, detail = str(_("Unit record changed")), "; ".join(changed)
        by = record.history_user.get_username() if record.history_user else ""
        if by:
            detail = f"{detail} ({by})" if detail else f"({by})"
        part.entries.append(TimelineEntry(record.history_date, "unit_change", title, detail))
    if len(records) > limit:
        part.more = TimelineMore(str(_("The unit's whole record history")), reverse(
            "admin:property_service_unit_history", args=[unit.pk]))
    return part


def timeline(subject, user, *, limit: int = TIMELINE_LIMIT) -> Timeline:
    """The story of ``subject`` (a unit or a resident) that ``user`` may see, newest first:
    at most ``limit`` records of each kind, each kind read once, whatever the size of the
    tables (the query count does not grow with the records held)."""
    entries, more = [], []
    for source, (permission, subjects) in _TIMELINE_SOURCES.items():
        if not isinstance(subject, subjects):
            continue
        if permission is not None and not user.has_perm(permission):
            continue
        part = source(subject, user, limit)
        entries.extend(part.entries)
        if part.more is not None:
            more.append(part.more)
    entries.sort(key=lambda e: e.when, reverse=True)
    return Timeline(entries, more)


def unit_timeline(unit: Unit, user) -> list[TimelineEntry]:
    """Everything that happened to ``unit`` that ``user`` may see, newest first (the newest
    ``TIMELINE_LIMIT`` records of each kind)."""
    return timeline(unit, user).entries


def current_occupancies(unit: Unit, on: datetime.date | None = None):
    on = on or timezone.localdate()
    return unit.occupancies.filter(current_occupancy_q(on)).select_related("resident")


def place_for_intake(*, user, unit_id: int | None = None, resident_id: int | None = None,
                     on: datetime.date | None = None) -> Unit | None:
    """The unit a new record is about, with its building and community: the given unit, else
    the unit the resident lives in (where they are the primary contact first), each only if
    ``user`` may see it."""
    from ..access.scoping import scope

    units = scope(Unit.objects.select_related("building__community"), user)
    if unit_id is not None:
        return units.filter(pk=unit_id).first()
    if resident_id is None:
        return None
    from .models import Occupancy

    homes = (scope(Occupancy.objects.filter(current_occupancy_q(on or timezone.localdate()),
                                            resident_id=resident_id), user)
             .order_by("-is_primary_contact", "start_date", "id")
             .values_list("unit_id", flat=True))
    first = next(iter(homes[:1]), None)
    return None if first is None else units.filter(pk=first).first()


@dataclass(frozen=True)
class ReportTarget:
    """Whom and where a repair or complaint raised from a page is about."""

    community_id: int
    unit: Unit | None = None
    resident: Resident | None = None


def report_targets(subject, *, on: datetime.date | None = None,
                   limit: int = TIMELINE_LIMIT) -> list[ReportTarget]:
    """For a unit: the unit with its primary contact of today (or, without one, the resident
    who moved in last). For a resident: each unit they live in today, or, living nowhere, the
    community that registered them."""
    on = on or timezone.localdate()
    if isinstance(subject, Unit):
        current = (subject.occupancies.filter(current_occupancy_q(on))
                   .select_related("resident")
                   .order_by("-is_primary_contact", "-start_date", "-id").first())
        return [ReportTarget(subject.building.community_id, subject,
                             current.resident if current else None)]
    occupancies = list(subject.occupancies.filter(current_occupancy_q(on))
                       .select_related("unit__building__community")
                       .order_by("-is_primary_contact", "-start_date", "-id")[:limit])
    if not occupancies:
        return [ReportTarget(subject.community_id, None, subject)]
    return [ReportTarget(o.unit.building.community_id, o.unit, subject) for o in occupancies]
