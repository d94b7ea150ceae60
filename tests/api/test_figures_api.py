"""The figures API: repairs and complaints of one month, per community (and team or
technician), with the targets; scoped like the pages; bad parameters are 400s with a message."""

import datetime

import pytest
from property_service.api.tokens import issue_token
from property_service.complaints.states import State as ComplaintState

from tests.complaints.test_figures import complaint
from tests.complaints.test_figures import local as complaint_local
from tests.workorders.conftest import (  # noqa: F401  (fixtures)
    cleaning_team,
    maintenance_team,
    other_technician,
    technician,
)
from tests.workorders.test_figures import data_set  # noqa: F401  (fixture)

REPAIRS = "/api/v1/figures/work-orders/"
COMPLAINTS = "/api/v1/figures/complaints/"


def test_the_repair_figures_of_a_month_come_with_their_targets(client, make_staff,
                                                               data_set):  # noqa: F811
    a, b = data_set
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(REPAIRS, {"month": "2026-11"})
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-11"
    assert body["dispatch_standard_minutes"] == {"urgent": 10, "normal": 120}
    targets = {t["key"]: t for t in body["targets"]}
    assert targets["mean_satisfaction"]["target"] == 85
    assert targets["rework_rate"] == {"key": "rework_rate", "label": "Rework (%)",
                                      "target": None, "higher_is_better": False}
    assert [(r["community"], r["received"]) for r in body["results"]] == [(a.pk, 6), (b.pk, 1)]
    row = body["results"][0]
    assert row == {
        "community": a.pk, "community_label": "Community AAA", "month": "2026-11",
        "team": None, "team_label": None, "technician": None, "technician_label": None,
        "received": 6, "on_time_response_rate": 80.0, "on_time_completion_rate": 60.0,
        "median_dispatch_minutes": 45.5, "mean_dispatch_minutes": 56.5,
        "dispatch_in_standard_rate": 66.7, "rework_rate": 33.3,
        "follow_up_in_time_rate": 33.3, "mean_satisfaction": 70.0,
        "met": {"on_time_response_rate": None, "on_time_completion_rate": None,
                "median_dispatch_minutes": None, "mean_dispatch_minutes": None,
                "dispatch_in_standard_rate": None, "rework_rate": None,
                "follow_up_in_time_rate": None, "mean_satisfaction": False},
    }


def test_repair_rows_per_team_and_per_technician(client, make_staff, data_set,  # noqa: F811
                                                 maintenance_team, technician):  # noqa: F811
    a, _ = data_set
    client.force_login(make_staff("CS Supervisor", communities=None))
    teams = client.get(REPAIRS, {"month": "2026-11", "community": a.pk, "group": "team",
                                 "team": maintenance_team.pk}).json()["results"]
    assert [(r["team"], r["team_label"], r["received"]) for r in teams] == [
        (maintenance_team.pk, maintenance_team.name, 4)]
    people = client.get(REPAIRS, {"month": "2026-11", "community": a.pk,
                                  "group": "technician"}).json()["results"]
    assert [(r["technician_label"], r["received"]) for r in people] == [
        ("tech_a", 2), ("tech_b", 1), (None, 3)]
    assert people[0]["technician"] == technician.pk


def test_a_manager_of_community_a_gets_only_community_a(client, make_staff,
                                                        data_set):  # noqa: F811
    a, b = data_set
    token = issue_token(user=make_staff("Property Manager", communities=[a]))
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    rows = client.get(REPAIRS, {"month": "2026-11"}, **auth).json()["results"]
    assert [r["community"] for r in rows] == [a.pk]
    assert client.get(REPAIRS, {"month": "2026-11", "community": b.pk},
                      **auth).json()["results"] == []


def test_the_latest_month_holding_orders_is_the_default(client, make_staff,
                                                        data_set):  # noqa: F811
    client.force_login(make_staff("CS Supervisor", communities=None))
    assert client.get(REPAIRS).json()["month"] == "2026-11"


@pytest.mark.parametrize("language,message", [
    ("en", "“2026-13” is not a valid month: give it as YYYY-MM, e.g. 2026-11."),
    ("zh-hans", "“2026-13”不是有效的月份：请按 YYYY-MM 填写，例如 2026-11。")])
