"""The activities and activity-signups resources: scoped lists with figures, creation and
transitions per role, sign-ups, attendance and feedback, bad input a 4xx that changes nothing."""

import pytest
from property_service.activities.models import Activity, ActivityFeedback, ActivitySignup

from tests.activities.conftest import act, sign_up

URL, SIGNUPS = "/api/v1/activities/", "/api/v1/activity-signups/"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_the_list_shows_the_users_communities_with_figures(client, published, plan, agent,
                                                           make_staff, place_b):
    mine = published()
    theirs = plan(place=place_b, by=make_staff("CS Agent", communities=[place_b.community]))
    client.force_login(agent)
    body = client.get(URL).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    for key in ("state", "signups", "attended", "participation_rate", "satisfaction",
                "figures", "label", "starts_at", "place", "capacity"):
        assert key in row
    assert row["starts_at"].endswith("+08:00") and row["figures"]["targets"][
        "household_share"] == 60.0
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404


def test_an_agent_plans_and_a_manager_publishes(client, agent, manager, place_a, clock):
    client.force_login(agent)
    response = post(client, URL, {
        "community": place_a.community.pk, "title": "春节联欢会", "place": "会所二楼",
        "starts_at": "2027-01-30T18:00:00+08:00", "ends_at": "2027-01-30T21:00:00+08:00",
        "signup_closes_at": "2027-01-28T18:00:00+08:00", "capacity": 80})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "planned" and created["household_limit"] == 4
    refused = post(client, f"{URL}{created['id']}/transition/", {"action": "publish"})
    assert refused.status_code == 403
    client.force_login(manager)
    response = post(client, f"{URL}{created['id']}/transition/", {"action": "publish"})
    assert response.status_code == 200 and response.json()["state"] == "published"


def test_an_activity_created_with_the_contracts_fields_alone_takes_its_times_from_the_rules(
        client, agent, place_a, clock, settings, tmp_path):
    from tests.targets import edited_fixtures

    client.force_login(agent)
    fields = {"community": place_a.community.pk, "title": "元宵灯会", "place": "中心花园",
              "starts_at": "2027-02-20T18:00:00+08:00", "capacity": 200}
    response = post(client, URL, fields)
    assert response.status_code == 201, response.content
    created = response.json()
    # fixtures/activity_rules.toml: two hours long, sign-up closing a day before.
    assert (created["ends_at"], created["signup_closes_at"]) == (
        "2027-02-20T20:00:00+08:00", "2027-02-19T18:00:00+08:00")
    edited_fixtures(settings, tmp_path, "activity_rules.toml",
                    sections={"planning": {"default_duration_hours": 3},
                              "signup": {"default_close_hours_before": 48}})
    created = post(client, URL, fields).json()
    assert (created["ends_at"], created["signup_closes_at"]) == (
        "2027-02-20T21:00:00+08:00", "2027-02-18T18:00:00+08:00")


def test_publishing_late_without_a_reason_is_a_400_in_the_users_language(client, plan,
                                                                        manager, clock):
    clock.set("2027-01-01 10:00")
    activity = plan()
    client.force_login(manager)
    response = post(client, f"{URL}{activity.pk}/transition/", {"action": "publish"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "comment" in response.json()
    assert "ahead" not in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).state == "planned"
    response = post(client, f"{URL}{activity.pk}/transition/",
                    {"action": "publish", "reason": "业委会决定提前"})
    assert response.status_code == 200


def test_bad_dates_are_a_400_and_nothing_is_created(client, agent, place_a, clock):
    client.force_login(agent)
    response = post(client, URL, {
        "community": place_a.community.pk, "title": "义诊", "place": "广场",
        "starts_at": "2027-01-30T18:00:00+08:00", "ends_at": "2027-01-30T17:00:00+08:00",
        "signup_closes_at": "2027-01-28T18:00:00+08:00", "capacity": 80})
    assert response.status_code == 400 and "ends_at" in response.json()
    assert not Activity.objects.exists()


def test_signing_up_taking_attendance_and_feedback(client, published, desk, agent, place_a,
                                                   clock):
    activity = published()
    client.force_login(desk)
    response = post(client, SIGNUPS, {"activity": activity.pk, "unit": place_a.unit.pk,
                                      "people": 2})
    assert response.status_code == 201, response.content
    signup = response.json()
    assert signup["status"] == "confirmed" and signup["channel"] == "desk"
    again = post(client, SIGNUPS, {"activity": activity.pk, "unit": place_a.unit.pk,
                                   "people": 1})
    assert again.status_code == 400
    too_many = post(client, SIGNUPS, {"activity": activity.pk, "unit": place_a.unit.pk,
                                      "people": 9})
    assert too_many.status_code == 400

    clock.set("2027-01-20 19:30")
    client.force_login(agent)
    response = post(client, f"{SIGNUPS}{signup['id']}/attendance/", {"attended": True})
    assert response.status_code == 200 and response.json()["attendance"] == "attended"
    early = post(client, f"{SIGNUPS}{signup['id']}/feedback/",
                 {"rating": 9, "satisfied": True})
    assert early.status_code == 400
    act(activity, agent, "mark_held")
    bad = post(client, f"{SIGNUPS}{signup['id']}/feedback/", {"rating": 11, "satisfied": True})
    assert bad.status_code == 400 and "rating" in bad.json()
    response = post(client, f"{SIGNUPS}{signup['id']}/feedback/",
                    {"rating": 9, "satisfied": True, "comment": "节目很好"})
    assert response.status_code == 200 and response.json()["feedback"]["rating"] == 9
    assert ActivityFeedback.objects.count() == 1
    body = client.get(f"{URL}{activity.pk}/").json()
    assert body["attended"] == 2 and body["satisfaction"] == 100.0


def test_a_sign_up_can_be_cancelled_while_open(client, published, desk, place_a):
    activity = published()
    signup = sign_up(activity, desk, place_a.unit)
    client.force_login(desk)
    response = post(client, f"{SIGNUPS}{signup.pk}/cancel/", {})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_another_communitys_sign_ups_are_not_found(client, published, desk, make_staff,
                                                  place_a, place_b):
    signup = sign_up(published(), desk, place_a.unit)
    client.force_login(make_staff("CS Agent", communities=[place_b.community]))
    assert client.get(SIGNUPS).json()["results"] == []
    assert post(client, f"{SIGNUPS}{signup.pk}/cancel/", {}).status_code == 404
    assert ActivitySignup.objects.get().status == "confirmed"


def test_a_technician_may_not_read_activities(client, make_staff, place_a):
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get(URL).status_code == 403
    assert client.get(SIGNUPS).status_code == 403


@pytest.mark.parametrize("role", ["Front Desk", "Security"])
def test_roles_without_planning_rights_cannot_create(client, make_staff, place_a, role):
    client.force_login(make_staff(role, communities=[place_a.community]))
    response = post(client, URL, {"community": place_a.community.pk, "title": "x",
                                  "place": "y", "starts_at": "2027-01-30T18:00:00+08:00",
                                  "ends_at": "2027-01-30T19:00:00+08:00",
                                  "signup_closes_at": "2027-01-28T18:00:00+08:00",
                                  "capacity": 5})
    assert response.status_code == 403
