"""In a real browser (Debian's Chromium, driven by Playwright): log in through the login form,
dispatch a work order with the button on its page, and see the back office in Chinese."""

import pytest
from django.utils import timezone
from property_service.workorders import services
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from tests.factories.workorders import TeamMemberFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_dispatches_an_order_from_its_page(live_server, browser, make_staff, place_a):
    agent = make_staff("CS Agent", username="agent_live")
    technician = make_staff("Maintenance", username="tech_live")
    TeamMemberFactory(team=WorkOrderCategory.objects.get(code="water_leak").default_team,
                      user=technician)
    order = services.create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=WorkOrderCategory.objects.get(code="water_leak"), description="厨房漏水",
        reported_at=timezone.now())

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "agent_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/property_service/workorder/{order.pk}/change/")
    assert "工单" in page.content()
    form = page.locator('form[data-action="dispatch"]')
    form.locator('select[name="assignee"]').select_option(str(technician.pk))
    form.locator('button[type="submit"]').click()
    page.wait_for_selector('#work-order-timeline [data-event="dispatch"]')
    order = WorkOrder.objects.get(pk=order.pk)
    assert (order.state, order.assignee) == ("dispatched", technician)
    assert page.locator('[data-state="dispatched"]').count() == 1
