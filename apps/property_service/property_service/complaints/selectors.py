"""Reads of complaints that pages, the API and the unit timeline share."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse

from ..access.scoping import scope
from ..registry.models import Unit
from ..registry.selectors import TimelineEntry, register_timeline_source
from .models import Complaint


def search_complaints(queryset: QuerySet, search_term: str) -> QuerySet:
    """Complaints matching every word of ``search_term``: a word is an exact complaint number
    or an exact unit number. The units are looked up first (for their ids) so that each kind of
    number is read off its own index; no ``OR`` across a join."""
    for word in search_term.split():
        matches = Q(number__iexact=word)
        units = list(Unit.objects.filter(number__iexact=word).values_list("pk", flat=True))
        if units:
            matches |= Q(unit_id__in=units)
        queryset = queryset.filter(matches)
    return queryset


@register_timeline_source(permission="property_service.view_complaint")
def complaint_events(unit, user):
    for complaint in scope(Complaint.objects.filter(unit=unit), user):
        yield TimelineEntry(
            complaint.received_at, "complaint",
            f"{complaint.number} · {complaint.get_category_display()}",
            f"{complaint.get_state_display()} · {complaint.content[:80]}",
            reverse("admin:property_service_complaint_change", args=[complaint.pk]),
        )
