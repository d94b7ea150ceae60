"""Twelve months of figures for the home page's charts, per community, kept in the cache.

A year of figures over a million work orders would be a pass over a third of a million rows on
every visit to the home page. Each community's months are computed once and kept: the past
months (which hardly move) for the day, the current month for ``TTL`` seconds; each is one
grouped query over the communities missing from the cache, read by the community and date
index. Only counts are kept (no labels), so one entry serves every language; the rates are
computed from them when shown.
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..complaints.figures import monthly_figures
from ..complaints.models import Complaint
from ..registry.models import Unit
from ..workorders.figures import follow_up_scores
from ..workorders.models import WorkOrder
from ..workorders.sla import judged_q, met_q

MONTHS = 12
# The current month's figures move during the day; the past months' and the households are
# kept until the day ends (the day is in the key).
TTL = 15 * 60
DAY_TTL = 24 * 60 * 60

log = logging.getLogger(__name__)


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


# Set by ``refresh``: the figures that move (the current month's) are computed again, not
# read from the cache.
_fresh = False


def _cached(key: str, community_ids: list[int], today: datetime.date, compute, ttl: int
            ) -> dict:
    """{community id: its value}, from the cache or, for the communities missing there, from
    ``compute(ids)`` (one query), which is then kept for ``ttl`` seconds."""
    keys = {pk: f"workspace:{key}:{pk}:{today.isoformat()}" for pk in community_ids}
    try:
        found = {} if _fresh and ttl == TTL else cache.get_many(list(keys.values()))
    except Exception:  # the cache server is down (redis' own errors): compute, still answer
        log.error("workspace figures: the cache is unavailable", exc_info=True)
        found = {}
    values = {pk: found[k] for pk, k in keys.items() if k in found}
    missing = [pk for pk in community_ids if pk not in values]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, {}) for pk in missing}
        try:
            cache.set_many({keys[pk]: value for pk, value in fresh.items()}, ttl)
        except Exception:
            log.error("workspace figures: the cache is unavailable", exc_info=True)
        values.update(fresh)
    return values


def _by_month(kind: str, community_ids: list[int], today: datetime.date, compute
              ) -> dict[int, dict]:
    """Per community: {"YYYY-MM": value} over the twelve months up to ``today``'s, from
    ``compute(ids, since, until)`` (``until`` None: up to now): the past months kept for the
    day, the current month for ``TTL``."""
    first, current = months_ending(today)[0], today.replace(day=1)
    past = _cached(f"{kind}:past", community_ids, today,
                   lambda ids: compute(ids, _start(first), _start(current)), DAY_TTL)
    now = _cached(f"{kind}:current", community_ids, today,
                  lambda ids: compute(ids, _start(current), None), TTL)
    return {pk: {**past[pk], **now[pk]} for pk in community_ids}


def _between(queryset, field: str, since, until):
    queryset = queryset.filter(**{f"{field}__gte": since})
    return queryset if until is None else queryset.filter(**{f"{field}__lt": until})


def sla_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": [done orders judged, of them on time]} by the month the order
    was reported (the indexed date). An order is judged once done with its deadlines
    (``sla.judged_q``), on time when it met them (``sla.met_q``, the badge's MET)."""

    def compute(ids, since, until):
        rows = (_between(WorkOrder.objects.filter(community_id__in=ids), "reported_at", since,
                         until)
                .filter(judged_q()).order_by().annotate(month=_month("reported_at"))
                .values("community_id", "month")
                .annotate(judged=Count("pk"), on_time=Count("pk", filter=met_q())))
        result: dict[int, dict] = {}
        for row in rows:
            result.setdefault(row["community_id"], {})[row["month"].strftime("%Y-%m")] = [
                row["judged"], row["on_time"]]
        return result

    return _by_month("sla", community_ids, today, compute)


def complaint_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": the counts ``complaints.figures`` makes its rates of} by the
    month of receipt."""

    def compute(ids, since, until):
        result: dict[int, dict] = {}
        queryset = _between(Complaint.objects.filter(community_id__in=ids), "received_at",
                            since, until)
        for row in monthly_figures(queryset):
            result.setdefault(row["community_id"], {})[row["month"].strftime("%Y-%m")] = (
                row["counts"])
        return result

    return _by_month("complaints", community_ids, today, compute)


def complaint_type_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": {subject code: complaints received}} (withdrawn ones count,
    as in the figures' top subjects)."""

    def compute(ids, since, until):
        result: dict[int, dict] = {}
        rows = (_between(Complaint.objects.filter(community_id__in=ids), "received_at", since,
                         until)
                .order_by().annotate(month=_month("received_at"))
                .values("community_id", "month", "category").annotate(n=Count("pk")))
        for row in rows:
            months = result.setdefault(row["community_id"], {})
            months.setdefault(row["month"].strftime("%Y-%m"), {})[row["category"]] = row["n"]
        return result

    return _by_month("complaint_types", community_ids, today, compute)


def repair_score_series(community_ids: list[int], today: datetime.date) -> dict[int, list]:
    """Per community: [follow-up scores, their sum] of the orders reported in ``today``'s
    month (``workorders.figures``' satisfaction), kept for ``TTL``."""
    first = today.replace(day=1)

    def compute(ids):
        orders = WorkOrder.objects.filter(community_id__in=ids, reported_at__gte=_start(first))
        rows = (follow_up_scores(orders).order_by().values("community_id")
                .annotate(scores=Count("pk"), score_sum=Sum("satisfaction")))
        return {row["community_id"]: [row["scores"], row["score_sum"]]
                for row in rows}

    found = _cached("repair_scores", community_ids, today, compute, TTL)
    return {pk: value or [0, 0] for pk, value in found.items()}


def household_series(community_ids: list[int], today: datetime.date) -> dict[int, int]:
    """Per community: its households (units), counted once a day."""

    def compute(ids):
        rows = (Unit.objects.filter(building__community_id__in=ids).order_by()
                .values("building__community_id").annotate(n=Count("pk")))
        return {row["building__community_id"]: row["n"] for row in rows}

    found = _cached("households", community_ids, today, compute, DAY_TTL)
    return {pk: value or 0 for pk, value in found.items()}


def summed(values):
    """Values of several communities (or months) added up: numbers as numbers, lists element
    by element, dicts key by key (a key missing from one counts as nothing there)."""
    values = list(values)
    if not values:
        return {}
    if isinstance(values[0], dict):
        keys = {key for value in values for key in value}
        return {key: summed([value[key] for value in values if key in value]) for key in keys}
    if isinstance(values[0], list):
        return [sum(column) for column in zip(*values, strict=True)]
    return sum(values)


def refresh(today: datetime.date | None = None) -> dict[str, int]:
    """The scheduler's run: every active community's figures computed into the cache ahead of
    the visits, the current month's again (kept for ``TTL``, this runs more often), the past
    months' and the households' once a day (the day is in their key). A grouped query per
    kind of figure, whatever the number of communities."""
    global _fresh
    from ..registry.models import Community

    today = today or timezone.localdate()
    ids = list(Community.objects.filter(is_active=True).order_by("pk")
               .values_list("pk", flat=True))
    _fresh = True
    try:
        for read in (sla_series, complaint_series, complaint_type_series, repair_score_series,
                     household_series):
            read(ids, today)
    finally:
        _fresh = False
    return {"communities": len(ids)}
