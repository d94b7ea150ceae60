"""A resident on a phone reports a leak with a photo and sees its deadline; a CS agent
dispatches it in the back office; the resident sees the new state and reads a notice. In a
real browser."""

import pytest
from django.utils import timezone
from property_service.notices import services as notice_services
from property_service.notices.models import NoticeRead
from property_service.portal import services as portal_services
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from tests.browser.conftest import PHONE
from tests.factories.workorders import TeamMemberFactory

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
       b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
PASSWORD = "Resident-pass-2026"


def log_in(page, url, username, password):
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_resident_reports_a_leak_that_an_agent_dispatches(live_server, browser, screenshot,
                                                            make_staff, place_a):
    portal_services.create_account(by=None, resident=place_a.resident, username="owner_live",
                                   password=PASSWORD)
    make_staff("CS Agent", username="agent_live")
    technician = make_staff("Maintenance", username="tech_live")
    leak = WorkOrderCategory.objects.get(code="water_leak")
    TeamMemberFactory(team=leak.default_team, user=technician)

    phone = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"},
                                **PHONE).new_page()
    log_in(phone, f"{live_server.url}/portal/login/", "owner_live", PASSWORD)
    phone.wait_for_url(f"{live_server.url}/portal/")
    phone.click("a[href$=\"/portal/repairs/new/\"]")
    phone.wait_for_url("**/portal/repairs/new/")
    phone.select_option("select[name=category]", str(leak.pk))
    phone.fill("textarea[name=description]", "卫生间天花板漏水，滴到地上")
    phone.set_input_files("input[name=photos]", files=[
        {"name": "leak.png", "mimeType": "image/png", "buffer": PNG}])
    screenshot(phone, "1-report")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#repair")
    order = WorkOrder.objects.get()
    assert order.channel == "app" and order.photos.count() == 1
    deadline = timezone.localtime(order.complete_by).strftime("%Y-%m-%d %H:%M")
    assert deadline in phone.inner_text('[data-deadline="complete"]')
    assert phone.locator("img.photo").count() == 1
    screenshot(phone, "2-reported")

    desk = browser.new_page(extra_http_headers={"Accept-Language": "zh-hans"})
    log_in(desk, f"{live_server.url}/admin/login/", "agent_live", "test-pass-2026")
    desk.wait_for_url(f"{live_server.url}/admin/")
    desk.goto(f"{live_server.url}/admin/property_service/workorder/{order.pk}/change/")
    form = desk.locator('form[data-action="dispatch"]')
    form.locator('select[name="assignee"]').select_option(str(technician.pk))
    form.locator('button[type="submit"]').click()
    desk.wait_for_selector('#work-order-timeline [data-event="dispatch"]')
    screenshot(desk, "3-dispatched")

    phone.reload()
    assert phone.get_attribute("[data-state]", "data-state") == "dispatched"
    assert "已派单" in phone.inner_text("[data-state]")
    screenshot(phone, "4-resident-sees-dispatch")

    manager = make_staff("Property Manager", username="manager_live")
    notice = notice_services.create_notice(
        by=manager, community=place_a.community, kind="outage", urgent=True,
        title="明日9:00-12:00停水通知", body="因管网维修，明日上午停水，请提前储水。",
        buildings=[place_a.building])
    notice_services.transition_notice(notice_id=notice.pk, user=manager, action="publish")
    phone.goto(f"{live_server.url}/portal/")
    phone.click(f"a[href$=\"/portal/notices/{notice.pk}/\"]")
    phone.wait_for_selector("#notice")
    assert "请提前储水" in phone.inner_text("#notice")
    assert NoticeRead.objects.filter(notice=notice, user__username="owner_live").exists()
    screenshot(phone, "5-notice")
