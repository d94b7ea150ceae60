"""The visits resource of the API contract: list and detail in scope, recording through
/transition/, bad input refused with a 4xx and nothing changed."""

import pytest
from property_service.visits.models import State, Visit

from tests.workorders.conftest import at

URL = "/api/v1/visits/"


def make_visit(place, due="2026-12-20 23:59"):
    return Visit.objects.create(community=place.community, unit=place.unit, kind="first_month",
                                resident=place.resident, planned_on=at(due).date(),
                                due_at=at(due))


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_api")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_list_shows_the_visits_of_the_users_communities_only(client, agent, place_a,
                                                                 place_b, clock):
    mine, theirs = make_visit(place_a), make_visit(place_b)
    client.force_login(agent)
    body = client.get(URL).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    for key in ("kind", "kind_label", "due_at", "done_at", "outcome", "satisfaction", "state",
                "unit", "unit_label", "resident"):
        assert key in row
    assert row["kind"] == "first_month" and row["due_at"].endswith("+08:00")
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404


def test_recording_a_visit_through_transition(client, agent, place_a, clock):
    clock.set("2026-12-05 10:00")
    planned = make_visit(place_a)
    client.force_login(agent)
    response = post(client, f"{URL}{planned.pk}/transition/",
                    {"action": "done", "outcome": "上门回访", "satisfaction": 5})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "done" and response.json()["on_time"] is True


@pytest.mark.parametrize("data, field", [
    ({"action": "done", "outcome": "好"}, "satisfaction"),
    ({"action": "done", "outcome": "好", "satisfaction": 6}, "satisfaction"),
    ({"action": "fly"}, "action"),
])
def test_bad_input_is_a_400_and_changes_nothing(client, agent, place_a, clock, data, field):
    planned = make_visit(place_a)
    client.force_login(agent)
    response = post(client, f"{URL}{planned.pk}/transition/", data)
    assert response.status_code == 400 and field in response.json()
    assert Visit.objects.get(pk=planned.pk).state == State.PLANNED


def test_an_empty_outcome_is_refused_in_the_users_language(client, agent, place_a, clock):
    planned = make_visit(place_a)
    client.force_login(agent)
    response = client.post(f"{URL}{planned.pk}/transition/",
                           {"action": "unreachable", "outcome": ""},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "Write" not in response.content.decode()


def test_a_technician_may_not_read_visits(client, make_staff, place_a):
    make_visit(place_a)
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get(URL).status_code == 403


def test_an_agent_may_not_add_visits_but_a_supervisor_may(client, agent, make_staff, place_a,
                                                          clock):
    client.force_login(agent)
    data = {"unit": place_a.unit.pk, "due_at": "2026-12-10T18:00:00+08:00"}
    assert post(client, URL, data).status_code == 403
    client.force_login(make_staff("CS Supervisor", communities=[place_a.community]))
    response = post(client, URL, data)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "other"
    assert post(client, URL, {**data, "kind": "first_month"}).status_code == 400
