"""Bounded counts of several lists in one statement (core.lists.capped_counts), as the queue tabs
use them: each the same as its own bounded count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.core.lists import capped_count, capped_counts, queue_counts
from property_service.registry.models import Unit

from tests.factories.registry import UnitFactory


@pytest.mark.django_db
def test_each_count_is_its_own_bounded_count_and_all_take_one_statement(place_a):
    for number in range(7):
        UnitFactory(building=place_a.building, number=f"9{number:02d}",
                    status="vacant" if number % 2 else "occupied")
    units = Unit.objects.all()
    querysets = {"all": units, "vacant": units.filter(status="vacant"),
                 "none": units.filter(pk__in=[]), "in 6": units.filter(number__startswith="90"),
                 "nobody": units.filter(number="no such unit")}
    for cap in (2, 3, 5, 100):
        with CaptureQueriesContext(connection) as queries:
            counts = capped_counts(querysets, cap)
        assert len(queries) == 1
        assert counts == {name: capped_count(qs, cap) if name != "none" else 0
                          for name, qs in querysets.items()}
        assert counts["all"] == min(units.count(), cap + 1)
    assert capped_counts({}, 5) == {}


@pytest.mark.django_db
def test_queue_counts_stop_past_the_cap(place_a):
    from django.db.models import Q

    for number in range(6):
        UnitFactory(building=place_a.building, number=f"8{number:02d}", status="vacant")
    counts = queue_counts(Unit.objects.all(), {"vacant": ("", Q(status="vacant")),
                                               "renovating": ("", Q(status="renovating"))},
                          cap=4)
    assert counts == {"vacant": 5, "renovating": 0}
