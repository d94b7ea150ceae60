"""Monthly repair figures (维修统计) per community, and within it per team or per technician,
each set against the company's target where it has one (fixtures/service_targets.toml).

Every figure is computed by the database from whatever queryset it is given (already limited by
``access.scoping.scope``), grouped, in three queries whatever the number of orders. An order
belongs to the month, in local time, in which it was reported; the pages and the API read one
month at a time, a range on the ``reported_at`` index.

Definitions (cancelled orders count as received and nowhere else, except as noted):

- ``on_time_response_rate`` / ``on_time_completion_rate``: of the orders not cancelled, the
  percent whose response (first dispatch) / completion deadline is on time as
  ``sla.on_time`` says: met by its due time, or not met yet but not due yet (or its clock
  paused). A rework's completion is judged against the rework's own clock.
- ``median_dispatch_minutes`` / ``mean_dispatch_minutes``: minutes from the report to the first
  dispatch (``responded_at``), of the orders dispatched (those cancelled since too: their
  dispatch took that time).
- ``dispatch_in_standard_rate``: of the orders dispatched whose priority has a dispatch
  standard (minutes from intake per priority, ``core.targets.dispatch_standards``), the
  percent dispatched within it.
- ``rework_rate``: of the orders completed at least once (cancelled since or not), the percent
  sent back to rework (failed acceptance or unhappy follow-up) at least once.
- ``follow_up_in_time_rate``: of the follow-up calls (回访) of the orders, the percent made
  (answered, or given up as unreachable after the last call) by the time they were overdue
  (``overdue_at``: the SLA standard's hours after completion), or not overdue yet.
- ``mean_satisfaction``: the mean of every follow-up score (1-5, every call of every round)
  times 20, out of 100.

A rate whose denominator is zero is ``None``; figures are rounded to one decimal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber, TruncMonth
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope, whole_communities
from ..core import kept
from ..core.months import in_month, latest_month, month_param, months_holding, this_month
from ..core.params import choice_param, id_param
from ..core.replica import replica_view
from ..core.spreadsheets import xlsx_response
from ..core.targets import dispatch_standards, work_order_targets
from ..registry.models import Community
from . import sla
from .models import FollowUp, Priority, Team, WorkOrder
from .states import State


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    target: int | None
    # Whether a higher value is better (the target is a floor) or a lower one (a ceiling).
    higher_is_better: bool = True

    def met(self, value) -> bool | None:
        if self.target is None or value is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


# Which figures there are, the key of their target in the data, and which way is better.
_FIGURES = (
    ("on_time_response_rate", _("Responded on time (%)"), "on_time_response_rate", True),
    ("on_time_completion_rate", _("Completed on time (%)"), "on_time_completion_rate", True),
    ("median_dispatch_minutes", _("Median dispatch time (min)"), "median_dispatch_minutes",
     False),
    ("mean_dispatch_minutes", _("Average dispatch time (min)"), "mean_dispatch_minutes", False),
    ("dispatch_in_standard_rate", _("Dispatched within the standard (%)"),
     "dispatch_in_standard_rate", True),
    ("rework_rate", _("Rework (%)"), "rework_rate", False),
    ("follow_up_in_time_rate", _("Follow-up call in time (%)"), "follow_up_in_time_rate", True),
    ("mean_satisfaction", _("Satisfaction (out of 100)"), "satisfaction", True),
)


FIGURE_KEYS = tuple(key for key, *_rest in _FIGURES)


def figures() -> tuple[Figure, ...]:
    """The figures with their targets as the data gives them now (``None``: no target)."""
    targets = work_order_targets()
    return tuple(Figure(key, label, targets.get(target), better)
                 for key, label, target, better in _FIGURES)


def figure(key: str) -> Figure:
    """One figure with its target as the data gives it now."""
    return next(f for f in figures() if f.key == key)


# How the rows are grouped: the order's fields that join the community and the month.
GROUPS = {
    "community": (_("Community"), ()),
    "team": (_("Team"), ("team_id", "team__name")),
    "technician": (_("Technician"), ("assignee_id", "assignee__username",
                                     "assignee__first_name", "assignee__last_name")),
}
DEFAULT_GROUP = "community"
# Follow-up scores run from 1 to 5; the figures give them out of 100.
POINTS_PER_SCORE = 100 // 5


def _month(prefix: str = ""):
    return TruncMonth(f"{prefix}reported_at", output_field=DateField(),
                      tzinfo=timezone.get_current_timezone())


def _keys(group: str, prefix: str = "") -> list[str]:
    return [f"{prefix}community_id", f"{prefix}community__name",
            *(prefix + name for name in GROUPS[group][1])]


def _ids(group: str, prefix: str = "") -> list[str]:
    """The ids that tell the groups apart (the month apart)."""
    return [prefix + name for name in _keys(group) if name.endswith("_id")]


def _key(row: dict, group: str, prefix: str = "") -> tuple:
    return (*(row[name] for name in _ids(group, prefix)), row["month"])


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _minutes(duration) -> float | None:
    if duration is None:
        return None
    if not isinstance(duration, datetime.timedelta):  # microseconds, on some backends
        duration = datetime.timedelta(microseconds=duration)
    return round(duration.total_seconds() / 60, 1)


_COUNTED = ~Q(state=State.CANCELLED)
_DISPATCHED = Q(responded_at__isnull=False)
_DISPATCH_TIME = ExpressionWrapper(F("responded_at") - F("reported_at"),
                                   output_field=DurationField())
_COMPLETED_ONCE = Q(first_completed_at__isnull=False)


def _order_counts(queryset: QuerySet, group: str, now) -> list[dict]:
    standards = dispatch_standards()
    return list(
        queryset.order_by()  # an ordering would otherwise join the GROUP BY
        .annotate(month=_month())
        .values(*_keys(group), "month")
        .annotate(
            received=Count("pk"),
            counted=Count("pk", filter=_COUNTED),
            responded_on_time=Count("pk", filter=_COUNTED & sla.on_time_q(sla.RESPONSE, now)),
            completed_on_time=Count("pk", filter=_COUNTED & sla.on_time_q(sla.COMPLETION,
                                                                          now)),
            dispatched=Count("pk", filter=_DISPATCHED),
            mean_dispatch=Avg(_DISPATCH_TIME, filter=_DISPATCHED),
            with_standard=Count("pk", filter=sla.has_dispatch_standard_q(standards)),
            in_standard=Count("pk", filter=sla.dispatched_in_time_q(standards)),
            completed_once=Count("pk", filter=_COMPLETED_ONCE),
            reworked=Count("pk", filter=_COMPLETED_ONCE & Q(rework_started_at__isnull=False)),
        )
    )


def _follow_up_counts(queryset: QuerySet, group: str, now) -> dict[tuple, dict]:
    rows = (
        FollowUp.objects.filter(work_order__in=queryset.order_by().values("pk"))
        .order_by()
        .annotate(month=_month("work_order__"))
        .values(*_keys(group, "work_order__"), "month")
        .annotate(calls=Count("pk"), in_time=Count("pk", filter=sla.follow_up_in_time_q(now)),
                  scores=Count("satisfaction"), score_sum=Sum("satisfaction"))
    )
    return {_key(row, group, "work_order__"): row for row in rows}


def satisfaction_of(scores: int, score_sum: int) -> float | None:
    """``mean_satisfaction`` of ``scores`` follow-up scores adding up to ``score_sum``."""
    return round(score_sum * POINTS_PER_SCORE / scores, 1) if scores else None


def follow_up_scores(queryset: QuerySet) -> QuerySet:
    """The follow-up calls of the orders of ``queryset`` that have a score."""
    return FollowUp.objects.filter(work_order__in=queryset.order_by().values("pk"),
                                   satisfaction__isnull=False)


def _dispatch_medians(queryset: QuerySet, group: str) -> dict[tuple, float]:
    """The median dispatch time of each group, in minutes: the orders of each group ranked by
    their dispatch time in the database, and only the middle one or two read back."""
    partition = [*map(F, _ids(group)), _month()]
    ranked = (
        queryset.order_by().filter(_DISPATCHED)
        .annotate(month=_month(), took=_DISPATCH_TIME,
                  rank2=Window(RowNumber(), partition_by=partition,
                               order_by=_DISPATCH_TIME.copy()) * 2,
                  size=Window(Count("pk"), partition_by=partition))
        # The middle one (an odd count) or two (an even one): 2 * rank in [size, size + 2].
        .filter(rank2__gte=F("size"), rank2__lte=F("size") + 2)
        .values(*_ids(group), "month", "took")
    )
    middles: dict[tuple, list] = {}
    for row in ranked:
        middles.setdefault(_key(row, group), []).append(_minutes(row["took"]))
    return {key: round(sum(found) / len(found), 1) for key, found in middles.items()}


def _technician_label(row: dict, prefix: str = "") -> str | None:
    if row.get(f"{prefix}assignee_id") is None:
        return None
    name = " ".join(filter(None, (row[f"{prefix}assignee__first_name"],
                                  row[f"{prefix}assignee__last_name"])))
    return name or row[f"{prefix}assignee__username"]


def monthly_figures(queryset: QuerySet, *, group: str = DEFAULT_GROUP, now=None) -> list[dict]:
    """One row per community, month and (``group``) team or technician, ordered by community
    name, month, then team or technician (the orders without one last).

    Runs three queries whatever the number of orders: the orders' counts, the follow-up
    calls', and the middle dispatch times."""
    now = now or timezone.now()
    follow_ups = _follow_up_counts(queryset, group, now)
    medians = _dispatch_medians(queryset, group)
    rows = []
    for row in _order_counts(queryset, group, now):
        key = _key(row, group)
        calls = follow_ups.get(key, {})
        figure = {
            "community_id": row["community_id"],
            "community": row["community__name"],
            "month": row["month"],
            "team_id": row.get("team_id"),
            "team": row.get("team__name"),
            "technician_id": row.get("assignee_id"),
            "technician": _technician_label(row),
            "received": row["received"],
            "on_time_response_rate": _percent(row["responded_on_time"], row["counted"]),
            "on_time_completion_rate": _percent(row["completed_on_time"], row["counted"]),
            "median_dispatch_minutes": medians.get(key),
            "mean_dispatch_minutes": _minutes(row["mean_dispatch"]),
            "dispatch_in_standard_rate": _percent(row["in_standard"], row["with_standard"]),
            "rework_rate": _percent(row["reworked"], row["completed_once"]),
            "follow_up_in_time_rate": _percent(calls.get("in_time", 0), calls.get("calls", 0)),
            "mean_satisfaction": satisfaction_of(calls.get("scores", 0),
                                                 calls.get("score_sum", 0)),
        }
        rows.append(figure)
    return _ordered(rows, group)


