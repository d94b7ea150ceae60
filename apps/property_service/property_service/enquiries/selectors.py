"""Reads of enquiries that the admin list, the API and the portal share."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..registry.selectors import own_or_unit_number_q
from .deadlines import DEADLINES
from .models import Enquiry
from .states import OPEN_STATES, State


# Overdue, in Python and as SQL side by side: open, not yet answered unless complex, and a
# deadline not met whose due time has passed. tests/enquiries/test_queues.py checks they agree.
def is_overdue(enquiry: Enquiry, now: datetime.datetime) -> bool:
    if enquiry.state not in OPEN_STATES or (enquiry.answered_at and not enquiry.complex):
        return False
    return any(getattr(enquiry, d.due_field) is not None
               and getattr(enquiry, d.done_field) is None
               and getattr(enquiry, d.due_field) < now for d in DEADLINES)


def overdue_q(now: datetime.datetime) -> Q:
    late = reduce(or_, (Q(**{f"{d.due_field}__lt": now, f"{d.done_field}__isnull": True})
                        for d in DEADLINES))
    return (Q(state__in=OPEN_STATES) & (Q(answered_at__isnull=True) | Q(complex=True))
            & late)


def queue_conditions(user, now: datetime.datetime) -> dict[str, tuple[str, Q]]:
    """The queues staff work from: name -> (label, condition on Enquiry)."""
    is_open = Q(state__in=OPEN_STATES) & (Q(answered_at__isnull=True) | Q(complex=True))
    return {
        "mine": (_("My open enquiries"), is_open & Q(handler=user)),
        "new": (_("Waiting to be answered or handed over"), Q(state=State.NEW)),
        "overdue": (_("Overdue"), overdue_q(now)),
        "complex": (_("Complex, not yet resolved"), is_open & Q(complex=True)),
    }


def search_enquiries(queryset: QuerySet, search_term: str, *, user) -> QuerySet:
    """Enquiries matching every word: an exact enquiry number or an exact unit number (of the
    ``user``'s units), each read off its own index (``own_or_unit_number_q``)."""
    for word in search_term.split():
        matches = own_or_unit_number_q(Enquiry, word, user)
        queryset = queryset.filter(matches)
    return queryset


def resident_enquiries(units) -> QuerySet:
    """The enquiries about a resident's units, newest first (the portal)."""
    return Enquiry.objects.filter(unit_id__in=list(units)).order_by("-received_at", "-id")
