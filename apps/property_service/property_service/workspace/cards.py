"""What the home page shows each user: number cards (each linking to the list behind it) and
charts, read with a fixed number of queries whatever the data's size.

Counts stop at the lists' cap (``core.lists.capped_count``: at most cap + 1 index entries
read); the queues are the work-order list's own (``workorders.selectors.queue_conditions``);
the complaint rates are the figures report's (``complaints.figures``) against the targets in
the data (``core.targets``); the twelve-month charts come from ``series`` (kept in the cache
per community and day). Every query is limited by ``access.scoping.scope`` or, for the cached
series, to the communities the user works for.

Which cards a user sees follows their permissions: none for a model they may not view. The
workspace follows what they do: technicians (who work orders but see only their own) get
their own work; the front desk (who records orders but does not dispatch them) gets the
intake; everyone else the overview.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access.roles import role_name
from ..access.scoping import community_ids, scope, works_for_community_q
from ..complaints import figures as complaint_figures
from ..complaints.models import Category as ComplaintCategory
from ..complaints.models import Complaint
from ..complaints.states import OPEN_STATES as COMPLAINT_OPEN_STATES
from ..core.lists import capped_count, count_cap, count_label
from ..core.targets import complaint_targets, households_per_cs_agent, satisfaction_target
from ..incidents.models import Incident
from ..incidents.states import State as IncidentState
from ..registry.models import Community, Unit
from ..renewals import rules
from ..renewals.scan import renewable_models
from ..renewals.states import LIVE_STATES
from ..workorders import figures as work_order_figures
from ..workorders.models import FollowUp, Priority, WorkOrder
from ..workorders.selectors import queue_conditions
from ..workorders.states import OPEN_STATES
from . import series

APP = "property_service"
# Incidents whose response is under way (not yet written up).
INCIDENT_OPEN_STATES = (IncidentState.OPEN, IncidentState.CONTAINED)
# How many of their own orders a technician's home lists, and of today's the front desk's.
LISTED_ORDERS = 10
# The call-intake desk.
INTAKE_URL_NAME = "admin:property_service_calldesk_changelist"


@dataclass
class Card:
    key: str
    title: str
    value: str
    href: str
    number: float | int | None = None
    target: str = ""
    met: bool | None = None
    progress: float | None = None


@dataclass
class Section:
    key: str
    title: str
    cards: list[Card] = field(default_factory=list)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "line" or "bar"
    data: str  # Chart.js data, JSON
    options: str = ""
    href: str = ""


def _may(user, codename: str) -> bool:
    return user.has_perm(f"{APP}.{codename}")


def _changelist(model, **query) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def _count_card(key, title, queryset, href, cap) -> Card:
    n = capped_count(queryset, cap)
    return Card(key=key, title=title, value=count_label(n, cap), number=n, href=href)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def workspace_kind(user) -> str:
    """"my_work" (technicians), "intake" (front desk) or "overview" (everyone else), by what
    the user's permissions let them do."""
    if (_may(user, "view_workorder") and _may(user, "work_workorder")
            and not _may(user, "view_all_workorders")):
        return "my_work"
    if _may(user, "add_workorder") and not _may(user, "dispatch_workorder"):
        return "intake"
    return "overview"


def intake_url() -> str:
    """The call-intake desk."""
    return reverse(INTAKE_URL_NAME)


# --- the overview's sections -------------------------------------------------------------

def work_order_sections(user, now, cap) -> list[Section]:
    if not (_may(user, "view_workorder") and _may(user, "view_all_workorders")):
        return []
    orders = scope(WorkOrder.objects.all(), user)
    by_state = Section("work_orders", _("Open work orders by state"))
    by_priority = Section("work_order_priorities", _("Open work orders by priority"))
    deadlines = Section("work_order_deadlines", _("Work-order deadlines"))
    for state in OPEN_STATES:
        by_state.cards.append(_count_card(
            f"workorders_{state.value}", state.label, orders.filter(state=state),
            _changelist(WorkOrder, state__exact=state.value), cap))
    open_states = ",".join(OPEN_STATES)
    for priority in Priority:
        by_priority.cards.append(_count_card(
            f"workorders_priority_{priority.value}", priority.label,
            orders.filter(state__in=OPEN_STATES, priority=priority),
            _changelist(WorkOrder, priority__exact=priority.value, state__in=open_states), cap))
    queues = queue_conditions(user, now)
    for name in ("overdue", "due_soon"):
        label, condition = queues[name]
        deadlines.cards.append(_count_card(f"workorders_{name}", str(label),
                                           orders.filter(condition),
                                           _changelist(WorkOrder, queue=name), cap))
    return [by_state, by_priority, deadlines, repair_section(user, now)]


