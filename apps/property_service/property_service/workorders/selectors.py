"""Reads of work orders that pages, the API and the unit timeline share."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from ..registry.lookups import find_by_number, full_number
from ..registry.models import Resident, Unit
from ..registry.selectors import (
    TimelineEntry,
    TimelineMore,
    TimelinePart,
    changelist_url,
    newest,
    own_or_unit_number_q,
    register_timeline_source,
    subject_filter,
    subject_list_filter,
)
from .models import FollowUp, TeamMember, WorkOrder
from .rules import repeat_window
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
    unit number or a resident's full phone number. Each is looked up on its own index (the
    order and unit numbers by ``own_or_unit_number_q``, the residents first, for their ids), and
    the orders are then found by columns of their own table; no ``OR`` across a join. A phone
    number is a personal-data lookup like any other (``registry.lookups.find_by_number``:
    counted, throttled and logged for users who may not search personal data freely)."""
    for word in search_term.split():
        matches = own_or_unit_number_q(WorkOrder, word, user)
        number = full_number(word)
        if number is not None and number[0] == "phone":
            residents = list(find_by_number(scope(Resident.objects.all(), user), user=user,
                                            field="phone", value=number[1], channel=channel)
                             .values_list("pk", flat=True))
            if residents:
                matches |= Q(resident_id__in=residents)
        queryset = queryset.filter(matches)
    return queryset


def earlier_reports(*, unit_id: int | None, category_id: int, at: datetime.datetime):
    """The orders of the same unit and category reported within ``repeat_window()`` up to
    ``at`` (cancelled ones do not count): what makes a new report a repeat."""
    if unit_id is None:
        return WorkOrder.objects.none()
    return (WorkOrder.objects.filter(unit_id=unit_id, category_id=category_id,
                                     reported_at__gte=at - repeat_window(), reported_at__lte=at)
            .exclude(state=State.CANCELLED))


def _date(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else "—"


@register_timeline_source(permission="property_service.view_workorder",
                          subjects=(Unit, Resident))
def work_order_events(subject, user, limit: int) -> TimelinePart:
    """The newest orders of the unit, or reported by the resident (each read off the index of
    its foreign key), with their follow-up calls (回访) when the user may see those."""
    orders, more = newest(scope(WorkOrder.objects.filter(**subject_filter(subject)), user)
                          .select_related("category").order_by("-reported_at", "-id"), limit)
    part = TimelinePart()
    for order in orders:
        dates = [_("reported %(at)s") % {"at": _date(order.reported_at)}]
        if order.completed_at:
            dates.append(_("completed %(at)s") % {"at": _date(order.completed_at)})
        elif order.complete_by and order.state in OPEN_STATES:
            dates.append(_("complete by %(at)s") % {"at": _date(order.complete_by)})
        if order.closed_at:
            dates.append(_("closed %(at)s") % {"at": _date(order.closed_at)})
        part.entries.append(TimelineEntry(
            order.reported_at, "work_order",
            f"{_('Repair')} · {order.category} · {order.get_state_display()}",
            f"{' · '.join(str(d) for d in dates)} · {order.description[:80]}",
            reverse("admin:property_service_workorder_change", args=[order.pk]),
            order.number,
        ))
    if orders and user.has_perm("property_service.view_followup"):
        numbers = {order.pk: order.number for order in orders}
        follow_ups = scope(FollowUp.objects.filter(work_order_id__in=list(numbers)), user)
        for call in follow_ups:
            outcome = [call.get_status_display()]
            if call.result:
                outcome.append(call.get_result_display())
            if call.satisfaction:
                outcome.append(_("satisfaction %(score)s/5") % {"score": call.satisfaction})
            part.entries.append(TimelineEntry(
                call.done_at or call.due_at, "follow_up", str(_("Follow-up call")),
                " · ".join(str(o) for o in outcome),
                reverse("admin:property_service_followup_change", args=[call.pk]),
                numbers[call.work_order_id],
            ))
    if more:
        part.more = TimelineMore(str(_("All work orders")), changelist_url(
            "workorder", **subject_list_filter(subject)))
    return part
