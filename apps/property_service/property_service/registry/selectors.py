"""Reads of the registry that pages and the API share."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Unit, current_occupancy_q


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