def repair_section(user, now) -> Section:
    """This month's repair satisfaction (the follow-up scores of the orders reported this
    month, as the repair figures count them) against the target in the data."""
    today = timezone.localdate(now)
    month = today.replace(day=1)
    scores = series.summed(series.repair_score_series(_community_ids_of(user), today).values())
    value = work_order_figures.satisfaction_of(*scores) if scores else None
    target = work_order_figures.figure("mean_satisfaction").target
    href = (reverse(f"admin:{APP}_workorder_figures")
            + f"?{urlencode({'month': month.strftime('%Y-%m')})}")
    section = Section("repairs", _("Repairs this month"))
    section.cards.append(_rate_card("repairs_satisfaction", _("Repair satisfaction this month"),
                                    value, target, href, unit=_("/100")))
    return section


def follow_up_section(user, now, cap) -> Section | None:
    if not _may(user, "view_followup"):
        return None
    today = timezone.localdate(now)
    start, end = _day_start(today), _day_start(today + datetime.timedelta(days=1))
    pending = scope(FollowUp.objects.filter(status=FollowUp.Status.PENDING), user)
    section = Section("follow_ups", _("Follow-up calls"))
    section.cards.append(_count_card(
        "follow_ups_due_today", _("Due today"), pending.filter(due_at__gte=start, due_at__lt=end),
        _changelist(FollowUp, status__exact="pending", due_at__gte=start.isoformat(),
                    due_at__lt=end.isoformat()), cap))
    section.cards.append(_count_card(
        "follow_ups_overdue", _("Overdue"), pending.filter(overdue_at__lte=now),
        _changelist(FollowUp, status__exact="pending", overdue_at__lte=now.isoformat()), cap))
    return section


def _rate_card(key, title, value, target, href, unit="%") -> Card:
    shown = "—" if value is None else f"{value:g}{unit}"
    return Card(key=key, title=title, value=shown, number=value, href=href,
                target="" if target is None else (
                    _("target %(target)s%(unit)s") % {"target": target, "unit": unit}),
                met=None if value is None or target is None else value >= target,
                progress=None if value is None else min(float(value), 100.0))


def complaint_section(user, now, cap) -> Section | None:
    if not _may(user, "view_complaint"):
        return None
    complaints = scope(Complaint.objects.all(), user)
    month_start = _day_start(timezone.localdate(now).replace(day=1))
    section = Section("complaints", _("Complaints"))
    section.cards.append(_count_card(
        "complaints_open", _("Open complaints"), complaints.filter(state__in=COMPLAINT_OPEN_STATES),
        _changelist(Complaint, state__in=",".join(COMPLAINT_OPEN_STATES)), cap))
    # This month's counts of the user's communities, as the satisfaction chart reads them.
    this_month = series.summed(series.complaint_series(
        _community_ids_of(user), timezone.localdate(now)).values()).get(f"{month_start:%Y-%m}")
    month = complaint_figures.combined([this_month] if this_month else [])
    targets = complaint_targets()
    figures_url = (reverse(f"admin:{APP}_complaint_figures")
                   + f"?{urlencode({'year': month_start.year})}")
    section.cards += [
        _rate_card("complaints_on_time_rate", _("On time this month"), month["on_time_rate"],
                   targets["on_time_rate"], figures_url),
        _rate_card("complaints_resolution_rate", _("Resolved this month"),
                   month["resolution_rate"], targets["resolution_rate"], figures_url),
        _rate_card("complaints_satisfaction", _("Satisfaction this month"),
                   month["mean_satisfaction"], targets["satisfaction"], figures_url,
                   unit=_("/100")),
    ]
    return section


def survey_section(user, now) -> Section | None:
    """The quarter's satisfaction surveys of the user's communities, pooled: the survey score
    against the satisfaction target, and the response rate (the complaints' and repairs'
    follow-up satisfaction stay their own cards)."""
    if not _may(user, "view_survey"):
        return None
    from ..surveys.models import Survey
    from ..surveys.selectors import current_quarter, pooled_figures, quarter_surveys

    quarter = current_quarter(now)
    figures = pooled_figures(quarter_surveys(user, quarter))
    href = _changelist(Survey, period=quarter)
    rate = figures.response_rate
    return Section("surveys", _("Satisfaction surveys %(quarter)s") % {"quarter": quarter}, [
        _rate_card("surveys_satisfaction", _("Survey satisfaction this quarter"),
                   figures.score, satisfaction_target(), href, unit=_("/100")),
        Card(key="surveys_response_rate", title=_("Survey response rate this quarter"),
             value="—" if rate is None else f"{rate:g}%", number=rate, href=href,
             progress=rate),
    ])


