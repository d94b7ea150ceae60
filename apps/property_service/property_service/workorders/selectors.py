"""Reads of work orders that pages, the API and the unit timeline share."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from ..registry.lookups import find_by_number, full_number
from ..registry.models import Resident, Unit
from ..registry.selectors import TimelineEntry, register_timeline_source
from .models import TeamMember, WorkOrder
from .sla import due_soon_q, overdue_q
from .states import OPEN_STATES, State


def queue_conditions(user, now: datetime.datetime) -> dict[str, tuple[str, Q]]:
    """The queues staff work from: name -> (label, condition on WorkOrder)."""
    is_open = Q(state__in=OPEN_STATES)
    running = is_open & Q(paused_at__isnull=True)
    # The team ids as values, not a subquery: the optimizer can then read each team's open
    # orders off its own index.
    my_teams = list(TeamMember.objects.filter(user=user).values_list("team_id", flat=True))
    mine = Q(assignee=user) | Q(team_id__in=my_teams) if my_teams else Q(assignee=user)
    return {
        "mine": (_("My and my teams' open orders"), is_open & mine),
        "due_soon": (_("Due within 1 h"), running & due_soon_q(now)),
        "overdue": (_("Overdue"), running & overdue_q(now)),
        "pool": (_("Waiting in a team pool"), Q(state=State.DISPATCHED, assignee__isnull=True)),
        "repeats": (_("Repeated reports"), is_open & Q(is_repeat=True)),
        "follow_up": (_("Awaiting follow-up call"), Q(state=State.FOLLOW_UP)),
        "paused": (_("Clock paused"), is_open & Q(paused_at__isnull=False)),
    }


def search_work_orders(queryset, search_term: str, *, user, channel: str):
    """Orders matching every word of ``search_term``: a word is an exact order number, an exact
    unit number or a resident's full phone number. Each is looked up on its own index (the unit
    and resident tables first, for their ids), and the orders are then found by columns of their
    own table; no ``OR`` across a join. A phone number is a personal-data lookup like any other
    (``registry.lookups.find_by_number``: counted, throttled and logged for users who may not
    search personal data freely)."""
    for word in search_term.split():
        matches = Q(number__iexact=word)
        units = list(Unit.objects.filter(number__iexact=word).values_list("pk", flat=True))
        if units:
            matches |= Q(unit_id__in=units)
        number = full_number(word)
        if number is not None and number[0] == "phone":
            residents = list(find_by_number(scope(Resident.objects.all(), user), user=user,
                                            field="phone", value=number[1], channel=channel)
                             .values_list("pk", flat=True))
            if residents:
                matches |= Q(resident_id__in=residents)
        queryset = queryset.filter(matches)
    return queryset


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

