"""After intake, a work order (like a complaint or an agreement in force) keeps what intake
fixed: one declaration per model says what may still be corrected, and the admin and the API
both follow it. A PATCH of anything else is refused with a message, not ignored. The priority
changes through its own action, which gives the order that priority's deadlines and is on its
timeline."""

import pytest
from django.contrib import admin
from property_service.complaints.models import Complaint
from property_service.contracts.models import Contract
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.intake import editable_fields, locked_fields
from property_service.insurance.models import InsurancePolicy
from property_service.workorders import services, sla
from property_service.workorders.models import WorkOrder

from tests.factories.registry import UnitFactory
from tests.factories.renewals import ContractFactory
from tests.helpers import admin_url
from tests.workorders.conftest import at, category, fire

REPORTED = "2026-11-23 10:00"  # a Monday


@pytest.fixture
def order(new_order):
    return new_order("electrical", reported_at=at(REPORTED))


def patch(client, order, body):
    return client.patch(f"/api/v1/work-orders/{order.pk}/", body,
                        content_type="application/json")


@pytest.mark.parametrize("field,value", [
    ("priority", "urgent"), ("category", "water_leak"), ("unit", None), ("community", None),
    ("channel", "app")])
def test_a_patch_of_what_intake_fixed_is_refused_with_a_message(client, agent, order, place_a,
                                                                field, value):
    value = {"category": lambda: category("water_leak").pk,
             "unit": lambda: UnitFactory(building=place_a.building, number="302").pk,
             "community": lambda: place_a.community.pk}.get(field, lambda: value)()
    before = WorkOrder.objects.get(pk=order.pk)
    client.force_login(agent)
    response = patch(client, order, {field: value, "description": "灯还是不亮"})
    assert response.status_code == 400
    assert response.json() == {field: ["This can no longer be changed after intake."]}
    after = WorkOrder.objects.get(pk=order.pk)
    assert (after.priority, after.category_id, after.unit_id, after.community_id,
            after.channel, after.description, after.respond_by, after.complete_by) == (
        before.priority, before.category_id, before.unit_id, before.community_id,
        before.channel, before.description, before.respond_by, before.complete_by)