def renewal_section(user, now) -> Section | None:
    """Contracts and policies in force ending within each renewal threshold (the data's, as
    the list's "time to expiry" filter says them): one grouped query per kind."""
    models = [m for m in renewable_models()
              if user.has_perm(f"{m._meta.app_label}.view_{m._meta.model_name}")]
    if not models:
        return None
    today = timezone.localdate(now)
    steps = sorted(rules.thresholds(), key=lambda t: rules.latest_end_within(today, t))
    if not steps:
        return None
    section = Section("renewals", _("Ending soon"))
    for model in models:
        ending = scope(model.objects.filter(
            state__in=LIVE_STATES, end_date__gte=today,
            end_date__lte=rules.latest_end_within(today, steps[-1])), user)
        counts = ending.aggregate(**{
            f"within_{i}": Count("pk", filter=Q(end_date__lte=rules.latest_end_within(today,
                                                                                       step)))
            for i, step in enumerate(steps)})
        for i, step in enumerate(steps):
            n = counts[f"within_{i}"]
            section.cards.append(Card(
                key=f"{model._meta.model_name}_{step.code}",
                title=f"{model._meta.verbose_name_plural} · {step.within()}",
                value=f"{n:,}", number=n,
                href=_changelist(model, expiry=step.code, state__in=",".join(LIVE_STATES))))
    return section


def incident_section(user, cap) -> Section | None:
    if not _may(user, "view_incident"):
        return None
    incidents = scope(Incident.objects.filter(state__in=INCIDENT_OPEN_STATES), user)
    return Section("incidents", _("Emergencies"), [_count_card(
        "incidents_open", _("Open incidents"), incidents,
        _changelist(Incident, state__in=",".join(INCIDENT_OPEN_STATES)), cap)])


def _community_ids_of(user) -> list[int]:
    """The ids of the communities the user works for (every one's, read once a request)."""
    known = getattr(user, _IDS_ATTR, None)
    if known is None:
        ids = community_ids(user)
        known = (list(Community.objects.order_by("pk").values_list("pk", flat=True))
                 if ids is None else sorted(ids))
        setattr(user, _IDS_ATTR, known)
    return known


_IDS_ATTR = "_workspace_community_ids"


def staffing_section(user, now) -> Section | None:
    """Households (units) of the user's communities per customer-service agent working for
    them, against the staffing standard in the data."""
    if not (_may(user, "view_unit") and _may(user, "view_team")):
        return None
    ids = _community_ids_of(user)
    households = sum(series.household_series(ids, timezone.localdate(now)).values())
    agent_role = role_name("cs_agent")
    if community_ids(user) is None:
        serves = Q(is_active=True)
    else:
        serves = Q(pk__in=[])
        for pk in ids:
            serves |= works_for_community_q(pk)
    agents = (get_user_model().objects.filter(serves, groups__name=agent_role)
              .order_by().values("pk").distinct().count()) if ids else 0
    standard = households_per_cs_agent()
    ratio = round(households / agents, 1) if agents else None
    return Section("staffing", _("Staffing"), [Card(
        key="households_per_cs_agent", title=_("Households per CS agent"),
        value="—" if ratio is None else f"{ratio:g}", number=ratio,
        target=_("standard %(n)s at most") % {"n": standard},
        met=None if ratio is None else ratio <= standard,
        progress=None if ratio is None else min(100.0, 100.0 * ratio / standard),
        href=_changelist(Unit))])


# --- charts ------------------------------------------------------------------------------

def _month_labels(firsts) -> list[str]:
    return [date_format(first, "YEAR_MONTH_FORMAT") for first in firsts]


def _line(labels, datasets) -> str:
    return json.dumps({"labels": labels, "datasets": datasets}, ensure_ascii=False)


PERCENT_AXIS = json.dumps({
    "responsive": True, "maintainAspectRatio": False, "animation": False,
    "plugins": {"legend": {"display": True, "align": "end"}},
    "scales": {"y": {"min": 0, "max": 100}}})


