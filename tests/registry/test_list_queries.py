"""List pages and API lists cost the same number of queries whatever the number of rows."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.registry import OccupancyFactory, ParkingSpaceFactory, VehicleFactory
from tests.helpers import admin_url

PAGES = [admin_url(m, "changelist") for m in (
    "community", "building", "unit", "resident", "occupancy", "vehicle", "parkingspace",
    "workorder", "followup", "notification")] + [
    f"/api/v1/{r}/" for r in ("communities", "buildings", "units", "residents", "occupancies",
                              "work-orders", "notifications")]


def add_rows(n):
    from property_service.core.notifications import notify
    from property_service.workorders.models import FollowUp

    from tests.factories.workorders import WorkOrderFactory

    for _ in range(n):
        occupancy = OccupancyFactory()
        community = occupancy.unit.building.community
        order = WorkOrderFactory(unit=occupancy.unit, resident=occupancy.resident)
        FollowUp.objects.create(work_order=order, due_at=order.reported_at)
        notify(users=list(get_user_model().objects.filter(is_staff=True)), kind="assigned",
               message="x", target=order)
        vehicle = VehicleFactory(community=community, owner=occupancy.resident)
        ParkingSpaceFactory(community=community, holder=occupancy.resident, vehicle=vehicle,
                            status="allocated")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_a_list_costs_the_same_queries_for_2_or_12_rows(client, make_staff, url):
    client.force_login(make_staff("CS Agent", communities=None))
    add_rows(2)
    few = count_queries(client, url)
    add_rows(10)
    many = count_queries(client, url)
    assert many == few
