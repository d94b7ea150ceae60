"""A technician sees only the orders of their team or assigned to them, everywhere."""

import pytest
from property_service.access.scoping import scope
from property_service.workorders.models import FollowUp, WorkOrder, WorkOrderEvent

from tests.factories.workorders import WorkOrderFactory
from tests.helpers import admin_url


@pytest.fixture
def orders(place_a, maintenance_team, cleaning_team, technician):
    mine = WorkOrderFactory(unit=place_a.unit, team=maintenance_team, number="WO-MINE-1")
    theirs = WorkOrderFactory(unit=place_a.unit, team=cleaning_team, number="WO-CLEAN-1")
    assigned = WorkOrderFactory(unit=place_a.unit, team=cleaning_team, assignee=technician,
                                number="WO-LENT-1")
    return mine, theirs, assigned


def test_the_scope_keeps_team_and_assigned_orders(technician, orders):
    mine, theirs, assigned = orders
    assert set(scope(WorkOrder.objects.all(), technician)) == {mine, assigned}


def test_an_orders_timeline_and_calls_follow_what_the_user_sees_of_the_orders(
        technician, agent, orders):
    mine, theirs, assigned = orders
    for order in orders:
        WorkOrderEvent.objects.create(work_order=order, action="created", by=agent)
        FollowUp.objects.create(work_order=order, due_at=order.reported_at)
    for model in (WorkOrderEvent, FollowUp):
        rows = model.objects.all()
        assert {row.work_order for row in scope(rows, technician)} == {mine, assigned}
        # Whoever sees every order of the community sees every order's rows.
        assert {row.work_order for row in scope(rows, agent)} == {mine, theirs, assigned}
    # A community's calls are found on their own rows, not through the orders.
    assert "property_service_workorder" not in str(scope(FollowUp.objects.all(), agent).query)


def test_list_search_and_detail_hide_other_teams_orders(client, technician, orders):
    mine, theirs, _ = orders
    client.force_login(technician)
    page = client.get(admin_url("workorder", "changelist")).content.decode()
    assert "WO-MINE-1" in page and "WO-CLEAN-1" not in page
    found = client.get(admin_url("workorder", "changelist"), {"q": "WO-CLEAN-1"})
    assert list(found.context["cl"].result_list) == []
    detail = client.get(admin_url("workorder", "change", theirs.pk))
    assert detail.status_code == 302  # "doesn't exist", back to the index
    assert client.get(admin_url("workorder", "history", theirs.pk)).status_code == 404
    assert client.post(f"/admin/property_service/workorder/{theirs.pk}/act/",
                       {"action": "take"}).status_code == 404


def test_the_api_hides_other_teams_orders(client, technician, orders):
    mine, theirs, assigned = orders
    client.force_login(technician)
    ids = [o["id"] for o in client.get("/api/v1/work-orders/").json()["results"]]
    assert sorted(ids) == sorted([mine.pk, assigned.pk])
    assert client.get(f"/api/v1/work-orders/{theirs.pk}/").status_code == 404
    response = client.post(f"/api/v1/work-orders/{theirs.pk}/transition/", {"action": "take"},
                           content_type="application/json")
    assert response.status_code == 404


def test_agents_see_every_order_of_their_communities(agent, orders, place_b):
    other = WorkOrderFactory(unit=place_b.unit)
    visible = set(scope(WorkOrder.objects.all(), agent))
    assert set(orders) <= visible and other not in visible


def test_the_unit_page_lists_only_orders_the_user_may_see(client, technician, orders, place_a):
    client.force_login(technician)
    page = client.get(admin_url("unit", "change", place_a.unit.pk)).content.decode()
    assert "WO-MINE-1" in page and "WO-CLEAN-1" not in page
