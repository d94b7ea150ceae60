"""Periodic jobs of the registry. Each is idempotent: running it twice changes nothing more."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Occupancy, Unit, current_occupancy_q


def refresh_unit_statuses() -> dict[str, int]:
    """Mark units occupied or vacant from their occupancies as of today (move-ins and move-outs
    dated in advance take effect on their day). Renovating units are left alone."""
    today = timezone.localdate()
    current = Occupancy.objects.filter(current_occupancy_q(today), unit=OuterRef("pk"))
    # In key order: no join to the buildings and communities to sort by them.
    units = Unit.objects.annotate(has_current=Exists(current)).order_by("pk")
    to_occupied = units.filter(status=Unit.Status.VACANT, has_current=True)
    to_vacant = units.filter(status=Unit.Status.OCCUPIED, has_current=False)
    counts = {"occupied": 0, "vacant": 0}
    with transaction.atomic():
        for queryset, status in ((to_occupied, Unit.Status.OCCUPIED),
                                 (to_vacant, Unit.Status.VACANT)):
            # The units to change are found without locks (a pass over every unit), then
            # locked and checked again: the rest of the register stays free meanwhile.
            found = list(queryset.values_list("pk", flat=True))
            for unit in queryset.filter(pk__in=found).select_for_update():
                unit.status = status
                # save() rather than update(): the change belongs in the unit's history.
                unit._change_reason = "occupancy dates"
                unit.save(update_fields=["status", "updated_at"])
                counts[status] += 1
    return counts