def charts(user, now) -> list[Chart]:
    today = timezone.localdate(now)
    firsts = series.months_ending(today)
    keys = [first.strftime("%Y-%m") for first in firsts]
    labels = _month_labels(firsts)
    result = []
    ids = None
    months = {"n": series.MONTHS}
    if _may(user, "view_workorder") and _may(user, "view_all_workorders"):
        ids = _community_ids_of(user)
        sla = series.summed(series.sla_series(ids, today).values())
        on_time = [round(100 * sla[k][1] / sla[k][0], 1) if sla.get(k) and sla[k][0] else None
                   for k in keys]
        result.append(Chart("sla", _("Work orders on time, last %(n)d months") % months, "line",
                            _line(labels, [{"label": _("On time (%)"), "data": on_time,
                                            "borderColor": "var(--color-primary-600)"}]),
                            PERCENT_AXIS, _changelist(WorkOrder)))
    if _may(user, "view_complaint"):
        ids = ids if ids is not None else _community_ids_of(user)
        figures_url = reverse(f"admin:{APP}_complaint_figures")
        by_month = series.summed(series.complaint_series(ids, today).values())
        target = complaint_targets()["satisfaction"]
        satisfaction = [complaint_figures.combined([by_month[k]])["mean_satisfaction"]
                        if k in by_month else None for k in keys]
        result.append(Chart("satisfaction", _("Complaint satisfaction (out of 100)"), "line",
                            _line(labels, [
                                {"label": _("Satisfaction"), "data": satisfaction,
                                 "borderColor": "var(--color-primary-600)"},
                                {"label": _("Target"), "data": [target] * len(keys),
                                 "borderColor": "var(--color-base-400)",
                                 "borderDash": [4, 4]}]),
                            PERCENT_AXIS, figures_url))
        types = series.summed(series.summed(
            series.complaint_type_series(ids, today).values()).values())
        names = dict(ComplaintCategory.choices)
        ordered = sorted(types.items(), key=lambda item: (-item[1], item[0]))
        result.append(Chart("complaint_types",
                            _("Complaints by subject, last %(n)d months") % months, "bar",
                            _line([str(names.get(code, code)) for code, _n in ordered],
                                  [{"label": _("Complaints"), "data": [n for _c, n in ordered],
                                    "backgroundColor": "var(--color-primary-600)",
                                    "maxBarThickness": 24}]),
                            href=figures_url))
    return result


# --- the workspaces ----------------------------------------------------------------------

def my_orders(user, now) -> tuple[Section, list]:
    """A technician's open orders (theirs and their teams'), soonest deadline first, with the
    counts of their queues."""
    cap = count_cap()
    orders = scope(WorkOrder.objects.all(), user)
    queues = queue_conditions(user, now)
    section = Section("my_work", _("My work"))
    for name in ("mine", "overdue", "due_soon"):
        label, condition = queues[name]
        section.cards.append(_count_card(f"my_{name}", str(label), orders.filter(condition),
                                         _changelist(WorkOrder, queue=name), cap))
    listed = list(orders.filter(queues["mine"][1])
                  .select_related("unit__building__community", "category")
                  .order_by(F("complete_by").asc(nulls_last=True), "pk")[:LISTED_ORDERS])
    return section, listed


def todays_orders(user, now) -> tuple[Section, list]:
    """The orders reported today that the user sees, latest first, and how many."""
    cap = count_cap()
    today = timezone.localdate(now)
    orders = scope(WorkOrder.objects.filter(reported_at__gte=_day_start(today)), user)
    href = _changelist(WorkOrder, reported_at__year=today.year, reported_at__month=today.month,
                       reported_at__day=today.day)
    section = Section("intake", _("Intake"), [_count_card(
        "orders_today", _("Work orders reported today"), orders, href, cap)])
    listed = list(orders.select_related("unit__building__community", "category")
                  .order_by("-reported_at", "-pk")[:LISTED_ORDERS])
    return section, listed


def workspace(user, now=None) -> dict:
    """Everything the home page shows ``user`` at ``now``."""
    now = now or timezone.now()
    cap = count_cap()
    kind = workspace_kind(user)
    result = {"kind": kind, "sections": [], "charts": [], "orders": [], "intake_url": "",
              "orders_title": ""}
    if kind == "my_work":
        section, result["orders"] = my_orders(user, now)
        result["orders_title"] = gettext_lazy("My open orders, soonest deadline first")
        result["sections"] = [section, incident_section(user, cap)]
    elif kind == "intake":
        section, result["orders"] = todays_orders(user, now)
        result["orders_title"] = gettext_lazy("Reported today")
        result["intake_url"] = intake_url()
        result["sections"] = [section, incident_section(user, cap)]
    else:
        result["sections"] = [
            *work_order_sections(user, now, cap), follow_up_section(user, now, cap),
            complaint_section(user, now, cap), survey_section(user, now),
            renewal_section(user, now),
            incident_section(user, cap), staffing_section(user, now)]
        result["charts"] = charts(user, now)
    result["sections"] = [s for s in result["sections"] if s and s.cards]
    return result


def card_numbers(result: dict) -> dict[str, float | int | None]:
    """{card key: its number}, for reading a workspace at a glance (and in tests)."""
    return {card.key: card.number for section in result["sections"] for card in section.cards}
