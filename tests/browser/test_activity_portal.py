"""In a real browser on a phone, in Simplified Chinese: a resident finds a community activity
in the portal, signs up two people of their household, and sees the places left go down; the
page holds no English."""

import pytest
from property_service.activities import services
from property_service.activities.models import ActivitySignup
from property_service.portal import services as portal_services

from tests.browser.conftest import PHONE
from tests.english import english_in_html
from tests.workorders.conftest import at

PASSWORD = "Resident-pass-2026"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_resident_signs_up_for_an_activity_in_chinese(live_server, browser, screenshot,
                                                        make_staff, place_a, clock):
    place_a.community.name, place_a.building.name = "锦绣花园", "6栋"
    place_a.community.save()
    place_a.building.save()
    portal_services.create_account(by=None, resident=place_a.resident, username="owner_act",
                                   password=PASSWORD)
    agent = make_staff("CS Agent", communities=[place_a.community])
    manager = make_staff("Property Manager", communities=[place_a.community])
    activity = services.activity_create(
        by=agent, community=place_a.community, title="中秋赏月会", title_en="Moon party",
        place="中心花园", starts_at=at("2027-01-20 19:00"), ends_at=at("2027-01-20 21:00"),
        signup_closes_at=at("2027-01-18 18:00"), capacity=30, household_limit=3)
    services.transition_activity(activity_id=activity.pk, user=manager, action="publish")

    phone = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"},
                                **PHONE).new_page()
    phone.goto(f"{live_server.url}/portal/login/")
    phone.fill("input[name=username]", "owner_act")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/portal/")
    phone.click('nav a[href$="/portal/activities/"]')
    phone.wait_for_selector("#activities")
    assert "中秋赏月会" in phone.inner_text("#activities")
    phone.click(f'a[href$="/portal/activities/{activity.pk}/"]')
    phone.wait_for_selector("#signup-form")
    assert phone.get_attribute("[data-places-left]", "data-places-left") == "30"
    phone.select_option("select[name=people]", "2")
    screenshot(phone, "1-sign-up")
    phone.click("#signup-form button[type=submit]")
    phone.wait_for_selector('#my-signup[data-status="confirmed"]')
    assert "报名成功" in phone.inner_text(".messages")
    assert phone.get_attribute("[data-places-left]", "data-places-left") == "28"
    assert english_in_html(phone.content()) == []
    screenshot(phone, "2-signed-up")
    signup = ActivitySignup.objects.get()
    assert (signup.unit, signup.people, signup.channel) == (place_a.unit, 2, "portal")
