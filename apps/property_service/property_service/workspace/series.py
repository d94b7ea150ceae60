"""Twelve months of figures for the home page's charts, per community, kept in the cache
(``core.kept``).

A year of figures over a million work orders would be a pass over a third of a million rows on
every visit to the home page. Each community's months are computed once and kept (the months
that still move for ``TTL`` seconds, earlier ones for the day, and a month forgotten as soon as
a row of it is written); each is one grouped query over the communities missing from the
cache, read by the community and date index. Only counts are kept (no labels), so one entry
serves every language; the rates are computed from them when shown.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..complaints import figures as complaint_figures
from ..core import kept
from ..core import since as since_last
from ..registry.models import Unit
from ..workorders import figures as work_order_figures
from ..workorders.figures import follow_up_scores
from ..workorders.models import WorkOrder
from ..workorders.sla import judged_q, met_q

MONTHS = 12
REPAIR_SCORES = "repair_scores"
# The mark of the refresh's last run (``core.since``).
REFRESH_RUN = "workspace:figures:last-run"
# Kept per community and month (``core.kept``); the households, which move slowly, for the day.
TTL = kept.TTL
DAY_TTL = kept.DAY_TTL


def months_ending(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    firsts = []
    year, month = today.year, today.month
    for _step in range(count):
        firsts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _month(field: str):
    return TruncMonth(field, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def _cached(key: str, community_ids: list[int], today: datetime.date, compute, ttl: int
            ) -> dict:
    """{community id: its value}, from the cache or, for the communities missing there, from
    ``compute(ids)`` (one query), which is then kept for ``ttl`` seconds."""
    keys = {pk: f"workspace:{key}:{pk}:{today.isoformat()}" for pk in community_ids}
    found = kept.read(list(keys.values()))
    values = {pk: found[k] for pk, k in keys.items() if k in found}
    missing = [pk for pk in community_ids if pk not in values]
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, {}) for pk in missing}
        kept.keep({keys[pk]: value for pk, value in fresh.items()}, ttl)
        values.update(fresh)
    return values


def _by_month(kind: str, community_ids: list[int], today: datetime.date, compute
              ) -> dict[int, dict]:
    """Per community: {"YYYY-MM": value} over the twelve months up to ``today``'s, kept by
    community and month (``core.kept``); ``compute(ids, since, until)`` gives {community id:
    {month's first day: value}}."""
    return _as_keys(kept.by_month(kind, community_ids, months_ending(today), compute,
                                  today=today))


def sla_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": [done orders judged, of them on time]} by the month the order
    was reported (the indexed date). An order is judged once done with its deadlines
    (``sla.judged_q``), on time when it met them (``sla.met_q``, the badge's MET)."""

    def compute(ids, since, until):
        rows = (WorkOrder.objects.filter(community_id__in=ids, reported_at__gte=since,
                                         reported_at__lt=until)
                .filter(judged_q()).order_by().annotate(month=_month("reported_at"))
                .values("community_id", "month")
                .annotate(judged=Count("pk"), on_time=Count("pk", filter=met_q())))
        result: dict[int, dict] = {}
        for row in rows:
            result.setdefault(row["community_id"], {})[row["month"]] = [
                row["judged"], row["on_time"]]
        return result

    return _by_month("sla", community_ids, today, compute)


def _as_keys(found: dict[int, dict]) -> dict[int, dict]:
    return {pk: {month.strftime("%Y-%m"): value for month, value in months.items()}
            for pk, months in found.items()}


def complaint_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": the counts ``complaints.figures`` makes its rates of} by the
    month of receipt (kept by the figures)."""
    return _as_keys(complaint_figures.kept_counts(community_ids, months_ending(today), today))


def complaint_type_series(community_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per community: {"YYYY-MM": {subject code: complaints received}} (withdrawn ones count,
    as in the figures' top subjects)."""
    return _as_keys(complaint_figures.kept_subjects(community_ids, months_ending(today),
                                                    today))


def repair_score_series(community_ids: list[int], today: datetime.date) -> dict[int, list]:
    """Per community: [follow-up scores, their sum] of the orders reported in ``today``'s
    month (``workorders.figures``' satisfaction), kept by community and month."""

    def compute(ids, since, until):
        orders = WorkOrder.objects.filter(community_id__in=ids, reported_at__gte=since,
                                          reported_at__lt=until)
        rows = (follow_up_scores(orders).order_by()
                .annotate(month=_month("work_order__reported_at"))
                .values("community_id", "month")
                .annotate(scores=Count("pk"), score_sum=Sum("satisfaction")))
        found: dict[int, dict] = {}
        for row in rows:
            found.setdefault(row["community_id"], {})[row["month"]] = [row["scores"],
                                                                       row["score_sum"]]
        return found

    month = today.replace(day=1)
    found = kept.by_month(REPAIR_SCORES, community_ids, [month], compute, today=today)
    return {pk: months.get(month, [0, 0]) for pk, months in found.items()}


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
    """The scheduler's run: the active communities' figures computed into the cache ahead of
    the visits: the home page's, and the repair figures of this month by community (the
    figures page's default). A grouped query per kind of figure, whatever the number of
    communities.

    The day's first run (or one that finds the day's figures gone from the cache) computes
    every community's; a later run only those of the communities whose figures may have
    changed since the last run began (``communities_due``). The months that still move are
    computed again for those, and kept for the day: this run is what keeps them current as
    deadlines pass. Returns how many communities it computed."""
    from ..registry.models import Community

    today = today or timezone.localdate()
    ids = list(Community.objects.filter(is_active=True).order_by("pk")
               .values_list("pk", flat=True))
    done_today = refreshed_key(today)
    with since_last.last_run(REFRESH_RUN, depends_on=today.isoformat()) as since:
        if since is not None and kept.read([done_today]):
            due = communities_due(since)
            ids = [pk for pk in ids if pk in due]
        if ids:
            with kept.recomputing():
                for read in (sla_series, complaint_series, complaint_type_series,
                             repair_score_series, household_series):
                    read(ids, today)
                work_order_figures.kept_rows(ids, today.replace(day=1), today=today)
        kept.keep({done_today: True}, DAY_TTL)
    return {"communities": len(ids)}


def refreshed_key(today: datetime.date) -> str:
    """Kept with the day's figures once a run has computed them all: gone with them (a cache
    emptied or restarted), the next run computes them all again."""
    return f"workspace:refreshed:{today.isoformat()}"


def communities_due(since: datetime.datetime) -> set[int]:
    """The communities whose figures may have changed since ``since``: where a work order, a
    follow-up call or a complaint was written or deleted (its history: ``core.since``), and
    where a deadline of an order, of its follow-up call or of a complaint passed unmet (the
    breach step the chasing jobs take at it: the only change time alone makes). A write with
    no history (a raw SQL update) is seen by the next day's first run."""
    from django.contrib.contenttypes.models import ContentType

    from ..complaints.models import Complaint
    from ..core.models import EscalationStep
    from ..workorders.models import FollowUp

    due: set[int] = set()
    for model in (WorkOrder, FollowUp, Complaint):
        due |= since_last.written_since(model, since, "community_id")
    breached: dict[int, set[int]] = {}
    for type_id, target_id in (EscalationStep.objects
                               .filter(step=EscalationStep.Step.BREACH, created_at__gte=since)
                               .values_list("target_type_id", "target_id")):
        breached.setdefault(type_id, set()).add(target_id)
    for type_id, targets in breached.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model in (WorkOrder, Complaint):
            due.update(model.objects.filter(pk__in=targets)
                       .values_list("community_id", flat=True))
    return due


def forget_on_write() -> None:
    """Each kind of kept figure forgotten, for its community and month, when a row it is made
    of is saved or deleted (``core.kept``)."""
    from ..complaints.models import Complaint, ComplaintRound
    from ..workorders.models import FollowUp

    repairs = work_order_figures.KEPT_KINDS
    kept.connect(WorkOrder, ("sla", REPAIR_SCORES, *repairs),
                 lambda order: (order.community_id, order.reported_at))
    kept.connect(FollowUp, (REPAIR_SCORES, *repairs),
                 lambda call: (call.community_id, call.work_order.reported_at))
    kept.connect(Complaint, complaint_figures.KEPT_KINDS,
                 lambda complaint: (complaint.community_id, complaint.received_at))
    kept.connect(ComplaintRound, (complaint_figures.COUNTS_KIND,),
                 lambda round_: (round_.complaint.community_id, round_.complaint.received_at))
