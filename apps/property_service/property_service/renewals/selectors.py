"""Reads of the agreements (contracts, insurance policies)."""

from __future__ import annotations

from django.db.models import QuerySet


def search_agreements(queryset: QuerySet, search_term: str) -> QuerySet:
    """The agreements matching every word of ``search_term``. A word that begins the number of
    some of them finds those, on the number's index; any other word is looked for within the
    other party's name (the counterparty, the insurer). No ``OR`` of the two: it would read
    every agreement for a number."""
    model = queryset.model
    for word in search_term.split():
        by_number = queryset.filter(**{f"{model.number_field}__istartswith": word})
        if by_number.exists():
            queryset = by_number
        else:
            queryset = queryset.filter(**{f"{model.party_field}__icontains": word})
    return queryset
