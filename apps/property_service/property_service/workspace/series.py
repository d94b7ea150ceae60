"""Twelve months of figures for the home page's charts, per community, kept in the cache for
the day.

A month's figures over a million work orders would be a pass over a third of a million rows
on every visit to the home page; the series of each community is computed once (one grouped
query over the communities not in the cache, read by the community and date index) and kept
for ``TTL`` seconds under the community and the day. Only counts are kept (no labels), so one
entry serves every language; the rates are computed from them when shown.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..complaints.figures import COUNTS, monthly_figures
from ..complaints.models import Complaint
from ..workorders.models import WorkOrder
from ..workorders.sla import judged_q, met_q

MONTHS = 12
# Short: the current month's figures move during the day.
TTL = 15 * 60


def months_ending(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    firsts = []
    year, month = today.year, today.month
    for _step in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _start(first: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))


def _month(field: str):
    return TruncMonth(field, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def _cached(kind: str, community_ids: list[int], today: datetime.date, compute) -> dict:
    """{community id: its series}, from the cache or, for the communities missing there,
    from ``compute(ids)`` (one query), which is then kept."""
    keys = {pk: f"workspace:{kind}:{pk}:{today.isoformat()}" for pk in community_ids}
    found = cache.get_many(list(keys.values()))
    series = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in community_ids if pk not in series]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, {}) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, TTL)
        series.update(fresh)
    return series


def sla_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": [done orders judged, of them on time]} for the twelve months
    up to ``today``'s, by the month the order was reported (the indexed date). An order is
    judged once done with its deadlines (``sla.judged_q``), on time when it met them
    (``sla.met_q``, the badge's MET)."""
    start = _start(months_ending(today)[0])

    def compute(ids):
        rows = (WorkOrder.objects.filter(community_id__in=ids, reported_at__gte=start)
                .filter(judged_q()).order_by().annotate(month=_month("reported_at"))
                .values("community_id", "month")
                .annotate(judged=Count("pk"), on_time=Count("pk", filter=met_q())))
        result: dict[int, dict] = {}
        for row in rows:
            result.setdefault(row["community_id"], {})[row["month"].strftime("%Y-%m")] = [
                row["judged"], row["on_time"]]
        return result

    return _cached("sla", community_ids, today, compute)


def complaint_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": the counts ``complaints.figures`` makes its rates of}, by the
    month of receipt, for the twelve months up to ``today``'s."""
    start = _start(months_ending(today)[0])

    def compute(ids):
        result: dict[int, dict] = {}
        queryset = Complaint.objects.filter(community_id__in=ids, received_at__gte=start)
        for row in monthly_figures(queryset):
            result.setdefault(row["community_id"], {})[row["month"].strftime("%Y-%m")] = (
                row["counts"])
        return result

    return _cached("complaints", community_ids, today, compute)


def complaint_type_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {subject code: complaints received} over the twelve months up to
    ``today``'s (withdrawn ones count, as in the figures' top subjects)."""
    start = _start(months_ending(today)[0])

    def compute(ids):
        result: dict[int, dict] = {}
        rows = (Complaint.objects.filter(community_id__in=ids, received_at__gte=start)
                .order_by().values("community_id", "category").annotate(n=Count("pk")))
        for row in rows:
            result.setdefault(row["community_id"], {})[row["category"]] = row["n"]
        return result

    return _cached("complaint_types", community_ids, today, compute)


def summed(series: dict[int, dict]) -> dict:
    """The communities' series added up key by key (lists element-wise, dicts of counts
    key-wise, numbers as numbers)."""
    total: dict = {}
    for per_community in series.values():
        for key, value in per_community.items():
            if isinstance(value, dict):
                into = total.setdefault(key, dict.fromkeys(COUNTS, 0))
                for name, n in value.items():
                    into[name] = into.get(name, 0) + n
            elif isinstance(value, list):
                into = total.setdefault(key, [0] * len(value))
                total[key] = [a + b for a, b in zip(into, value, strict=True)]
            else:
                total[key] = total.get(key, 0) + value
    return total


def household_series(community_ids: list[int], today: datetime.date) -> dict[int, int]:
    """Per community: its households (units), counted once a day."""
    from ..registry.models import Unit

    def compute(ids):
        rows = (Unit.objects.filter(building__community_id__in=ids).order_by()
                .values("building__community_id").annotate(n=Count("pk")))
        return {row["building__community_id"]: row["n"] for row in rows}

    found = _cached("households", community_ids, today, compute)
    return {pk: value or 0 for pk, value in found.items()}
