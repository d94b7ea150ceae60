"""In a real browser, in Chinese: a resident's page tells their story, and "报修" opens a new
work order already filled in with the resident, their unit and community."""

import re

import pytest
from django.utils import timezone
from property_service.workorders import services
from property_service.workorders.models import WorkOrderCategory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_files_a_repair_from_a_residents_story(live_server, browser, make_staff,
                                                        place_a, screenshot, clock):
    clock.set("2026-11-25 10:00")
    agent = make_staff("CS Agent", communities=[place_a.community], username="agent_live")
    order = services.create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, resident=place_a.resident,
        channel="phone", category=WorkOrderCategory.objects.get(code="water_leak"),
        description="厨房漏水", reported_at=timezone.now())
    assert order.number.startswith("WO-202611-")

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "agent_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/property_service/resident/{place_a.resident.pk}/change/")
    story = page.locator("#story")
    story.wait_for()
    link = story.locator(f'[data-kind="work_order"] a:text-is("{order.number}")')
    assert link.count() == 1
    assert link.get_attribute("href") == \
        f"/admin/property_service/workorder/{order.pk}/change/"
    actions = page.locator("#story-actions")
    assert actions.locator("a.story-repair").inner_text() == "登记报修"
    assert actions.locator("a.story-complaint").inner_text() == "投诉"
    text = story.inner_text()
    assert "厨房漏水" in text and "报修于 2026-11-25 10:00" in text
    # A Chinese page: no English words in the story (numbers and the records' own names
    # aside).
    for own in (order.number, order.category.name, place_a.resident.name,
                place_a.building.name):
        text = text.replace(own, "")
    assert not re.search(r"[A-Za-z]{3,}", text), text
    screenshot(page, "resident-story")

    actions.locator("a.story-repair").click()
    page.wait_for_url(re.compile(r".*/workorder/add/\?.*"))
    assert page.locator('select[name="unit"] option[selected]').get_attribute("value") == \
        str(place_a.unit.pk)
    assert page.locator('select[name="resident"] option[selected]').get_attribute(
        "value") == str(place_a.resident.pk)
    assert page.locator('select[name="community"]').input_value() == \
        str(place_a.community.pk)
    assert place_a.resident.name in page.locator(".field-resident").inner_text()
    screenshot(page, "repair-form-filled-in")

    # The order's page prints its work order.
    page.goto(f"{live_server.url}/admin/property_service/workorder/{order.pk}/change/")
    sheet = page.locator("#work-order-sheet")
    assert sheet.inner_text() == "打印派工单"
    response = page.request.get(f"{live_server.url}{sheet.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    screenshot(page, "order-with-print-button")
