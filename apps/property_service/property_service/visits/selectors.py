"""Reads of the follow-up visit plan: the queues, the plan joined with the complaints'
follow-ups and the repairs' follow-up calls (read where they live, never copied), and the visit
rate per community and month."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access.scoping import can_open, scope
from ..core.lists import capped_count, count_cap
from ..core.months import in_month, month_bounds
from .models import DONE_ON_TIME, State, Visit

QUEUES = ("due_today", "overdue", "mine", "this_month")


def _day_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min), zone)
    return start, start + datetime.timedelta(days=1)


def queue_labels() -> dict[str, str]:
    return {"due_today": _("Due today"), "overdue": _("Overdue"), "mine": _("Mine"),
            "this_month": _("Due this month")}


@dataclass(frozen=True)
class Source:
    """One kind of follow-up shown in the plan: how each queue reads on its rows."""

    key: str
    label: str
    queryset: QuerySet  # the rows still to be done
    due: str  # the deadline's field
    assignee: str | None  # the field naming whose it is (None: nobody's in particular)


def sources() -> list[Source]:
    from ..complaints.models import Complaint
    from ..complaints.states import State as ComplaintState
    from ..workorders.models import FollowUp

    return [
        Source("visit", _("Follow-up visits"), Visit.objects.filter(state=State.PLANNED),
               "due_at", "assignee"),
        Source("complaint", _("Complaint follow-ups"),
               Complaint.objects.filter(state__in=(ComplaintState.RESOLVED,
                                                   ComplaintState.FOLLOW_UP),
                                        followed_up_at__isnull=True,
                                        follow_up_by__isnull=False),
               "follow_up_by", "supervisor"),
        Source("repair", _("Repair follow-up calls"),
               FollowUp.objects.filter(status=FollowUp.Status.PENDING), "due_at", None),
    ]


def queue_condition(source: Source, queue: str, user, now: datetime.datetime) -> Q:
    """The condition of ``queue`` on the rows of ``source`` (still to be done)."""
    due = source.due
    if queue == "due_today":
        start, stop = _day_bounds(now)
        return Q(**{f"{due}__gte": start, f"{due}__lt": stop})
    if queue == "overdue":
        return Q(**{f"{due}__lt": now})
    if queue == "mine":
        return Q(**{source.assignee: user}) if source.assignee else Q(pk__in=[])
    if queue == "this_month":
        start, stop = month_bounds(timezone.localdate(now).replace(day=1))
        return Q(**{f"{due}__gte": start, f"{due}__lt": stop})
    raise ValueError(queue)


def visible(source: Source, user) -> QuerySet:
    """The source's rows the user may open: the model's view permission and the row scope."""
    opts = source.queryset.model._meta
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return source.queryset.none()
    return scope(source.queryset, user)


def queue_counts(user, now: datetime.datetime, cap: int | None = None,
                 only: tuple[str, ...] | None = None) -> dict:
    """Each queue's size per source (of the sources ``only`` names, or all), counted no
    further than ``cap + 1`` (``core.lists``)."""
    cap = count_cap() if cap is None else cap
    return {source.key: {queue: capped_count(visible(source, user).filter(
        queue_condition(source, queue, user, now)), cap) for queue in QUEUES}
        for source in sources() if only is None or source.key in only}


@dataclass(frozen=True)
class PlanRow:
    source: str
    source_label: str
    what: str
    where: str
    due: datetime.datetime
    whose: str
    href: str

    @property
    def late(self) -> bool:
        return self.due < timezone.now()


def plan_rows(user, queue: str, now: datetime.datetime, limit: int = 50) -> list[PlanRow]:
    """The first ``limit`` follow-ups of ``queue`` of every source, soonest due first."""
    rows: list[PlanRow] = []
    for source in sources():
        found = (visible(source, user).filter(queue_condition(source, queue, user, now))
                 .order_by(source.due, "pk"))
        if source.key == "visit":
            for visit in found.select_related("unit__building__community", "assignee")[:limit]:
                rows.append(PlanRow("visit", source.label, visit.get_kind_display(),
                                    str(visit.unit), visit.due_at, str(visit.assignee or ""),
                                    reverse("admin:property_service_visit_change",
                                            args=[visit.pk])))
        elif source.key == "complaint":
            for complaint in found.select_related("unit__building__community", "community",
                                                  "supervisor")[:limit]:
                rows.append(PlanRow("complaint", source.label, complaint.number,
                                    str(complaint.unit or complaint.community),
                                    complaint.follow_up_by, str(complaint.supervisor or ""),
                                    reverse("admin:property_service_complaint_change",
                                            args=[complaint.pk])))
        else:
            for follow_up in found.select_related("work_order__unit__building__community",
                                                  "work_order__community")[:limit]:
                order = follow_up.work_order
                rows.append(PlanRow("repair", source.label, order.number,
                                    str(order.unit or order.location), follow_up.due_at, "",
                                    reverse("admin:property_service_workorder_change",
                                            args=[order.pk])))
    rows.sort(key=lambda row: row.due)
    return rows[:limit]


def visit_rate(queryset: QuerySet, month: datetime.date) -> list[dict]:
    """Per community, of the visits of ``queryset`` due in ``month`` (local time; cancelled
    ones are not due): how many were due, how many were done on time, and the rate in percent
    (None when none was due). One query."""
    due = in_month(queryset.exclude(state=State.CANCELLED), "due_at", month)
    rows = (due.order_by().values("community_id", community_name=F("community__name"))
            .annotate(due=Count("pk"), on_time=Count("pk", filter=DONE_ON_TIME))
            .order_by("community_name"))
    return [{**row, "month": month,
             "rate": round(100 * row["on_time"] / row["due"], 1) if row["due"] else None}
            for row in rows]


def visit_events(visit: Visit, user):
    return visit.events.select_related("by") if can_open(user, visit) else []
