"""In a real browser, in Chinese: a property manager opens the month's management report drafted
by the monthly job, rewrites a recommendation, approves the report and downloads its PDF and
workbook, which hold what was approved."""

import io

import pytest
from openpyxl import load_workbook
from property_service.reports.jobs import generate_monthly_reports
from property_service.reports.models import ManagementReport

from tests.reports.conftest import _media, month_of_a, teams  # noqa: F401  (a known month)

RECOMMENDATION = "1. 夜班增派一名水电工，漏水类报修两小时内完成。"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_edits_approves_and_downloads_the_monthly_report(
        live_server, browser, screenshot, settings, make_staff, month_of_a):  # noqa: F811
    settings.LANGUAGE_CODE = "zh-hans"
    make_staff("Property Manager", communities=[month_of_a], username="manager_live")
    generate_monthly_reports()
    report = ManagementReport.objects.get(community=month_of_a)
    assert report.state == "draft"

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  extra_http_headers={"Accept-Language": "zh-hans"})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", "manager_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/property_service/managementreport/")
    page.click(f'a[href$="/managementreport/{report.pk}/change/"]')
    page.wait_for_selector("#management-report")
    text = page.locator("#management-report").inner_text()
    for heading in ("背景", "问题", "分析", "建议"):
        assert heading in text
    assert page.locator("#management-report svg").count() > 0  # the charts
    screenshot(page, "draft")

    page.fill("#id_mr_recommendations", RECOMMENDATION)
    page.click('form[data-action="edit"] button[type=submit]')
    page.wait_for_load_state()
    assert page.locator("#id_mr_recommendations").input_value() == RECOMMENDATION

    page.click('form[data-action="approve"] button[type=submit]')
    page.wait_for_selector('[data-state="approved"]')
    # Approved: nothing may be edited or recomputed any more.
    assert page.locator('form[data-action="edit"]').count() == 0
    assert page.locator('form[data-action="regenerate"]').count() == 0
    assert RECOMMENDATION in page.locator("#management-report").inner_text()
    screenshot(page, "approved")

    pdf = page.request.get(live_server.url + page.get_attribute("#report-pdf", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
    xlsx = page.request.get(live_server.url + page.get_attribute("#report-xlsx", "href"))
    assert xlsx.status == 200
    workbook = load_workbook(io.BytesIO(xlsx.body()), read_only=True)
    cells = [str(cell) for sheet in workbook.worksheets
             for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert any(RECOMMENDATION in cell for cell in cells)
    context.close()
    report.refresh_from_db()
    assert (report.state, report.recommendations) == ("approved", RECOMMENDATION)
    assert errors == []
