"""Who stops an order's SLA clock (a technician their own orders, whoever sees every order any
order in scope), and who downloads a register: exporting needs its own permission, which the
technicians' roles do not have."""

import pytest
from django.contrib.auth.models import Permission
from property_service.access.roles import may_export
from property_service.core.errors import NotAllowed
from property_service.workorders import services
from property_service.workorders.models import WorkOrder

from tests.conftest import ROLES
from tests.helpers import admin_url, export
from tests.workorders.conftest import fire

EXPORTS = ["export_unit", "export_resident", "export_workorder", "export_contract",
           "export_insurancepolicy"]
TECHNICIAN_ROLES = ["maintenance", "cleaning", "security"]


def test_a_technician_cannot_pause_another_technicians_order(new_order, agent, technician,
                                                             other_technician):
    order = fire(new_order(), agent, "dispatch", assignee=other_technician)
    with pytest.raises(NotAllowed):
        services.pause_clock(order_id=order.pk, user=technician, reason="住户不在家")
    assert WorkOrder.objects.get(pk=order.pk).paused_at is None


def test_a_technician_cannot_resume_another_technicians_order(new_order, agent, technician,
                                                              other_technician):
    order = fire(new_order(), agent, "dispatch", assignee=other_technician)
    services.pause_clock(order_id=order.pk, user=other_technician, reason="住户不在家")
    with pytest.raises(NotAllowed):
        services.resume_clock(order_id=order.pk, user=technician)
    assert WorkOrder.objects.get(pk=order.pk).paused_at is not None


def test_a_technician_pauses_their_own_order_and_a_supervisor_resumes_it(
        new_order, agent, technician, supervisor):
    order = fire(new_order(), agent, "dispatch", assignee=technician)
    services.pause_clock(order_id=order.pk, user=technician, reason="住户不在家")
    order = services.resume_clock(order_id=order.pk, user=supervisor, note="住户回来了")
    assert order.paused_at is None


def test_a_supervisor_pauses_any_order_in_their_communities(new_order, agent, supervisor,
                                                            other_technician):
    order = fire(new_order(), agent, "dispatch", assignee=other_technician)
    order = services.pause_clock(order_id=order.pk, user=supervisor, reason="等待住户")
    assert order.paused_at is not None


def test_the_order_page_offers_the_pause_only_on_the_technicians_own_orders(
        client, new_order, agent, technician, other_technician):
    own = fire(new_order(), agent, "dispatch", assignee=technician)
    other = fire(new_order(), agent, "dispatch", assignee=other_technician)
    client.force_login(technician)
    assert client.get(admin_url("workorder", "change", own.pk)).context["wo_can_pause"]
    assert not client.get(admin_url("workorder", "change", other.pk)).context["wo_can_pause"]


def test_the_api_refuses_a_technicians_pause_of_another_technicians_order(
        client, new_order, agent, technician, other_technician):
    order = fire(new_order(), agent, "dispatch", assignee=other_technician)
    client.force_login(technician)
    response = client.post(f"/api/v1/work-orders/{order.pk}/transition/",
                           {"action": "pause", "comment": "住户不在家"},
                           content_type="application/json")
    assert response.status_code == 403 and "detail" in response.json()


@pytest.mark.parametrize("role", TECHNICIAN_ROLES)
def test_no_technician_role_may_export_a_register(role):
    granted = {codename for _app, _model, codename in ROLES[role].permission_keys()}
    assert not granted & set(EXPORTS)


def test_the_office_roles_export_what_they_see():
    for role in ("system_manager", "property_manager", "cs_supervisor", "cs_agent",
                 "front_desk"):
        granted = {c for _a, _m, c in ROLES[role].permission_keys()}
        assert {"export_unit", "export_resident", "export_workorder"} <= granted, role
    finance = {c for _a, _m, c in ROLES["admin_finance"].permission_keys()}
    assert {"export_contract", "export_insurancepolicy"} <= finance


def test_a_technician_cannot_export_the_work_orders_they_see(client, new_order, agent,
                                                             technician):
    fire(new_order(), agent, "dispatch", assignee=technician)
    client.force_login(technician)
    assert not may_export(technician, WorkOrder)
    assert client.get(admin_url("workorder", "export")).status_code == 403
    assert client.post(admin_url("workorder", "export"), {"format": "1"}).status_code == 403
    page = client.get(admin_url("workorder", "changelist"))
    assert page.status_code == 200 and not page.context["has_export_permission"]


def test_an_agent_exports_the_work_orders(client, new_order, agent):
    order = new_order()
    client.force_login(agent)
    assert order.number in export(client, "workorder").decode()


def test_seeing_contracts_without_the_export_permission_gives_no_download(client, make_staff,
                                                                          place_a):
    reader = make_staff(None, communities=[place_a.community], is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(codename="view_contract"))
    client.force_login(reader)
    page = client.get("/admin/property_service/contract/renewals/")
    assert page.status_code == 200 and b"renewals-export" not in page.content
    assert client.get("/admin/property_service/contract/renewals/?format=xlsx").status_code \
        == 403
