"""Reads of complaints that pages, the API and the unit timeline share."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..access.scoping import scope
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
from ..workorders.sla import DUE_SOON_WINDOW
from .deadlines import due_soon_q, overdue_q
from .models import Complaint, Severity
from .states import OPEN_STATES, State

# The states in which a complaint still has a deadline to meet (the follow-up's included).
PENDING_STATES = (*OPEN_STATES, State.RESOLVED, State.FOLLOW_UP)


def queue_conditions(user, now: datetime.datetime) -> dict[str, tuple[str, Q]]:
    """The complaint queues staff work from: name -> (label, condition on Complaint). Each
    starts from the complaint's state (its index), so that closed ones are never read."""
    pending = Q(state__in=PENDING_STATES)
    return {
        "mine": (_("My open complaints"), Q(state__in=OPEN_STATES, supervisor=user)),
        "due_soon": (_("Due within 1 h"), pending & due_soon_q(now, DUE_SOON_WINDOW)),
        "overdue": (_("Overdue"), pending & overdue_q(now)),
        "pool": (_("Waiting for a supervisor"), Q(state=State.RECEIVED)),
        "major": (_("Major, not yet acknowledged"),
                  Q(state__in=PENDING_STATES, severity=Severity.MAJOR,
                    manager_acknowledged_at__isnull=True)),
        "follow_up": (_("Awaiting follow-up"), Q(state__in=(State.RESOLVED, State.FOLLOW_UP))),
        "reopened": (_("Reopened"), Q(state=State.REOPENED)),
    }


def search_complaints(queryset: QuerySet, search_term: str, *, user) -> QuerySet:
    """Complaints matching every word of ``search_term``: a word is an exact complaint number
    or an exact unit number (of the ``user``'s units), each read off its own index
    (``registry.selectors.own_or_unit_number_q``)."""
    for word in search_term.split():
        matches = own_or_unit_number_q(Complaint, word, user)
        queryset = queryset.filter(matches)
    return queryset


def _date(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else "—"


@register_timeline_source(permission="property_service.view_complaint",
                          subjects=(Unit, Resident))
def complaint_events(subject, user, limit: int) -> TimelinePart:
    """The newest complaints about the unit, or of the resident, and their follow-ups."""
    complaints, more = newest(scope(Complaint.objects.filter(**subject_filter(subject)), user)
                              .order_by("-received_at", "-id"), limit)
    part = TimelinePart()
    for complaint in complaints:
        url = reverse("admin:property_service_complaint_change", args=[complaint.pk])
        dates = [_("received %(at)s") % {"at": _date(complaint.received_at)}]
        if complaint.resolved_at:
            dates.append(_("resolved %(at)s") % {"at": _date(complaint.resolved_at)})
        elif complaint.resolve_by and complaint.state in OPEN_STATES:
            dates.append(_("resolve by %(at)s") % {"at": _date(complaint.resolve_by)})
        part.entries.append(TimelineEntry(
            complaint.received_at, "complaint",
            f"{_('Complaint')} · {complaint.get_category_display()} · "
            f"{complaint.get_state_display()}",
            f"{' · '.join(str(d) for d in dates)} · {complaint.content[:80]}",
            url, complaint.number,
        ))
        if complaint.followed_up_at:
            detail = (_("satisfaction %(score)s/5") % {"score": complaint.satisfaction}
                      if complaint.satisfaction else "")
            part.entries.append(TimelineEntry(
                complaint.followed_up_at, "complaint_follow_up",
                str(_("Complaint follow-up")), str(detail), url, complaint.number))
    if more:
        part.more = TimelineMore(str(_("All complaints")), changelist_url(
            "complaint", **subject_list_filter(subject)))
    return part
