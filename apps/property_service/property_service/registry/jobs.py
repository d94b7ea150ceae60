"""Periodic jobs of the registry. Each is idempotent: running it twice changes nothing more."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..core import since as since_last
from .models import Occupancy, Unit, current_occupancy_q

STATUSES_RUN = "registry:unit-statuses:last-run"


def refresh_unit_statuses() -> dict[str, int]:
    """Mark units occupied or vacant from their occupancies as of today (move-ins and move-outs
    dated in advance take effect on their day). Renovating units are left alone.

    The first run goes over every unit; a later one over the units that may have changed since
    the last run began (``units_to_recheck``; ``core.since``)."""
    today = timezone.localdate()
    current = Occupancy.objects.filter(current_occupancy_q(today), unit=OuterRef("pk"))
    # In key order: no join to the buildings and communities to sort by them.
    units = Unit.objects.annotate(has_current=Exists(current)).order_by("pk")
    counts = {"occupied": 0, "vacant": 0}
    with since_last.last_run(STATUSES_RUN) as since:
        recheck = None if since is None else units_to_recheck(since, today)
        if recheck is not None and since_last.few_enough(recheck):
            units = units.filter(pk__in=recheck)
        to_occupied = units.filter(status=Unit.Status.VACANT, has_current=True)
        to_vacant = units.filter(status=Unit.Status.OCCUPIED, has_current=False)
        with transaction.atomic():
            for queryset, status in ((to_occupied, Unit.Status.OCCUPIED),
                                     (to_vacant, Unit.Status.VACANT)):
                # The units to change are found without locks, then locked and checked again:
                # the rest of the register stays free meanwhile.
                found = list(queryset.values_list("pk", flat=True))
                for unit in queryset.filter(pk__in=found).select_for_update():
                    unit.status = status
                    # save() rather than update(): the change belongs in the unit's history.
                    unit._change_reason = "occupancy dates"
                    unit.save(update_fields=["status", "updated_at"])
                    counts[status] += 1
    return counts


def units_to_recheck(since: datetime.datetime, today: datetime.date) -> set[int]:
    """The units whose status may have changed since ``since``: those of an occupancy entered,
    changed or deleted since (every unit it was on), those of an occupancy that began or ended
    on a day after ``since``'s, and the units edited since (a status set by hand)."""
    last_day = timezone.localdate(since)
    units = since_last.written_since(Occupancy, since, "unit_id")
    # Current on the last run's day and not today, or the other way round.
    units.update(Occupancy.objects.filter(start_date__gt=last_day, start_date__lte=today)
                 .values_list("unit_id", flat=True))
    units.update(Occupancy.objects.filter(end_date__gte=last_day, end_date__lt=today)
                 .values_list("unit_id", flat=True))
    units.update(since_last.written_since(Unit, since))
    return units