@pytest.mark.parametrize("url", [REPAIRS, COMPLAINTS])
def test_a_bad_month_is_a_400_with_a_message_in_the_callers_language(
        client, make_staff, place_a, url, language, message):
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(url, {"month": "2026-13"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json() == {"month": [message]}


@pytest.mark.parametrize("query", [{"month": "2026-1"}, {"month": "１２３４-11"},
                                   {"month": "0000-01"}, {"month": "9999-12"},
                                   {"community": "abc"}, {"community": "0"},
                                   {"team": "99999999999999999999999"}, {"group": "floor"}])
def test_every_bad_parameter_is_a_400_naming_it(client, make_staff, place_a, query):
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = client.get(REPAIRS, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


@pytest.mark.parametrize("url", [REPAIRS, COMPLAINTS])
def test_a_caller_without_credentials_is_told_to_authenticate(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("url", [REPAIRS, COMPLAINTS])
def test_a_role_without_the_records_gets_a_403(client, make_staff, url):
    client.force_login(make_staff("Admin & Finance", communities=None))
    assert client.get(url).status_code == 403


def test_the_complaint_figures_of_a_month_per_community(client, make_staff, place_a, place_b):
    a = place_a.community
    complaint(place_a, complaint_local(2026, 11, 1, 0, 30), ComplaintState.CLOSED,
              satisfaction=5)
    complaint(place_a, complaint_local(2026, 11, 7, 9), ComplaintState.CLOSED,
              category="cleaning", missed=["contact"], satisfaction=2)
    complaint(place_a, complaint_local(2026, 10, 31, 23, 30), ComplaintState.CLOSED,
              satisfaction=5)
    complaint(place_b, complaint_local(2026, 11, 10, 9), ComplaintState.CLOSED,
              satisfaction=4)
    token = issue_token(user=make_staff("CS Supervisor", communities=[a]))
    response = client.get(COMPLAINTS, {"month": "2026-11"},
                          HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-11"
    assert {t["key"]: t["target"] for t in body["targets"]} == {
        "on_time_rate": 95, "resolution_rate": 90, "reopen_rate": None,
        "mean_satisfaction": 85}
    assert body["results"] == [{
        "community": a.pk, "community_label": "Community AAA", "month": "2026-11",
        "received": 2, "on_time_rate": 50.0, "resolution_rate": 100.0, "reopen_rate": 0.0,
        "mean_satisfaction": 70.0,
        "met": {"on_time_rate": False, "resolution_rate": True, "reopen_rate": None,
                "mean_satisfaction": False},
        "top_categories": [{"label": "Cleaning", "count": 1}, {"label": "Repairs", "count": 1}],
    }]
    october = client.get(COMPLAINTS, {"month": "2026-10"},
                         HTTP_AUTHORIZATION=f"Token {token}").json()["results"]
    assert [(r["month"], r["received"]) for r in october] == [("2026-10", 1)]


def test_the_schema_documents_both_figures_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (REPAIRS, COMPLAINTS):
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"community", "month"}
        assert {"200", "400", "401", "403"} <= set(operation["responses"])


def test_the_month_bounds_are_local_midnights():
    from property_service.core.months import month_bounds

    start, stop = month_bounds(datetime.date(2026, 12, 1))
    assert (start.isoformat(), stop.isoformat()) == ("2026-12-01T00:00:00+08:00",
                                                     "2027-01-01T00:00:00+08:00")


def test_the_complaint_figures_open_on_the_latest_month_of_the_community_chosen(
        client, make_staff, place_a, place_b):
    complaint(place_a, complaint_local(2026, 11, 7, 9), ComplaintState.CLOSED)
    complaint(place_b, complaint_local(2026, 12, 2, 9), ComplaintState.CLOSED)
    client.force_login(make_staff("CS Supervisor", communities=None))
    assert client.get(COMPLAINTS).json()["month"] == "2026-12"
    assert client.get(COMPLAINTS, {"community": place_a.community.pk}).json()["month"] == \
        "2026-11"
    client.force_login(make_staff("CS Supervisor", communities=[place_a.community]))
    body = client.get(COMPLAINTS).json()
    assert body["month"] == "2026-11"
    assert [r["community"] for r in body["results"]] == [place_a.community.pk]
