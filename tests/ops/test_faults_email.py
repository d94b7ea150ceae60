"""The email channel against a real SMTP server on loopback: a notification's email arrives
with its recipient and subject in the site's language; one that failed while the mail server
was down is sent by the retry job once it is back, exactly once, by parallel runs too."""

import datetime

import pytest
from django.test import override_settings
from property_service.core.models import Notification
from property_service.core.notifications import email_state, send_pending_emails
from property_service.reports.jobs import generate_monthly_reports

from tests.helpers import run_together
from tests.ops.faults import SMTPServer

NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    try:
        with override_settings(**server.settings()):
            yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_down():
    """The settings of a mail server on a port where nothing listens yet; ``.start()`` it."""
    server = SMTPServer()
    try:
        with override_settings(**server.settings()):
            yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def chinese_site(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community],
                      username="manager_a", email="manager_a@example.com")


def _report_notification():
    return Notification.objects.get(kind=Notification.Kind.MANAGEMENT_REPORT)


@pytest.mark.django_db
def test_the_monthly_report_is_announced_by_email_in_the_sites_language(
        smtp, chinese_site, manager, place_a, clock, django_capture_on_commit_callbacks):
    clock.set("2026-12-01 01:00")
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_monthly_reports(month=NOVEMBER)["created"] == 1
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["manager_a@example.com"]
    assert message["To"] == "manager_a@example.com"
    assert str(message["Subject"]).strip().startswith("通知：")
    assert "Community AAA" in message["Subject"] and "2026-11" in message["Subject"]
    assert "月度管理报告" in message.get_content()
    assert _report_notification().emailed_at is not None


@pytest.mark.django_db
def test_an_email_that_failed_is_sent_by_the_retry_job_once_the_server_is_back(
        smtp_down, manager, place_a, clock, django_capture_on_commit_callbacks):
    clock.set("2026-12-01 01:00")
    with django_capture_on_commit_callbacks(execute=True):
        generate_monthly_reports(month=NOVEMBER)
    notification = _report_notification()
    # Stored for the bell; the email is owed, not lost.
    assert notification.emailed_at is None and email_state(notification) == "pending"
    # While the server is still down the retry fails and stops, leaving it owed.
    clock.set("2026-12-01 01:20")
    assert send_pending_emails() == {"sent": 0, "failed": 1}
    smtp_down.start()
    # Not before its retry time has come (the first try may still be running).
    assert send_pending_emails(now=notification.created_at) == {"sent": 0, "failed": 0}
    assert send_pending_emails() == {"sent": 1, "failed": 0}
    assert send_pending_emails() == {"sent": 0, "failed": 0}
    assert [to for to, _message in smtp_down.messages] == [["manager_a@example.com"]]
    notification.refresh_from_db()
    assert email_state(notification) == "sent"


@pytest.mark.django_db
def test_an_email_never_sent_within_a_day_is_shown_as_failed(smtp_down, manager, place_a,
                                                             clock, client):
    clock.set("2026-12-01 01:00")
    generate_monthly_reports(month=NOVEMBER)
    notification = _report_notification()
    smtp_down.start()
    clock.set("2026-12-02 01:01")
    assert send_pending_emails() == {"sent": 0, "failed": 0}
    assert smtp_down.messages == []
    assert email_state(notification) == "failed"
    client.force_login(manager)
    page = client.get(f"/admin/property_service/notification/{notification.pk}/change/")
    assert "given up after 24 hours" in page.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_retry_runs_at_once_send_each_email_once(smtp_down, make_staff, place_a, clock):
    clock.set("2026-12-01 01:00")
    managers = [make_staff("Property Manager", communities=[place_a.community],
                           email=f"manager{i}@example.com") for i in range(6)]
    generate_monthly_reports(month=NOVEMBER)  # no on-commit capture: emails fail (no server)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == len(managers)
    smtp_down.start()
    clock.set("2026-12-01 01:30")
    results = run_together(send_pending_emails, send_pending_emails)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["sent"] for r in results) == len(managers)
    assert sorted(to[0] for to, _message in smtp_down.messages) == sorted(
        m.email for m in managers)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
