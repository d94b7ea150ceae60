"""Reads of special services: a community's catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import SpecialService


def catalogue_for(community_id: int) -> QuerySet:
    """The active items offered in the community: its own, and the company's whose code it
    has no item of (active or not: a community switches a company item off by its own
    inactive one)."""
    own_codes = SpecialService.objects.filter(community_id=community_id).values("code")
    return (SpecialService.objects.filter(is_active=True)
            .filter(Q(community_id=community_id)
                    | (Q(community__isnull=True) & ~Q(code__in=own_codes)))
            .select_related("category", "team").order_by("code"))
