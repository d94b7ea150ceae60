"""The back office: planning in the add form, the activity page's actions (publishing with a
reason when late, sign-ups, attendance), the lists in scope, and a page for each role."""

import pytest
from property_service.activities.models import Activity, ActivitySignup

from tests.activities.conftest import sign_up

ADD = "/admin/property_service/activity/add/"


def test_an_agent_plans_in_the_add_form(client, agent, place_a, clock):
    client.force_login(agent)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {
        "community": place_a.community.pk, "title": "健康讲座", "title_en": "Health talk",
        "place": "会所", "starts_at_0": "2027-01-15", "starts_at_1": "14:00",
        "ends_at_0": "2027-01-15", "ends_at_1": "16:00", "signup_closes_at_0": "2027-01-14",
        "signup_closes_at_1": "18:00", "capacity": 40, "household_limit": 2})
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    assert activity.created_by == agent and activity.events.get().action == "created"


def test_the_manager_publishes_late_only_with_a_reason(client, plan, manager, clock):
    clock.set("2027-01-01 10:00")
    activity = plan()
    client.force_login(manager)
    url = f"/admin/property_service/activity/{activity.pk}/act/"
    page = client.get(f"/admin/property_service/activity/{activity.pk}/change/")
    assert 'data-action="publish"' in page.content.decode()
    client.post(url, {"action": "publish", "expected_state": "planned"})
    assert Activity.objects.get(pk=activity.pk).state == "planned"
    client.post(url, {"action": "publish", "expected_state": "planned", "comment": "提前通知"})
    assert Activity.objects.get(pk=activity.pk).state == "published"


def test_the_desk_records_a_sign_up_on_the_activity_page(client, published, desk, place_a):
    activity = published()
    client.force_login(desk)
    client.post(f"/admin/property_service/activity/{activity.pk}/act/",
                {"action": "sign_up", "unit": place_a.unit.pk, "people": 2})
    assert ActivitySignup.objects.get().people == 2


def test_lists_are_scoped(client, published, desk, make_staff, place_a, place_b):
    sign_up(published(), desk, place_a.unit)
    client.force_login(make_staff("CS Agent", communities=[place_b.community]))
    for url in ("/admin/property_service/activity/", "/admin/property_service/activitysignup/",
                "/admin/property_service/activityfeedback/"):
        response = client.get(url)
        assert response.status_code == 200 and "中秋赏月会" not in response.content.decode()


@pytest.mark.parametrize("role", ["Property Manager", "CS Supervisor", "CS Agent", "Front Desk"])
def test_each_role_opens_the_pages(client, published, desk, make_staff, place_a, role):
    activity = published()
    signup = sign_up(activity, desk, place_a.unit)
    client.force_login(make_staff(role, communities=[place_a.community]))
    for url in ("/admin/property_service/activity/",
                f"/admin/property_service/activity/{activity.pk}/change/",
                "/admin/property_service/activitysignup/",
                f"/admin/property_service/activitysignup/{signup.pk}/change/",
                "/admin/property_service/activity/figures/"):
        assert client.get(url).status_code == 200, url