def _ordered(rows: list[dict], group: str) -> list[dict]:
    detail = {"team": "team", "technician": "technician"}.get(group)
    return sorted(rows, key=lambda r: (r["community"], r["community_id"], r["month"],
                                       detail is not None and r[detail] is None,
                                       (r[detail] or "") if detail else ""))


# What is kept by community and month (``core.kept``): each grouping's rows.
def kept_kind(group: str) -> str:
    return f"repairs:{group}"


KEPT_KINDS = tuple(map(kept_kind, GROUPS))


def kept_rows(community_ids: list[int], month: datetime.date, group: str = DEFAULT_GROUP,
              today: datetime.date | None = None) -> list[dict]:
    """The rows ``monthly_figures`` gives for every order of the communities reported in
    ``month``, from what is kept by community and month."""

    def compute(ids, since, until):
        orders = WorkOrder.objects.filter(community_id__in=ids, reported_at__gte=since,
                                          reported_at__lt=until)
        found: dict[int, dict] = {}
        for row in monthly_figures(orders, group=group):
            found.setdefault(row["community_id"], {}).setdefault(row["month"], []).append(row)
        return found

    found = kept.by_month(kept_kind(group), community_ids, [month], compute, today=today)
    return _ordered([row for pk in community_ids for row in found[pk].get(month, ())], group)


