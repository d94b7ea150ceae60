"""In a real browser, in Chinese: the front desk files an urgent order through the back office;
the CS agent sees the bell's badge, opens the order from the bell by its number, and finds the
overdue orders in their tab with its count."""

import datetime
import re

import pytest
from django.utils import timezone
from property_service.workorders.models import WorkOrder, WorkOrderCategory
from property_service.workorders.states import State

from tests.factories.workorders import WorkOrderFactory

ZH = {"locale": "zh-CN", "extra_http_headers": {"Accept-Language": "zh-hans"},
      "viewport": {"width": 1400, "height": 900}}


def log_in(browser, live_server, username):
    page = browser.new_page(**ZH)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_agent_hears_of_an_urgent_order_through_the_bell_and_works_the_overdue_tab(
        live_server, browser, screenshot, make_staff, place_a):
    make_staff("Front Desk", communities=[place_a.community], username="desk_live")
    make_staff("CS Agent", communities=[place_a.community], username="agent_live",
               first_name="小", last_name="王")
    now = timezone.now()
    WorkOrderFactory(unit=place_a.unit, state=State.NEW, reported_at=now - datetime.timedelta(
        hours=5), respond_by=now - datetime.timedelta(hours=4),
        complete_by=now + datetime.timedelta(days=1))
    leak = WorkOrderCategory.objects.get(code="water_leak")

    # The front desk files an urgent order through the back office's form.
    desk = log_in(browser, live_server, "desk_live")
    desk.goto(f"{live_server.url}/admin/property_service/workorder/add/")
    desk.select_option("select[name=community]", str(place_a.community.pk))
    desk.fill("input[name=location]", "3号楼大堂")
    desk.select_option("select[name=channel]", "walk_in")
    desk.select_option("select[name=category]", str(leak.pk))
    desk.select_option("select[name=priority]", "urgent")
    desk.fill("textarea[name=description]", "大堂天花板漏水")
    desk.click("button[name=_save]")
    desk.wait_for_url(re.compile(r".*/workorder/$"))
    order = WorkOrder.objects.get(description="大堂天花板漏水")
    assert order.priority == "urgent"

    # The agent sees the bell's badge in the top bar.
    agent = log_in(browser, live_server, "agent_live")
    badge = agent.locator("#notification-badge")
    assert badge.inner_text().strip() == "1"
    screenshot(agent, "bell-badge")

    # The bell's drop-down names the order by its number; following it opens the order.
    agent.click("#notification-bell-button")
    item = agent.locator("#notification-bell-items .bell-item").first
    item.wait_for()
    assert f"工单 {order.number}" in item.inner_text()
    assert "#" not in item.inner_text()
    screenshot(agent, "bell-open")
    item.click()
    agent.wait_for_url(re.compile(rf".*/workorder/{order.pk}/change/$"))
    assert order.number in agent.content()
    assert agent.locator("#notification-badge").count() == 0  # read now
    screenshot(agent, "order-opened")

    # The notification list names the order by its number too.
    agent.click("#notification-bell-button")
    agent.click("#notification-bell-all")
    agent.wait_for_url(re.compile(r".*/notification/$"))
    assert agent.get_by_role("link", name=f"工单 {order.number}").count() == 1
    screenshot(agent, "notification-list")

    # The overdue tab shows its count; choosing it lists the overdue order alone.
    agent.goto(f"{live_server.url}/admin/property_service/workorder/")
    overdue = agent.locator('#queue-tabs a[data-queue="overdue"]')
    assert overdue.locator(".queue-count").inner_text().strip() == "1"
    assert "逾期" in overdue.inner_text() or "超时" in overdue.inner_text()
    overdue.click()
    agent.wait_for_url(re.compile(r".*queue=overdue.*"))
    assert agent.locator('#queue-tabs a.active[data-queue="overdue"]').count() == 1
    screenshot(agent, "overdue-tab")
    page_text = agent.locator("#content").inner_text()
    assert not re.search(r"\b(Overdue|All|Notifications)\b", page_text)
