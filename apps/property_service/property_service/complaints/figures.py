"""Monthly complaint figures per community (投诉月报), each set against the company's target.

Every figure is computed by the database from whatever queryset it is given; the back-office
view passes the admin's queryset, which ``access.scoping.scope`` has already limited to the
user's communities.

Definitions (a complaint belongs to the month, in local time, in which it was received):

- ``on_time_rate``: of the complaints not withdrawn, the percent that missed no deadline in
  any round: each deadline with a due date was done no later than due, or is not due yet (in
  an earlier round: was not yet due when the round ended), as ``deadlines.on_time`` says.
- ``resolution_rate``: of the complaints not withdrawn, the percent resolved (``resolved_at``
  set, which covers resolved and follow-up) or closed; a reopened complaint being handled
  again is not resolved.
- ``reopen_rate``: of those resolved at least once (now, or in an earlier round), the percent
  reopened at least once.
- ``mean_satisfaction``: the mean of every follow-up score (1-5; each round's) times 20, out
  of 100.

A rate whose denominator is zero is ``None``; figures are rounded to one decimal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.lookups import Exact
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope, whole_communities
from ..core import kept
from ..core.lists import ProbedDates
from ..core.months import month_bounds
from ..core.params import id_param, year_param
from ..core.replica import replica_view
from ..core.spreadsheets import xlsx_response
from ..core.targets import complaint_targets
from ..registry.models import Community
from .deadlines import DEADLINES, EVERY_ROUND, on_time_q
from .models import Category, Complaint, ComplaintRound
from .states import State


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    target: int | None


# Which figures there are, and the target (fixtures/service_targets.toml) each is set against.
_FIGURES = (
    ("on_time_rate", _("On time (%)"), "on_time_rate"),
    ("resolution_rate", _("Resolved (%)"), "resolution_rate"),
    ("reopen_rate", _("Reopened (%)"), None),
    ("mean_satisfaction", _("Satisfaction (out of 100)"), "satisfaction"),
)


FIGURE_KEYS = tuple(key for key, _label, _target in _FIGURES)


def figures() -> tuple[Figure, ...]:
    """The figures with their targets as the data gives them now. A figure meets its target
    when it is at least the target."""
    targets = complaint_targets()
    return tuple(Figure(key, label, None if target is None else targets[target])
                 for key, label, target in _FIGURES)


_COUNTED = ~Q(state=State.WITHDRAWN)
_RESOLVED = _COUNTED & (Q(resolved_at__isnull=False) | Q(state=State.CLOSED))
# Resolved in this round or in an earlier one (a reopened complaint was resolved before).
_EVER_RESOLVED = _RESOLVED | (_COUNTED & Q(reopen_count__gt=0))


# ``satisfaction`` is the latest score: until a reopened complaint's new round is followed up,
# it is the earlier round's, counted with that round.
_SCORED_THIS_ROUND = Q(reopen_count=0) | Q(followed_up_at__isnull=False)


def _no_deadline_missed(now) -> Q:
    """Every deadline of every round met on time, or not yet due (in the round under way) or
    no longer due (in an earlier round): a complaint still within its times is not late."""
    condition = Q()
    for d in DEADLINES:
        condition &= on_time_q(d, now)
    round_missed = Q()
    for d in EVERY_ROUND:
        round_missed |= ~on_time_q(d, F("ended_at"))
    # Only a reopened complaint has earlier rounds: the others are not looked up (CASE reads
    # its branches in order, so the subquery runs for reopened complaints alone).
    earlier_missed = Case(When(_REOPENED, then=Exists(ComplaintRound.objects.filter(
        round_missed, complaint=OuterRef("pk")))), default=Value(False),
        output_field=BooleanField())
    return condition & Q(Exact(earlier_missed, False))


_REOPENED = Q(reopen_count__gt=0)


def _earlier_scores(aggregate):
    """``aggregate`` (Sum or Count) of the follow-up scores of the complaint's earlier rounds,
    0 if none (looked up for reopened complaints only: no other has earlier rounds)."""
    scores = (ComplaintRound.objects.filter(complaint=OuterRef("pk"), satisfaction__isnull=False)
              .order_by().values("complaint").annotate(value=aggregate("satisfaction"))
              .values("value"))
    return Case(When(_REOPENED, then=Coalesce(Subquery(scores, output_field=IntegerField()), 0)),
                default=Value(0), output_field=IntegerField())


def _month():
    return TruncMonth("received_at", output_field=DateField(),
                      tzinfo=timezone.get_current_timezone())


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def monthly_figures(queryset: QuerySet, now=None) -> list[dict]:
    """One row per (community, local month of receipt), ordered by community name then month.

    Runs exactly one query whatever the number of complaints.
    """
    now = now or timezone.now()
    rows = (
        queryset.order_by()  # an ordering would otherwise join the GROUP BY
        .annotate(month=_month())
        .values("community_id", "month", community_name=F("community__name"))
        .annotate(
            received=Count("pk"),
            counted=Count("pk", filter=_COUNTED),
            on_time=Count("pk", filter=_COUNTED & _no_deadline_missed(now)),
            resolved=Count("pk", filter=_RESOLVED),
            ever_resolved=Count("pk", filter=_EVER_RESOLVED),
            reopened=Count("pk", filter=_COUNTED & Q(reopen_count__gt=0)),
            # Every follow-up score counts: this round's and each earlier round's.
            score_sum=(Coalesce(Sum("satisfaction", filter=_SCORED_THIS_ROUND), 0)
                       + Sum(_earlier_scores(Sum))),
            scores=(Count("satisfaction", filter=_SCORED_THIS_ROUND)
                    + Sum(_earlier_scores(Count))),
        )
        .order_by("community_name", "community_id", "month")
    )
    return [{
        "community_id": row["community_id"],
        "community": row["community_name"],
        "month": row["month"],
        "received": row["received"],
        **_rates(row),
        # What the rates are made of, so that rows can be taken together (``combined``).
        "counts": {key: row[key] for key in COUNTS},
    } for row in rows]


# The counts each row's rates are computed from.
COUNTS = ("counted", "on_time", "resolved", "ever_resolved", "reopened", "score_sum", "scores")


def _rates(counts: dict) -> dict:
    return {
        "on_time_rate": _percent(counts["on_time"], counts["counted"]),
        "resolution_rate": _percent(counts["resolved"], counts["counted"]),
        "reopen_rate": _percent(counts["reopened"], counts["ever_resolved"]),
        "mean_satisfaction": (round(counts["score_sum"] * 20 / counts["scores"], 1)
                              if counts["scores"] else None),
    }


def combined(counts: list[dict]) -> dict:
    """The figures of several rows (communities, months) taken together, from their
    ``counts``: each rate over the summed counts, as one row over all of them would give."""
    return _rates({key: sum(c[key] for c in counts) for key in COUNTS})


def top_categories(queryset: QuerySet, limit: int = 3
                   ) -> dict[tuple[int, datetime.date], list[tuple[str, int]]]:
    """The ``limit`` most frequent subjects per (community id, month), most frequent first
    (ties by subject code), as (label, count). Withdrawn complaints count. One query."""
    counts = (
        queryset.order_by()
        .annotate(month=_month())
        .values("community_id", "month", "category")
        .annotate(n=Count("pk"))
        .order_by("community_id", "month", "-n", "category")
    )
    labels = dict(Category.choices)
    top: dict[tuple[int, datetime.date], list[tuple[str, int]]] = {}
    for row in counts:
        found = top.setdefault((row["community_id"], row["month"]), [])
        if len(found) < limit:
            found.append((str(labels.get(row["category"], row["category"])), row["n"]))
    return top


# What is kept by community and month (``core.kept``): the counts the rates are made of, and
# the complaints received per subject (which give the month's received and its top subjects).
COUNTS_KIND, SUBJECTS_KIND = "complaints", "complaint_types"
KEPT_KINDS = (COUNTS_KIND, SUBJECTS_KIND)


def _between(ids, since, until) -> QuerySet:
    return Complaint.objects.filter(community_id__in=ids, received_at__gte=since,
                                    received_at__lt=until)


def _counts_by_month(ids, since, until) -> dict[int, dict]:
    found: dict[int, dict] = {}
    for row in monthly_figures(_between(ids, since, until)):
        found.setdefault(row["community_id"], {})[row["month"]] = row["counts"]
    return found


def _subjects_by_month(ids, since, until) -> dict[int, dict]:
    rows = (_between(ids, since, until).order_by().annotate(month=_month())
            .values("community_id", "month", "category").annotate(n=Count("pk")))
    found: dict[int, dict] = {}
    for row in rows:
        months = found.setdefault(row["community_id"], {})
        months.setdefault(row["month"], {})[row["category"]] = row["n"]
    return found


def kept_counts(community_ids, months, today=None) -> dict[int, dict]:
    """Per community: {month: the counts its rates are made of} (``COUNTS``), kept."""
    return kept.by_month(COUNTS_KIND, community_ids, months, _counts_by_month, today=today)


def kept_subjects(community_ids, months, today=None) -> dict[int, dict]:
    """Per community: {month: {subject code: complaints received}} (withdrawn ones count),
    kept."""
    return kept.by_month(SUBJECTS_KIND, community_ids, months, _subjects_by_month, today=today)


def _top(subjects: dict[str, int], labels: dict[str, str], limit: int = 3
         ) -> list[tuple[str, int]]:
    ordered = sorted(subjects.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(labels.get(code, code), n) for code, n in ordered]


def kept_rows(communities: QuerySet, months) -> list[dict]:
    """The rows ``monthly_figures`` and ``top_categories`` give for every complaint of
    ``communities`` received in ``months``, from what is kept by community and month."""
    names = dict(communities.order_by().values_list("pk", "name"))
    counts = kept_counts(names, months)
    subjects = kept_subjects(names, months)
    labels = {code: str(label) for code, label in Category.choices}
    rows = []
    for pk, name in sorted(names.items(), key=lambda item: (item[1], item[0])):
        for month, received in sorted(subjects[pk].items()):
            # Kept at another moment than the subjects, they may lack a month just begun.
            row_counts = counts[pk].get(month) or dict.fromkeys(COUNTS, 0)
            rows.append({"community_id": pk, "community": name, "month": month,
                         "received": sum(received.values()), **_rates(row_counts),
                         "counts": row_counts, "top_categories": _top(received, labels)})
    return rows


def meets_target(value, target) -> bool | None:
    if target is None or value is None:
        return None
    return value >= target


# The year choice that shows every year's figures.
ALL_YEARS = "all"


def figure_rows(visible: QuerySet, user, months: list[datetime.date],
                community_id: int | None = None) -> list[dict]:
    """The figures' rows (with their top subjects) of the complaints of ``visible`` (what
    ``scope`` gives ``user``) received in ``months``, optionally of one community: as kept by
    community and month when the user sees whole communities, else counted now."""
    communities = whole_communities(Complaint, user)
    if communities is not None:
        if community_id is not None:
            communities = communities.filter(pk=community_id)
        return kept_rows(communities, months)
    if not months:
        return []
    queryset = visible.filter(received_at__gte=month_bounds(min(months))[0],
                              received_at__lt=month_bounds(max(months))[1])
    if community_id is not None:
        queryset = queryset.filter(community_id=community_id)
    rows = monthly_figures(queryset)
    top = top_categories(queryset)
    for row in rows:
        row["top_categories"] = top.get((row["community_id"], row["month"]), [])
    return rows


def _months_of(years: list[int]) -> list[datetime.date]:
    """The months of the years from the first of ``years`` to the last."""
    if not years:
        return []
    return kept.months_between(datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 1))


@replica_view
def figures_view(request, model_admin):
    """The figures page (or, with ``?format=xlsx``, the same table as a workbook) for the
    complaints ``model_admin.get_queryset`` lets the user see, optionally of one community,
    of one year (the latest by default) or of every year (``year=all``)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    visible = model_admin.get_queryset(request)
    # Probed on the date index, one year at a time (no pass over every complaint).
    years = sorted((d.year for d in ProbedDates(visible, "received_at").datetimes(
        "received_at", "year")), reverse=True)
    community_id = id_param(request.GET, "community")
    every_year = request.GET.get("year") == ALL_YEARS
    year = None if every_year else year_param(request.GET)
    if year is None and not every_year and years:
        # The latest year by default: the figures of every year are one choice away.
        year = years[0]
    rows = figure_rows(visible, request.user, _months_of(years if year is None else [year]),
                       community_id)
    shown = figures()
    for row in rows:
        row["figures"] = [{"key": f.key, "value": row[f.key], "target": f.target,
                           "met": meets_target(row[f.key], f.target)} for f in shown]
    if request.GET.get("format") == "xlsx":
        return _xlsx_response(rows, shown)
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Complaint figures"),
        "rows": rows,
        "figures": shown,
        "communities": scope(Community.objects.order_by("name"), request.user),
        "years": years,
        "all_years": ALL_YEARS,
        "selected_community": community_id,
        "selected_year": year,
        "export_query": export_query.urlencode(),
    }
    return TemplateResponse(request, "property_service/complaint_figures.html", context)


def _column_title(figure: Figure) -> str:
    if figure.target is None:
        return str(figure.label)
    return str(format_lazy(_("{label}, target {target}"), label=figure.label,
                           target=figure.target))


def _xlsx_response(rows: list[dict], shown: tuple[Figure, ...]) -> HttpResponse:
    return xlsx_response(
        title=_("Complaint figures"), filename="complaint-figures.xlsx",
        header=[_("Community"), _("Month"), _("Received"), *map(_column_title, shown),
                _("Top subjects")],
        rows=([row["community"], row["month"].strftime("%Y-%m"), row["received"]]
              + [row[f.key] for f in shown]
              + ["; ".join(f"{label} ({n})" for label, n in row["top_categories"])]
              for row in rows))
