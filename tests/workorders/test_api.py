"""The work-order resources of the API contract."""

from property_service.workorders.models import WorkOrder

from tests.workorders.conftest import category


def test_creating_an_order_with_ids_and_codes(client, agent, place_a):
    client.force_login(agent)
    response = client.post("/api/v1/work-orders/", {
        "unit": place_a.unit.pk, "category": category("elevator").pk, "channel": "app",
        "description": "电梯困人"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("WO-") and body["state"] == "new"
    assert body["priority"] == "important" and body["community"] == place_a.community.pk
    assert body["respond_by"].endswith("+08:00")
    assert body["sla_state"] in ("on_track", "due_soon") and body["is_repeat"] is False


def test_bad_input_is_a_4xx_in_the_callers_language(client, agent, place_a, place_b):
    client.force_login(agent)
    response = client.post("/api/v1/work-orders/", {
        "unit": place_b.unit.pk, "category": category("elevator").pk, "channel": "fax",
        "description": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert set(response.json()) >= {"unit", "channel", "description"}
    assert not WorkOrder.objects.exists()


def test_transitions_through_the_api(client, agent, technician, new_order):
    order = new_order()
    client.force_login(agent)
    url = f"/api/v1/work-orders/{order.pk}/transition/"
    response = client.post(url, {"action": "dispatch", "assignee": technician.pk},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "dispatched"
    client.force_login(technician)
    assert client.post(url, {"action": "accept"},
                       content_type="application/json").json()["state"] == "accepted"
    refused = client.post(url, {"action": "cancel", "reason": "x"},
                          content_type="application/json")
    assert refused.status_code == 403 and "detail" in refused.json()


def test_a_concurrent_change_is_409(client, agent, technician, new_order):
    order = new_order()
    client.force_login(agent)
    url = f"/api/v1/work-orders/{order.pk}/transition/"
    client.post(url, {"action": "dispatch", "assignee": technician.pk,
                      "expected_state": "new"}, content_type="application/json")
    response = client.post(url, {"action": "dispatch", "assignee": technician.pk,
                                 "expected_state": "new"}, content_type="application/json")
    assert response.status_code == 409


def test_a_missing_reason_is_a_field_error(client, supervisor, new_order):
    order = new_order()
    client.force_login(supervisor)
    response = client.post(f"/api/v1/work-orders/{order.pk}/transition/", {"action": "cancel"},
                           content_type="application/json")
    assert response.status_code == 400 and "comment" in response.json()


def test_categories_and_teams(client, agent):
    client.force_login(agent)
    categories = client.get("/api/v1/work-order-categories/?page_size=50").json()["results"]
    leak = next(c for c in categories if c["code"] == "water_leak")
    assert leak["default_priority"] == "urgent"
    # Labels in the caller's language (English here), both names as they are stored.
    assert (leak["label"], leak["default_team_label"]) == ("Water leak", "Maintenance team")
    assert (leak["name"], leak["name_en"]) == ("漏水", "Water leak")
    chinese = client.get(f"/api/v1/work-order-categories/{leak['id']}/",
                         HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (chinese["label"], chinese["default_team_label"]) == ("漏水", "工程维修部")
    teams = client.get("/api/v1/teams/").json()["results"]
    assert {t["code"] for t in teams} >= {"maintenance", "cleaning", "security"}


def test_the_state_cannot_be_written(client, agent, new_order):
    order = new_order()
    client.force_login(agent)
    response = client.patch(f"/api/v1/work-orders/{order.pk}/",
                            {"state": "closed", "description": "改"},
                            content_type="application/json")
    assert response.status_code == 400 and list(response.json()) == ["state"]
    order.refresh_from_db()
    assert order.state == "new" and order.description == "灯不亮"