def with_targets(rows: list[dict], shown: tuple[Figure, ...]) -> list[dict]:
    for row in rows:
        row["figures"] = [{"key": f.key, "value": row[f.key], "target": f.target,
                           "met": f.met(row[f.key])} for f in shown]
    return rows


@dataclass(frozen=True)
class Selection:
    """What a figures page or API call asked for, its bad values refused (``BadParameter``)."""

    month: datetime.date | None
    community_id: int | None
    team_id: int | None
    group: str


def select(query, visible: QuerySet) -> Selection:
    """The month, community, team and grouping asked for in ``query``; the month by default
    is the latest holding orders of that community and team."""
    month = month_param(query)
    group = choice_param(query, "group", GROUPS) or DEFAULT_GROUP
    community_id, team_id = id_param(query, "community"), id_param(query, "team")
    if month is None:
        chosen = selected_orders(visible, Selection(None, community_id, team_id, group))
        month = latest_month(chosen, "reported_at") or this_month()
    return Selection(month, community_id, team_id, group)


def selected_orders(visible: QuerySet, selection: Selection) -> QuerySet:
    """The orders of the selection's month (every month without one), community and team."""
    queryset = visible if selection.month is None else in_month(visible, "reported_at",
                                                                 selection.month)
    if selection.community_id is not None:
        queryset = queryset.filter(community_id=selection.community_id)
    if selection.team_id is not None:
        queryset = queryset.filter(team_id=selection.team_id)
    return queryset