def test_the_refusal_is_in_the_callers_language(client, agent, order):
    client.force_login(agent)
    response = client.patch(f"/api/v1/work-orders/{order.pk}/", {"priority": "urgent"},
                            content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    message = response.json()["priority"][0]
    assert message and not any("a" <= ch <= "z" for ch in message.lower())


def test_a_correction_goes_through_the_service_and_is_on_the_timeline(client, agent, order):
    client.force_login(agent)
    response = patch(client, order, {"description": "客厅灯不亮", "location": ""})
    assert response.status_code == 200, response.json()
    order.refresh_from_db()
    assert order.description == "客厅灯不亮"
    event = order.events.last()
    assert (event.action, event.by) == ("corrected", agent)
    assert "description" in event.comment


def test_the_service_refuses_a_locked_field_whoever_calls_it(agent, order):
    with pytest.raises(ActionError) as refused:
        services.correct_work_order(order_id=order.pk, user=agent,
                                    changes={"priority": "urgent"})
    assert refused.value.field == "priority"
    assert WorkOrder.objects.get(pk=order.pk).priority == "normal"


def test_changing_the_priority_recomputes_the_deadlines_and_is_on_the_timeline(agent, order):
    changed = services.change_priority(order_id=order.pk, user=agent, priority="urgent",
                                       comment="其实是漏电")
    due = sla.deadlines(sla.policy_for(community_id=order.community_id, priority="urgent"),
                        at(REPORTED))
    assert (changed.priority, changed.respond_by, changed.complete_by) == (
        "urgent", due.respond_by, due.complete_by)
    stored = WorkOrder.objects.get(pk=order.pk)
    assert (stored.respond_by, stored.complete_by) == (due.respond_by, due.complete_by)
    event = stored.events.last()
    assert event.action == "change_priority" and event.by == agent
    assert "Normal → Urgent" in event.comment and "其实是漏电" in event.comment


def test_a_new_priority_still_counts_the_time_the_clock_stood_still(agent, technician, order,
                                                                    monkeypatch):
    from django.utils import timezone

    order = fire(order, agent, "dispatch", assignee=technician)
    monkeypatch.setattr(timezone, "now", lambda: at("2026-11-23 10:10"))
    services.pause_clock(order_id=order.pk, user=technician, reason="住户不在家")
    monkeypatch.setattr(timezone, "now", lambda: at("2026-11-23 10:40"))
    services.resume_clock(order_id=order.pk, user=technician)
    changed = services.change_priority(order_id=order.pk, user=agent, priority="urgent")
    due = sla.deadlines(sla.policy_for(community_id=order.community_id, priority="urgent"),
                        at(REPORTED))
    assert (changed.complete_by - due.complete_by).total_seconds() == 30 * 60


def test_a_technician_may_not_change_the_priority(technician, agent, order):
    order = fire(order, agent, "dispatch", assignee=technician)
    with pytest.raises(NotAllowed):
        services.change_priority(order_id=order.pk, user=technician, priority="urgent")


def test_the_priority_of_a_closed_or_cancelled_order_stays(supervisor, order):
    services.transition_work_order(order_id=order.pk, user=supervisor, action="cancel",
                                   comment="重复报修")
    with pytest.raises(NotAllowed):
        services.change_priority(order_id=order.pk, user=supervisor, priority="urgent")


def test_the_api_changes_the_priority_as_an_action(client, agent, technician, order):
    client.force_login(agent)
    url = f"/api/v1/work-orders/{order.pk}/transition/"
    response = client.post(url, {"action": "change_priority", "priority": "urgent"},
                           content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["priority"] == "urgent"
    due = sla.deadlines(sla.policy_for(community_id=order.community_id, priority="urgent"),
                        at(REPORTED))
    assert WorkOrder.objects.get(pk=order.pk).complete_by == due.complete_by
    same = client.post(url, {"action": "change_priority", "priority": "urgent"},
                       content_type="application/json")
    assert same.status_code == 400 and "priority" in same.json()


def test_the_order_page_changes_the_priority_as_an_action(client, agent, order):
    client.force_login(agent)
    page = client.get(admin_url("workorder", "change", order.pk))
    assert page.context["wo_can_prioritise"]
    assert "priority" in page.context["adminform"].readonly_fields
    client.post(admin_url("workorder", "act", order.pk), {
        "action": "change_priority", "priority": "important", "expected_state": "new"})
    stored = WorkOrder.objects.get(pk=order.pk)
    due = sla.deadlines(sla.policy_for(community_id=order.community_id, priority="important"),
                        at(REPORTED))
    assert (stored.priority, stored.complete_by) == ("important", due.complete_by)


def test_the_order_page_saves_a_correction_through_the_service(client, agent, order):
    client.force_login(agent)
    page = client.get(admin_url("workorder", "change", order.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"description": "卧室灯不亮", "photos-TOTAL_FORMS": "0",
                 "photos-INITIAL_FORMS": "0", "_save": "Save"})
    data["record_version"] = page.context.get("record_version", "")
    response = client.post(admin_url("workorder", "change", order.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = WorkOrder.objects.get(pk=order.pk)
    assert stored.description == "卧室灯不亮"
    assert stored.events.last().action == "corrected"


@pytest.mark.parametrize("model", [WorkOrder, Complaint])
def test_the_admin_leaves_editable_exactly_what_the_model_declares(rf, agent, model):
    model_admin = admin.site._registry[model]
    record = model()
    readonly = set(model_admin.get_readonly_fields(rf.get("/"), record))
    editable = set(model_admin.change_fields) - readonly
    assert editable == set(model.editable_after_intake)


@pytest.mark.parametrize("model", [Contract, InsurancePolicy])
def test_an_agreement_in_force_locks_all_but_its_declared_fields(place_a, agent, model):
    record = model(state="active")
    assert editable_fields(record) == model.editable_in_force
    assert locked_fields(model(state="draft"), ["end_date"]) == []
    assert locked_fields(record, ["end_date", "notes"]) == ["end_date"]


def test_an_agreement_in_force_refuses_a_patch_of_its_end_date(client, make_staff, place_a):
    contract = ContractFactory(community=place_a.community, state="active")
    client.force_login(make_staff("Admin & Finance", communities=[place_a.community]))
    response = client.patch(f"/api/v1/contracts/{contract.pk}/", {"end_date": "2031-01-01"},
                            content_type="application/json")
    assert response.status_code == 400 and "renew or terminate" in response.json()[
        "end_date"][0]
