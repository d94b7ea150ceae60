"""In a real browser, in Chinese, as a CS agent: a resident phones about a leak; from the call to
a saved, dispatched work order in at most four interactions, all by keyboard but the choice of
the problem, with the deadlines shown before saving."""

import datetime

import pytest
from property_service.workorders.models import Team, WorkOrder, WorkOrderCategory

from tests.factories.registry import BuildingFactory, OccupancyFactory, UnitFactory

MAX_INTERACTIONS = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_files_a_leak_from_a_call_in_four_interactions(live_server, browser, screenshot,
                                                                make_staff, place_a, clock):
    make_staff("CS Agent", communities=[place_a.community], username="desk_live")
    # This site's maintenance team works from a pool: the desk dispatches to it at once.
    Team.objects.filter(code="maintenance").update(dispatch_mode=Team.DispatchMode.POOL)
    unit = UnitFactory(building=BuildingFactory(community=place_a.community, name="6栋"),
                       entrance="2", number="1502")
    resident = OccupancyFactory(unit=unit, resident__name="李雷", resident__phone="13955501502",
                                is_primary_contact=True).resident
    leak = WorkOrderCategory.objects.get(code="water_leak")

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "desk_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    # The desk is in the menu.
    page.click('a[href="/admin/property_service/calldesk/"]')
    page.wait_for_selector("#call-desk")
    assert "来电登记" in page.content()
    page.wait_for_function("document.activeElement.name === 'q'")
    screenshot(page, "0-desk")

    interactions = 0
    # 1. Type what the caller says ("…1502"), Enter.
    page.keyboard.type("1502")
    page.keyboard.press("Enter")
    interactions += 1
    page.wait_for_selector("#desk-matches [data-first-match]")
    assert "139****1502" in page.content() and "13955501502" not in page.content()
    page.wait_for_function("document.activeElement.hasAttribute('data-first-match')")
    screenshot(page, "1-matches")

    # 2. Enter picks the first match: the caller and their unit.
    page.keyboard.press("Enter")
    interactions += 1
    page.wait_for_selector("#desk-picked")
    assert "李雷" in page.locator("#desk-picked").inner_text()
    page.wait_for_function("document.activeElement.name === 'category'")
    screenshot(page, "2-picked")

    # 3. The problem and what the caller says; the deadlines appear before anything is saved.
    page.select_option("#desk-repair select[name=category]", str(leak.pk))
    page.fill("#desk-repair textarea[name=description]", "厨房天花板漏水")
    interactions += 1
    preview = page.wait_for_selector("#repair-deadlines")
    respond_by = datetime.datetime.fromisoformat(preview.get_attribute("data-respond-by"))
    complete_by = datetime.datetime.fromisoformat(preview.get_attribute("data-complete-by"))
    assert page.locator("#repair-deadlines select[name=send_to]").input_value() == "team"
    assert "紧急" in preview.inner_text() and not WorkOrder.objects.exists()
    screenshot(page, "3-deadlines")

    # 4. Save.
    page.click("#desk-save-repair")
    interactions += 1
    page.wait_for_selector("#desk-saved")
    screenshot(page, "4-saved")

    assert interactions <= MAX_INTERACTIONS
    order = WorkOrder.objects.get()
    assert (order.unit, order.resident, order.category, order.priority, order.state) == (
        unit, resident, leak, "urgent", "dispatched")
    assert (order.respond_by, order.complete_by) == (respond_by, complete_by)
    link = page.locator("#desk-saved a")
    assert link.inner_text() == order.number
    assert link.get_attribute("href") == f"/admin/property_service/workorder/{order.pk}/change/"
    page_text = page.locator("#call-desk").inner_text()
    assert "Select value" not in page_text and "Save the repair" not in page_text
    assert refused == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_picking_the_resident_on_the_add_form_fills_in_unit_and_community(
        live_server, browser, screenshot, make_staff, place_a):
    make_staff("CS Agent", communities=[place_a.community], username="form_live")
    unit = UnitFactory(building=BuildingFactory(community=place_a.community, name="6栋"),
                       entrance="2", number="1502")
    OccupancyFactory(unit=unit, resident__name="韩梅梅", resident__phone="13955507788",
                     is_primary_contact=True)

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "form_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/property_service/workorder/add/")
    assert page.locator("select[name=priority]").input_value() == ""
    assert "Select value" not in page.locator("#workorder_form").inner_html()
    page.locator("#id_resident + .select2 .select2-selection").click()
    page.keyboard.type("韩")
    page.locator(".select2-results__option", has_text="韩梅梅").click()
    page.wait_for_function(f"document.getElementById('id_unit').value === '{unit.pk}'")
    page.wait_for_function("document.getElementById('id_community').value === "
                           f"'{place_a.community.pk}'")
    assert str(unit) in page.locator("#id_unit + .select2").inner_text()
    screenshot(page, "filled")
