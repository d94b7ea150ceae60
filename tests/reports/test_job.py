"""The monthly job: last month's draft of every community, once, announced to its managers."""

import io

from django.core import mail
from property_service.core.models import Notification
from property_service.reports.jobs import generate_monthly_reports
from property_service.reports.models import ManagementReport
from property_service.reports.services import management_report_approve
from property_service.schedules import SCHEDULES, sync_schedules
from pypdf import PdfReader

from tests.helpers import xlsx_rows

from .conftest import NOVEMBER


def reports_notified(user):
    return Notification.objects.filter(user=user, kind=Notification.Kind.MANAGEMENT_REPORT)


def test_the_job_drafts_last_months_report_of_every_community_and_tells_its_managers(
        month_of_a, place_b, manager_a, manager_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = generate_monthly_reports()
    assert outcome == {"month": "2026-11", "created": 2, "existing": 0}
    reports = {r.community_id: r for r in ManagementReport.objects.all()}
    assert set(reports) == {month_of_a.pk, place_b.community.pk}
    a = reports[month_of_a.pk]
    assert (a.month, a.state, a.figures["background"]["work_orders"]) == (
        NOVEMBER, "draft", {"this": 5, "last": 2})
    assert a.recommendations.startswith("1. Repair satisfaction: 70.0")
    assert a.pdf_file and a.xlsx_file and a.events.get().action == "generated"
    # Each manager hears of their own community's report only, by email too.
    assert [n.target_id for n in reports_notified(manager_a)] == [a.pk]
    assert [n.target_id for n in reports_notified(manager_b)] == [
        reports[place_b.community.pk].pk]
    assert [m.to for m in mail.outbox] == [["manager_a@example.com"]]


def test_a_second_run_creates_nothing_and_leaves_an_approved_report_as_it_was(
        month_of_a, place_b, manager_a, clock):
    generate_monthly_reports()
    a = ManagementReport.objects.get(community=month_of_a)
    management_report_approve(report_id=a.pk, user=manager_a)
    a.refresh_from_db()
    before = (a.state, a.figures, a.recommendations, a.pdf_file.name, a.updated_at)
    clock.set("2026-12-01 09:00")
    assert generate_monthly_reports() == {"month": "2026-11", "created": 0, "existing": 2}
    a.refresh_from_db()
    assert (a.state, a.figures, a.recommendations, a.pdf_file.name, a.updated_at) == before
    assert ManagementReport.objects.count() == 2
    assert reports_notified(manager_a).count() == 1


def test_the_pdf_names_the_community_and_month_and_the_workbook_reads_back(month_of_a):
    generate_monthly_reports()
    report = ManagementReport.objects.get(community=month_of_a)
    with report.pdf_file.open("rb") as f:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    assert "Community AAA" in text and "2026-11" in text
    assert "Orders not completed on time" in text
    with report.xlsx_file.open("rb") as f:
        content = f.read()
    rows = xlsx_rows(content)  # the first sheet: the background
    assert rows[0] == ["Monthly management report Community AAA 2026-11", None, None, None]
    assert ["Work orders received", 5, 2, "+3"] in rows
    assert ["电路", 3, 1, "+2"] in rows


def test_the_job_is_declared_once_and_runs_on_the_first_of_the_month(db, clock):
    jobs = [job for job in SCHEDULES
            if job.func == "property_service.reports.jobs.generate_monthly_reports"]
    assert len(jobs) == 1
    clock.set("2026-11-25 10:00")
    sync_schedules(jobs)
    from django.utils import timezone
    from django_q.models import Schedule

    row = Schedule.objects.get(name=jobs[0].name)
    assert row.schedule_type == Schedule.MONTHLY
    assert timezone.localtime(row.next_run).strftime("%Y-%m-%d %H:%M") == "2026-12-01 01:00"


def test_a_run_after_the_first_reads_which_communities_have_their_report_in_one_query(
        month_of_a, place_b, manager_a, django_assert_num_queries):
    generate_monthly_reports()
    with django_assert_num_queries(1):
        assert generate_monthly_reports() == {"month": "2026-11", "created": 0, "existing": 2}