def figure_rows(visible: QuerySet, user, selection: Selection) -> list[dict]:
    """The figures' rows of the selection among the orders of ``visible`` (what ``scope``
    gives ``user``): as kept by community and month when the user sees whole communities and
    no team is chosen, else counted now."""
    communities = whole_communities(WorkOrder, user)
    if communities is None or selection.team_id is not None or selection.month is None:
        return monthly_figures(selected_orders(visible, selection), group=selection.group)
    if selection.community_id is not None:
        communities = communities.filter(pk=selection.community_id)
    return kept_rows(list(communities.values_list("pk", flat=True)), selection.month,
                     selection.group)


def dispatch_standard_note() -> list[str]:
    """The dispatch standard as the data gives it, one "<priority>: <n> min" per priority."""
    labels = dict(Priority.choices)
    return [str(format_lazy(_("{priority}: {minutes} min"), priority=labels.get(p, p),
                            minutes=m)) for p, m in dispatch_standards().items()]


@replica_view
def figures_view(request, model_admin):
    """The repair figures page (or, with ``?format=xlsx``, the same table as a workbook) of the
    orders ``model_admin.get_queryset`` lets the user see: one month (the latest holding orders
    by default), optionally of one community or team, grouped by community, team or
    technician."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    visible = model_admin.get_queryset(request)
    selection = select(request.GET, visible)
    shown = figures()
    rows = with_targets(figure_rows(visible, request.user, selection), shown)
    if request.GET.get("format") == "xlsx":
        return _xlsx_response(rows, shown, selection)
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    months = months_holding(visible, "reported_at")
    if selection.month not in months:
        months = sorted([*months, selection.month], reverse=True)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Repair figures"),
        "rows": rows,
        "figures": shown,
        "communities": scope(Community.objects.order_by("name"), request.user),
        "teams": scope(Team.objects.order_by("name"), request.user),
        "months": months,
        "groups": [(name, label) for name, (label, _fields) in GROUPS.items()],
        "selected": selection,
        "group_label": GROUPS[selection.group][0],
        "dispatch_standard": dispatch_standard_note(),
        "export_query": export_query.urlencode(),
    }
    return TemplateResponse(request, "property_service/work_order_figures.html", context)


def _column_title(figure: Figure) -> str:
    if figure.target is None:
        return str(figure.label)
    return str(format_lazy(_("{label}, target {target}"), label=figure.label,
                           target=figure.target))


def _group_cell(row: dict, group: str):
    if group == "community":
        return []
    value = row["team" if group == "team" else "technician"]
    return [value if value is not None else str(_("(none)"))]


def _xlsx_response(rows: list[dict], shown: tuple[Figure, ...],
                   selection: Selection) -> HttpResponse:
    group_header = [] if selection.group == "community" else [GROUPS[selection.group][0]]
    return xlsx_response(
        title=_("Repair figures"),
        filename=f"repair-figures-{selection.month:%Y-%m}.xlsx",
        header=[_("Community"), _("Month"), *group_header, _("Received"),
                *map(_column_title, shown)],
        rows=([row["community"], row["month"].strftime("%Y-%m"),
               *_group_cell(row, selection.group), row["received"]]
              + [row[f.key] for f in shown] for row in rows))
