"""The desk's world: community A's building 6栋 with unit 2-1502 and its owner 李雷, besides the
shared personas (tests/conftest.py)."""

import pytest
from property_service.workorders.models import WorkOrderCategory

from tests.factories.registry import BuildingFactory, OccupancyFactory, UnitFactory


@pytest.fixture
def flat(place_a):
    building = BuildingFactory(community=place_a.community, name="6栋")
    unit = UnitFactory(building=building, entrance="2", number="1502")
    occupancy = OccupancyFactory(unit=unit, resident__name="李雷",
                                 resident__phone="13955501502", is_primary_contact=True)
    return unit, occupancy.resident


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="desk_agent")


def category(code):
    return WorkOrderCategory.objects.get(code=code)
