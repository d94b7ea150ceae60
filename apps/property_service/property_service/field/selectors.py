"""Reads of the field app: who uses it, the technician's own list of orders, and how much time
an order has left."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.translation import gettext as _

from ..access.scoping import resident_unit_ids, scope
from ..workorders.models import TeamMember, WorkOrder
from ..workorders.selectors import queue_conditions
from ..workorders.states import OPEN_STATES

FIELD_PERMISSION = "property_service.work_workorder"
# A technician's list is short; this bounds the page on a weak connection all the same.
LIST_LIMIT = 100


def uses_field_app(user) -> bool:
    """Staff who work orders themselves (take, accept, start, complete) use the field app."""
    return bool(user and user.is_authenticated and user.is_active
                and resident_unit_ids(user) is None and user.has_perm(FIELD_PERMISSION))


def lands_in_field_app(user) -> bool:
    """Where a login lands: in the field app those whose work is their own orders (not those
    who see and dispatch every order of their communities)."""
    return uses_field_app(user) and not user.has_perm("property_service.view_all_workorders")


def field_orders(user):
    """Every order the user may open in the field app (their scope)."""
    return scope(WorkOrder.objects.select_related(
        "unit__building__community", "category", "resident", "community", "assignee"), user)


def my_orders(user, now: datetime.datetime):
    """The open orders assigned to ``user`` and the unassigned ones waiting in their teams'
    pools, the nearest deadline first. Every listed order was dispatched, so its response is
    done and the completion deadline (``complete_by``) is the one still running."""
    my_teams = list(TeamMember.objects.filter(user=user).values_list("team_id", flat=True))
    pool = queue_conditions(user, now)["pool"][1] & Q(team_id__in=my_teams)
    return (field_orders(user).filter(Q(state__in=OPEN_STATES, assignee=user) | pool)
            .order_by(F("complete_by").asc(nulls_last=True), "id")[:LIST_LIMIT])


@dataclass(frozen=True)
class TimeLeft:
    overdue: bool
    text: str


def duration_text(delta: datetime.timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def time_left(due: datetime.datetime | None, now: datetime.datetime) -> TimeLeft | None:
    """How long until ``due``, or how long past it (overdue from the due time on, as the SLA
    states count it)."""
    if due is None:
        return None
    if now >= due:
        return TimeLeft(True, _("overdue by %(time)s") % {"time": duration_text(now - due)})
    return TimeLeft(False, _("%(time)s left") % {"time": duration_text(due - now)})
