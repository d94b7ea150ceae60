import pytest

from tests.portal.conftest import resident_a, resident_b  # noqa: F401
from tests.workorders.conftest import agent, manager, supervisor  # noqa: F401


@pytest.fixture
def manager_b(make_staff, place_b):
    return make_staff("Property Manager", communities=[place_b.community], username="mgr_b")


@pytest.fixture
def supervisor_b(make_staff, place_b):
    return make_staff("CS Supervisor", communities=[place_b.community], username="sup_b")
