import pytest
from property_service.portal import services

from tests.factories.registry import OccupancyFactory, UnitFactory

PASSWORD = "Resident-pass-2026"


@pytest.fixture
def resident_a(place_a):
    """Resident A's portal login (lives in place A's unit)."""
    account = services.create_account(by=None, resident=place_a.resident,
                                      username="resident_a", password=PASSWORD)
    return account.user


@pytest.fixture
def resident_b(place_b):
    account = services.create_account(by=None, resident=place_b.resident,
                                      username="resident_b", password=PASSWORD)
    return account.user


@pytest.fixture
def neighbour(place_a):
    """A resident of another unit in the same building and community as resident A."""
    unit = UnitFactory(building=place_a.building, number="302")
    occupancy = OccupancyFactory(unit=unit, resident__name="Neighbour",
                                 resident__phone="13600000001")
    account = services.create_account(by=None, resident=occupancy.resident,
                                      username="neighbour", password=PASSWORD)
    return account.user
