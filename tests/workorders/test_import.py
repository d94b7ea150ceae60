"""Historical work orders from Excel: finished orders only, keyed by their number."""

import datetime

import pytest
from property_service.workorders.models import WorkOrder

from tests.helpers import import_file, preview_errors, xlsx_bytes

HEADER = ["number", "community", "building", "entrance", "unit", "location", "category",
          "priority", "channel", "state", "description", "reported_at", "completed_at",
          "closed_at", "satisfaction"]


@pytest.fixture
def rows(place_a):
    return [HEADER,
            ["BX-2025-0001", "AAA", place_a.building.name, "1", "301", "", "water_leak",
             "urgent", "phone", "closed", "卫生间漏水", datetime.datetime(2025, 3, 1, 9, 30),
             datetime.datetime(2025, 3, 1, 11, 0), None, 5],
            ["BX-2025-0002", "AAA", "", "", "", "3栋大堂", "lighting", "normal", "patrol",
             "cancelled", "灯不亮", datetime.datetime(2025, 3, 2, 8, 0), None, None, None]]


def test_historical_orders_import_once(client, agent, rows):
    client.force_login(agent)
    for _ in range(2):
        preview, confirmed = import_file(client, "workorder", xlsx_bytes(rows))
        assert confirmed is not None and confirmed.status_code == 302
    assert WorkOrder.objects.count() == 2
    leak = WorkOrder.objects.get(number="BX-2025-0001")
    assert (leak.state, leak.satisfaction, leak.priority) == ("closed", 5, "urgent")
    assert leak.closed_at == leak.completed_at
    assert leak.complete_by - leak.reported_at == datetime.timedelta(hours=2)
    assert leak.events.get().action == "imported"
    assert WorkOrder.objects.get(number="BX-2025-0002").state == "cancelled"


def test_open_orders_and_unknown_units_are_refused_row_by_row(client, agent, rows):
    rows[1][9] = "in_progress"
    rows[2][4] = "999"
    rows[2][2] = "nowhere"
    client.force_login(agent)
    preview, confirmed = import_file(client, "workorder", xlsx_bytes(rows))
    assert confirmed is None
    text = preview_errors(preview)
    assert "Only finished orders can be imported" in text
    assert "does not exist or is not in your communities" in text
    assert not WorkOrder.objects.exists()


def test_a_technician_cannot_import(client, technician):
    client.force_login(technician)
    from tests.helpers import admin_url

    assert client.get(admin_url("workorder", "import")).status_code == 403
