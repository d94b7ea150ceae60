"""In a real browser: a supervisor reads the repair figures in Chinese, per technician, and
goes on to the complaint figures."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from property_service.workorders.models import WorkOrderCategory

from tests.factories.workorders import WorkOrderFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_supervisor_reads_the_repair_figures_per_technician(live_server, browser, make_staff,
                                                              place_a, screenshot):
    make_staff("CS Supervisor", username="sup_live")
    technician = make_staff("Maintenance", username="tech_live")
    reported = datetime.datetime(2026, 11, 3, 9, tzinfo=SHANGHAI)
    for minutes in (5, 150):
        WorkOrderFactory(unit=place_a.unit, reported_at=reported, assignee=technician,
                         category=WorkOrderCategory.objects.get(code="electrical"),
                         responded_at=reported + datetime.timedelta(minutes=minutes),
                         respond_by=reported + datetime.timedelta(hours=2),
                         complete_by=reported + datetime.timedelta(hours=48))

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "sup_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/property_service/workorder/figures/")
    assert "维修统计" in page.content()
    page.select_option("select[name=group]", "technician")
    page.click("#work-order-figures button[type=submit]")
    page.wait_for_selector(f'tr[data-technician="{technician.pk}"]')
    row = page.locator(f'tr[data-technician="{technician.pk}"]')
    assert row.locator('[data-figure="on_time_response_rate"]').inner_text().startswith("50")
    assert row.locator('[data-figure="median_dispatch_minutes"]').inner_text().startswith(
        "77.5")
    screenshot(page, "per-technician")
    page.click("#complaint-figures-link")
    page.wait_for_selector("#complaint-figures")
    assert "投诉" in page.content()
