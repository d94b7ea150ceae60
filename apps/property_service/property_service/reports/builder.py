"""The monthly management report's content: four sections built from one community's month
(and the month before, to compare), read through the figures modules of the work orders and
the complaints, so that "on time", "resolved" and "satisfaction" mean what they mean on the
figures pages.

``build_report`` returns plain data (the snapshot stored on the report, JSON): codes, numbers
and names of records, nothing translated except the drafted recommendations' parameters;
``sections`` turns a snapshot into the labelled rows the page, the PDF and the workbook show,
in the active language."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..complaints import figures as complaint_figures
from ..complaints.models import Category, Complaint
from ..complaints.states import State as ComplaintState
from ..core.months import in_month
from ..core.replica import reading_replica
from ..workorders import figures as work_order_figures
from ..workorders import sla
from ..workorders.models import WorkOrder
from ..workorders.states import State as WorkOrderState
from . import rules

SNAPSHOT_VERSION = 1
WORK_ORDERS, COMPLAINTS = "work_orders", "complaints"
# The complaint figures all are better higher, except the share reopened.
COMPLAINTS_LOWER_IS_BETTER = ("reopen_rate",)


def previous_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def _one(rows: list[dict]) -> dict:
    return rows[0] if rows else {}


def _counts(queryset: QuerySet, field: str) -> dict:
    return {row[field]: row["n"] for row in
            queryset.order_by().values(field).annotate(n=Count("pk"))}


def _compared(this: dict, last: dict, key: str) -> list[dict]:
    """One row per key of either month, most this month first (then by key)."""
    keys = sorted(set(this) | set(last), key=lambda k: (-this.get(k, 0), -last.get(k, 0),
                                                         str(k)))
    return [{key: k, "this": this.get(k, 0), "last": last.get(k, 0)} for k in keys]


def _late(orders: QuerySet, deadline, now, limit: int) -> dict:
    """The orders (not cancelled) whose ``deadline`` is not on time as the SLA says."""
    late = (orders.exclude(state=WorkOrderState.CANCELLED)
            .exclude(pk__in=orders.filter(sla.on_time_q(deadline, now)).values("pk"))
            .order_by("reported_at", "pk"))
    return {"count": late.count(), "items": list(late.values_list("number", flat=True)[:limit])}


def _problems(orders: QuerySet, complaints: QuerySet, complaint_row: dict, categories: list,
              subjects: list, now, thresholds: dict) -> dict:
    limit = thresholds["listed_at_most"]
    repeats = orders.filter(is_repeat=True).order_by("reported_at", "pk")
    reopened = (complaints.exclude(state=ComplaintState.WITHDRAWN)
                .filter(reopen_count__gt=0).order_by("received_at", "pk"))
    units = list(orders.filter(unit__isnull=False).order_by()
                 .values("unit__building__name", "unit__entrance", "unit__number")
                 .annotate(n=Count("pk"))
                 .filter(n__gte=thresholds["recurring_unit_at_least"])
                 .order_by("-n", "unit__building__name", "unit__entrance", "unit__number"))
    recurring_categories = [c for c in categories
                            if c["this"] >= thresholds["recurring_category_at_least"]]
    recurring_subjects = [s for s in subjects
                          if s["this"] >= thresholds["recurring_subject_at_least"]]
    counts = complaint_row.get("counts", {})
    return {
        "late_responses": _late(orders, sla.RESPONSE, now, limit),
        "late_completions": _late(orders, sla.COMPLETION, now, limit),
        "late_complaints": {"count": counts.get("counted", 0) - counts.get("on_time", 0),
                            "items": []},
        "repeats": {"count": repeats.count(),
                    "items": list(repeats.values_list("number", flat=True)[:limit])},
        "recurring_units": {"count": len(units), "items": [
            [_unit_label(u), u["n"]] for u in units[:limit]]},
        "recurring_categories": {"count": len(recurring_categories), "items": [
            [c["name"], c["this"]] for c in recurring_categories[:limit]]},
        "recurring_subjects": {"count": len(recurring_subjects), "items": [
            [s["code"], s["this"]] for s in recurring_subjects[:limit]]},
        "reopened_complaints": {"count": counts.get("reopened", 0),
                                "items": list(reopened.values_list("number", flat=True)[:limit])},
    }


def _unit_label(row: dict) -> str:
    number = (f"{row['unit__entrance']}-{row['unit__number']}" if row["unit__entrance"]
              else row["unit__number"])
    return f"{row['unit__building__name']} {number}"


def _worst(rows: list[tuple[str, float | None]], higher_is_better: bool, name: str) -> dict:
    found = rules.worst(rows, higher_is_better=higher_is_better)
    return {} if found is None else {f"worst_{name}": found[0], f"worst_{name}_value": found[1]}


def _analysis(orders, complaints, now, this_wo, last_wo, this_c, last_c) -> list[dict]:
    rows = []
    # The groups each figure's recommendation names when it misses its target.
    team_rows = [r for r in work_order_figures.monthly_figures(orders, group="team", now=now)
                 if r["team"] is not None]
    category_rows = []
    for category_id, name in (orders.order_by().values_list("category_id", "category__name")
                              .distinct()):
        category_rows.append((name, _one(work_order_figures.monthly_figures(
            orders.filter(category_id=category_id), now=now))))
    for figure in work_order_figures.figures():
        value, previous = this_wo.get(figure.key), last_wo.get(figure.key)
        better = figure.higher_is_better
        rows.append({
            "area": WORK_ORDERS, "key": figure.key, "value": value, "previous": previous,
            "target": figure.target, "higher_is_better": better, "met": figure.met(value),
            "direction": rules.direction(value, previous),
            "improved": rules.improved(value, previous, higher_is_better=better),
            "params": {
                "previous": previous,
                **_worst([(r["team"], r[figure.key]) for r in team_rows], better, "team"),
                **_worst([(n, r.get(figure.key)) for n, r in category_rows], better,
                         "category"),
            },
        })
    subject_rows = [(code, _one(complaint_figures.monthly_figures(
        complaints.filter(category=code), now=now)))
        for code in complaints.order_by().values_list("category", flat=True).distinct()]
    labels = dict(Category.choices)
    for figure in complaint_figures.figures():
        value, previous = this_c.get(figure.key), last_c.get(figure.key)
        better = figure.key not in COMPLAINTS_LOWER_IS_BETTER
        rows.append({
            "area": COMPLAINTS, "key": figure.key, "value": value, "previous": previous,
            "target": figure.target, "higher_is_better": better,
            "met": rules.meets(value, figure.target, higher_is_better=better),
            "direction": rules.direction(value, previous),
            "improved": rules.improved(value, previous, higher_is_better=better),
            "params": {
                "previous": previous,
                **_worst([(str(labels.get(code, code)), r.get(figure.key))
                          for code, r in subject_rows], better, "subject"),
            },
        })
    return rows


@reading_replica()
def build_report(community, month: datetime.date, *, now=None) -> dict:
    """The report of ``community`` for ``month`` (its first day) as plain data: ``background``
    (the month's work orders and complaints, in all and by category, against last month),
    ``problems`` (deadlines missed, repeated reports, reopened complaints, the categories,
    units and subjects that recur: thresholds in fixtures/management_report.toml),
    ``analysis`` (each figure against its target and last month, and which way it moved) and
    ``recommendations`` (drafted by the rules from the analysis and the problems; their
    parameters in the active language)."""
    now = now or timezone.now()
    last = previous_month(month)
    orders = WorkOrder.objects.filter(community=community)
    complaints = Complaint.objects.filter(community=community)
    this_orders, last_orders = (in_month(orders, "reported_at", m) for m in (month, last))
    this_complaints, last_complaints = (in_month(complaints, "received_at", m)
                                        for m in (month, last))
    this_wo = _one(work_order_figures.monthly_figures(this_orders, now=now))
    last_wo = _one(work_order_figures.monthly_figures(last_orders, now=now))
    this_c = _one(complaint_figures.monthly_figures(this_complaints, now=now))
    last_c = _one(complaint_figures.monthly_figures(last_complaints, now=now))

    categories = [{"name": row["category__name"], "this": row["this"], "last": row["last"]}
                  for row in _compared(_counts(this_orders, "category__name"),
                                       _counts(last_orders, "category__name"),
                                       "category__name")]
    subjects = [{"code": row["category"], "this": row["this"], "last": row["last"]}
                for row in _compared(_counts(this_complaints, "category"),
                                     _counts(last_complaints, "category"), "category")]
    thresholds = rules.problem_thresholds()
    problems = _problems(this_orders, this_complaints, this_c, categories, subjects, now,
                         thresholds)
    analysis = _analysis(this_orders, this_complaints, now, this_wo, last_wo, this_c, last_c)
    recommendations = rules.drafted(
        rules.recommendation_rules(), analysis=analysis,
        problems={name: {"count": p["count"], "examples": problem_examples(name, p)}
                  for name, p in problems.items()})
    return {
        "version": SNAPSHOT_VERSION,
        "community": community.name,
        "month": f"{month:%Y-%m}",
        "previous_month": f"{last:%Y-%m}",
        "computed_at": now.isoformat(),
        "background": {
            "work_orders": {"this": this_wo.get("received", 0),
                            "last": last_wo.get("received", 0)},
            "complaints": {"this": this_c.get("received", 0),
                           "last": last_c.get("received", 0)},
            "work_order_categories": categories,
            "complaint_subjects": subjects,
        },
        "problems": problems,
        "analysis": analysis,
        "recommendations": recommendations,
    }


def problem_examples(name: str, problem: dict) -> list[str]:
    """The problem's listed items as text in the active language."""
    labels = dict(Category.choices)
    examples = []
    for item in problem["items"]:
        if isinstance(item, list):
            label, n = item
            if name == "recurring_subjects":
                label = labels.get(label, label)
            examples.append(_("%(label)s (%(count)s)") % {"label": label, "count": n})
        else:
            examples.append(str(item))
    return examples


# ----- the labelled rows of a snapshot, for the page, the PDF and the workbook -----

def _problem_labels() -> dict[str, str]:
    return {
        "late_responses": _("Orders not responded to on time"),
        "late_completions": _("Orders not completed on time"),
        "late_complaints": _("Complaints that missed a deadline"),
        "repeats": _("Repeated reports"),
        "recurring_units": _("Units reporting again and again"),
        "recurring_categories": _("Work-order categories that recur"),
        "recurring_subjects": _("Complaint subjects that recur"),
        "reopened_complaints": _("Reopened complaints"),
    }


def _direction_label(row: dict) -> str:
    moved = row.get("direction")
    if moved is None:
        return "—"
    if moved == rules.SAME:
        return _("unchanged")
    word = _("up") if moved == rules.UP else _("down")
    if row.get("improved") is None:
        return word
    return (_("%(direction)s, better") if row["improved"] else _("%(direction)s, worse")) % {
        "direction": word}


def _met_label(met) -> str:
    return "—" if met is None else _("target reached") if met else _("target not reached")


def _change(this: int, last: int) -> str:
    return f"{this - last:+d}"


def _bar(value, most) -> float:
    """The bar's length, in percent of the longest."""
    return round(100 * value / most, 1) if most and value else 0


def sections(snapshot: dict, recommendations: str) -> dict:
    """The four sections of ``snapshot`` as labelled rows in the active language (with the
    bars' lengths for the PDF's charts); ``recommendations`` is the report's edited text."""
    background = snapshot["background"]
    volume = [
        {"label": _("Work orders received"), **background["work_orders"]},
        {"label": _("Complaints received"), **background["complaints"]},
    ]
    subject_labels = dict(Category.choices)
    categories = [{"label": c["name"], "this": c["this"], "last": c["last"]}
                  for c in background["work_order_categories"]]
    subjects = [{"label": str(subject_labels.get(s["code"], s["code"])), "this": s["this"],
                 "last": s["last"]} for s in background["complaint_subjects"]]
    for rows in (volume, categories, subjects):
        most = max([max(r["this"], r["last"]) for r in rows] or [0])
        for row in rows:
            row["change"] = _change(row["this"], row["last"])
            row["bar_this"], row["bar_last"] = _bar(row["this"], most), _bar(row["last"], most)
    problem_labels = _problem_labels()
    problems = [{"key": name, "label": problem_labels.get(name, name), "count": p["count"],
                 "examples": ", ".join(problem_examples(name, p))}
                for name, p in snapshot["problems"].items()]
    figure_labels = {
        **{(WORK_ORDERS, f.key): f.label for f in work_order_figures.figures()},
        **{(COMPLAINTS, f.key): f.label for f in complaint_figures.figures()},
    }
    areas = {WORK_ORDERS: _("Repairs"), COMPLAINTS: _("Complaints")}
    analysis = [{
        "area": str(areas[row["area"]]),
        "key": row["key"],
        "label": str(figure_labels.get((row["area"], row["key"]), row["key"])),
        "value": row["value"], "previous": row["previous"], "target": row["target"],
        "met": row["met"], "met_label": _met_label(row["met"]),
        "direction": row["direction"], "direction_label": _direction_label(row),
        # Percentages and scores out of 100 are drawn as bars; minutes are not.
        "bar": (min(row["value"], 100) if row["value"] is not None
                and not row["key"].endswith("_minutes") else None),
        "target_bar": (min(row["target"], 100) if row["target"] is not None
                       and not row["key"].endswith("_minutes") else None),
    } for row in snapshot["analysis"]]
    return {
        "month": snapshot["month"], "previous_month": snapshot["previous_month"],
        "background_tables": [
            {"title": _("Volume"), "first": _("Received"), "rows": volume},
            {"title": _("Work orders by category"), "first": _("Category"), "rows": categories},
            {"title": _("Complaints by subject"), "first": _("Subject"), "rows": subjects},
        ],
        "problems": problems, "analysis": analysis,
        "recommendations": [line for line in recommendations.splitlines() if line.strip()],
    }
