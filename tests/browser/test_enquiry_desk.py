"""In a real browser, in Chinese: a front-desk clerk answers a caller's question on the spot
from the call desk, and the enquiry page shows it answered at the desk with its timeline."""

import pytest
from property_service.enquiries.models import Enquiry

from tests.factories.registry import BuildingFactory, OccupancyFactory, UnitFactory


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_desk_answers_a_callers_question_on_the_spot(live_server, browser, screenshot,
                                                         make_staff, place_a, clock):
    make_staff("Front Desk", communities=[place_a.community], username="desk_live")
    unit = UnitFactory(building=BuildingFactory(community=place_a.community, name="6栋"),
                       entrance="2", number="1502")
    resident = OccupancyFactory(unit=unit, resident__name="李雷", resident__phone="13955501502",
                                is_primary_contact=True).resident

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    log_in(page, live_server, "desk_live")
    page.goto(f"{live_server.url}/admin/property_service/calldesk/"
              f"?unit={unit.pk}&resident={resident.pk}")
    page.wait_for_selector("#desk-enquiry")
    form = page.locator("#desk-enquiry")
    form.locator("select[name=topic]").select_option("parking")
    form.locator("textarea[name=question]").fill("临时停车怎么收费？")
    form.locator("textarea[name=answer]").fill("每小时5元，24小时封顶30元")
    screenshot(page, "1-desk-enquiry")
    form.locator("#desk-save-enquiry").click()
    page.wait_for_selector("text=ZX-")
    saved = Enquiry.objects.get()
    assert saved.state == "desk_answered" and saved.resident == resident
    screenshot(page, "2-saved")

    page.goto(f"{live_server.url}/admin/property_service/enquiry/{saved.pk}/change/")
    page.wait_for_selector("#enquiry-actions")
    assert "前台已答复" in page.locator("#enquiry-actions").inner_text()
    screenshot(page, "3-enquiry-page")
