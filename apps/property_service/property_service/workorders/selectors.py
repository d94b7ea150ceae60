"""Reads of work orders that pages, the API and the unit timeline share."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from ..registry.selectors import TimelineEntry, register_timeline_source
from .models import TeamMember, WorkOrder
from .sla import due_soon_q, overdue_q
from .states import OPEN_STATES, State


def queue_conditions(user, now: datetime.datetime) -> dict[str, tuple[str, Q]]:
    """The queues staff work from: name -> (label, condition on WorkOrder)."""
    is_open = Q(state__in=OPEN_STATES)
    running = is_open & Q(paused_at__isnull=True)
    my_teams = TeamMember.objects.filter(user=user).values("team_id")
    return {
        "mine": (_("My and my teams' open orders"),
                 is_open & (Q(assignee=user) | Q(team__in=my_teams))),
        "due_soon": (_("Due within 1 h"), running & due_soon_q(now)),
        "overdue": (_("Overdue"), running & overdue_q(now)),
        "pool": (_("Waiting in a team pool"), Q(state=State.DISPATCHED, assignee__isnull=True)),
        "repeats": (_("Repeated reports"), is_open & Q(is_repeat=True)),
        "follow_up": (_("Awaiting follow-up call"), Q(state=State.FOLLOW_UP)),
        "paused": (_("Clock paused"), is_open & Q(paused_at__isnull=False)),
    }


def queue_counts(queryset, user, now) -> dict[str, int]:
    """All queue sizes in one aggregate query."""
    conditions = queue_conditions(user, now)
    return queryset.aggregate(**{name: Count("pk", filter=cond)
                                 for name, (_label, cond) in conditions.items()})


@register_timeline_source(permission="property_service.view_workorder")
def work_order_events(unit, user):
    orders = scope(WorkOrder.objects.filter(unit=unit), user).select_related("category")
    for order in orders:
        yield TimelineEntry(
            order.reported_at, "work_order",
            f"{order.number} · {order.category}",
            f"{order.get_state_display()} · {order.description[:80]}",
            reverse("admin:property_service_workorder_change", args=[order.pk]),
        )

