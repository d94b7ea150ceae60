"""Reads of the registry that pages and the API share."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Building, Unit, current_occupancy_q

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


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str  # short code of the source, e.g. "move_in", "unit_change"
    title: str
    detail: str = ""
    url: str = ""


# A source gets the unit and the viewing user (to apply the row-level scope to what it lists).
TimelineSource = Callable[[Unit, object], Iterable[TimelineEntry]]

# Every source of a unit's history, with the permission a user needs to see its entries. Other
# domains (work orders, complaints, permits) add theirs with ``register_timeline_source`` so the
# unit page shows all of it in one place.
_TIMELINE_SOURCES: dict[TimelineSource, str | None] = {}


def register_timeline_source(permission: str | None = None):
    def register(source: TimelineSource) -> TimelineSource:
        _TIMELINE_SOURCES[source] = permission
        return source

    return register


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@register_timeline_source(permission="property_service.view_occupancy")
def occupancy_events(unit: Unit, user) -> Iterable[TimelineEntry]:
    today = timezone.localdate()
    for occ in unit.occupancies.select_related("resident"):
        who = f"{occ.resident.name} ({occ.get_relation_display()})"
        yield TimelineEntry(_start_of(occ.start_date), "move_in", str(_("Moved in")), who)
        if occ.end_date and occ.end_date <= today:
            yield TimelineEntry(_start_of(occ.end_date), "move_out", str(_("Moved out")), who)


def _display(field_name: str, value) -> str:
    field = Unit._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)


@register_timeline_source()
def unit_record_changes(unit: Unit, user) -> Iterable[TimelineEntry]:
    records = unit.history.select_related("history_user").order_by("history_date", "history_id")
    previous = None
    for record in records:
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
                previous = record
                continue
            title, detail = str(_("Unit record changed")), "; ".join(changed)
        by = record.history_user.get_username() if record.history_user else ""
        if by:
            detail = f"{detail} ({by})" if detail else f"({by})"
        yield TimelineEntry(record.history_date, "unit_change", title, detail)
        previous = record


def unit_timeline(unit: Unit, user) -> list[TimelineEntry]:
    """Everything that happened to ``unit`` that ``user`` may see, newest first."""
    entries = [
        entry
        for source, permission in _TIMELINE_SOURCES.items()
        if permission is None or user.has_perm(permission)
        for entry in source(unit, user)
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)


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
