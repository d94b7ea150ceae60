"""The renewal scan: six months ahead, each step once, catch-up, expiry."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.core.models import EscalationStep, Notification
from property_service.renewals import rules
from property_service.renewals.scan import run_renewal_scan

from tests.helpers import run_together
from tests.renewals.conftest import TODAY, days


def steps_of(agreement) -> list[str]:
    return sorted(EscalationStep.objects.filter(target_id=agreement.pk, clock="renewal",
                                                target_type__model=agreement._meta.model_name)
                  .values_list("step", flat=True))


def notes_for(user, kind="renewal_due"):
    return Notification.objects.filter(user=user, kind=kind)


def test_an_agreement_is_flagged_six_calendar_months_before_its_end(make_agreement):
    # TODAY is 2026-11-25: six months later is 2027-05-25 (181 days), not 180 days.
    later, due = make_agreement(182), make_agreement(181)
    assert due.end_date == datetime.date(2027, 5, 25)
    run_renewal_scan(today=TODAY)
    later.refresh_from_db(), due.refresh_from_db()
    assert later.state == "active" and later.renewal_step is None and steps_of(later) == []
    assert due.state == "renewal_due" and due.renewal_step == 181
    assert steps_of(due) == ["6m"]


def test_each_step_tells_the_responsible_and_the_communitys_managers(
        make_agreement, finance, manager, manager_b, django_capture_on_commit_callbacks):
    agreement = make_agreement(150)
    with django_capture_on_commit_callbacks(execute=True):
        run_renewal_scan(today=TODAY)
    for user in (finance, manager):
        [note] = notes_for(user)
        assert note.target_id == agreement.pk and "2027-04-24" in note.message
        assert "150 days" in note.message
    assert not Notification.objects.filter(user=manager_b).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["fin_a@example.com", "mgr_a@example.com"]


def test_running_the_scan_twice_notifies_once_per_step(make_agreement, finance):
    agreement = make_agreement(25)
    first = run_renewal_scan(today=TODAY)
    second = run_renewal_scan(today=TODAY)
    kind = agreement._meta.model_name
    assert first[kind]["steps"] == 3 and second[kind]["steps"] == 0
    assert steps_of(agreement) == ["30d", "6m", "90d"]
    # The steps taken together are one message per person, about the most urgent one.
    assert notes_for(finance).count() == 1
    agreement.refresh_from_db()
    assert agreement.renewal_step == 30


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_notify_once_per_step(make_agreement, finance, manager):
    agreements = [make_agreement(n) for n in (170, 60, 5)]
    results = run_together(lambda: run_renewal_scan(today=TODAY),
                           lambda: run_renewal_scan(today=TODAY))
    assert all(isinstance(r, dict) for r in results), results
    kind = agreements[0]._meta.model_name
    assert sum(r[kind]["steps"] for r in results) == 1 + 2 + 4
    for user in (finance, manager):
        assert notes_for(user).count() == 3  # one per agreement
    assert EscalationStep.objects.filter(clock="renewal").count() == 7


def test_a_ten_day_gap_catches_up_with_exactly_the_due_steps(make_agreement, finance):
    agreement = make_agreement(95)
    run_renewal_scan(today=TODAY)
    assert steps_of(agreement) == ["6m"]
    # The job did not run for ten days: the 90-day step became due meanwhile, nothing else.
    run_renewal_scan(today=TODAY + datetime.timedelta(days=10))
    assert steps_of(agreement) == ["6m", "90d"]
    assert notes_for(finance).count() == 2
    agreement.refresh_from_db()
    assert agreement.renewal_step == 90


def test_a_gap_across_two_thresholds_takes_both(make_agreement, finance):
    agreement = make_agreement(35)
    run_renewal_scan(today=TODAY)
    run_renewal_scan(today=TODAY + datetime.timedelta(days=30))
    assert steps_of(agreement) == ["30d", "6m", "7d", "90d"]
    # One reminder per run: the most urgent step it missed.
    assert notes_for(finance).count() == 2
    assert "in 5 days" in notes_for(finance).order_by("-id").first().message


@pytest.mark.parametrize("action", ["renew", "terminate"])
def test_a_renewed_or_terminated_agreement_gets_no_further_alerts(make_agreement, finance,
                                                                  manager, action):
    from property_service.renewals import services

    agreement = make_agreement(100)
    run_renewal_scan(today=TODAY)
    unique = "number" if agreement._meta.model_name == "contract" else "policy_number"
    services.transition_agreement(
        model=type(agreement), pk=agreement.pk, user=manager, action=action,
        comment="业主委员会决议不再续约" if action == "terminate" else "",
        successor={unique: "NEXT-1", "end_date": days(100 + 730)})
    before = Notification.objects.count()
    run_renewal_scan(today=TODAY + datetime.timedelta(days=200))
    assert Notification.objects.count() == before
    assert steps_of(agreement) == ["6m"]


def test_past_the_end_date_it_expires_and_that_is_escalated(make_agreement, finance, manager,
                                                            make_staff, place_a):
    other_finance = make_staff("Admin & Finance", communities=[place_a.community])
    agreement = make_agreement(3)
    run_renewal_scan(today=TODAY)
    agreement.refresh_from_db()
    assert agreement.state == "renewal_due"
    run_renewal_scan(today=days(3))  # the last day: still in force
    agreement.refresh_from_db()
    assert agreement.state == "renewal_due"
    run_renewal_scan(today=days(4))
    agreement.refresh_from_db()
    assert agreement.state == "expired"
    for user in (finance, manager, other_finance):
        [note] = notes_for(user, "expired")
        assert "expired" in note.message
    event = agreement.agreementevents.get(action="expire")
    assert (event.from_state, event.to_state, event.by) == ("renewal_due", "expired", None)
    assert agreement.history.first().state == "expired"
    run_renewal_scan(today=days(30))
    assert notes_for(finance, "expired").count() == 1


def test_the_thresholds_are_settings(make_agreement, finance, settings):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "RENEWALS": {"THRESHOLDS_DAYS": [120, 60]}}
    early, flagged = make_agreement(150), make_agreement(100)
    run_renewal_scan(today=TODAY)
    early.refresh_from_db(), flagged.refresh_from_db()
    assert early.state == "active"
    assert flagged.state == "renewal_due" and flagged.renewal_step == 120
    run_renewal_scan(today=TODAY + datetime.timedelta(days=45))
    assert steps_of(flagged) == ["120d", "60d"]


def test_drafts_are_not_scanned(make_agreement):
    draft = make_agreement(10, state="draft")
    run_renewal_scan(today=TODAY)
    assert steps_of(draft) == []


def test_the_scan_runs_a_bounded_number_of_queries_for_1_and_for_1000_contracts(
        place_a, finance, manager):
    from property_service.contracts.models import Contract

    def scan_queries(count: int, prefix: str) -> int:
        Contract.objects.bulk_create([
            Contract(community=place_a.community, kind="other", number=f"{prefix}-{i}",
                     counterparty="某公司", start_date=days(-300), end_date=days(20 + i % 150),
                     value=1, responsible=finance, state="active")
            for i in range(count)])
        with CaptureQueriesContext(connection) as queries:
            result = run_renewal_scan(today=TODAY)
        assert result["contract"]["flagged"] == count
        return len(queries)

    one = scan_queries(1, "ONE")
    thousand = scan_queries(1000, "MANY")
    if connection.features.max_query_params is None:  # MariaDB: one statement per insert
        # ... and one update per renewal step the contracts reached (6 months, 90, 30 days).
        assert thousand <= one + len(rules.thresholds())
    else:  # SQLite caps a statement at 999 parameters: big inserts go in batches
        assert thousand <= one + 80
    # One message per contract, however many of its steps the run took.
    assert Notification.objects.filter(user=finance).count() == Contract.objects.count()


def test_the_command_scans_as_of_a_given_day(make_agreement, capsys):
    agreement = make_agreement(200)
    call_command("run_renewal_scan", "--today", days(20).isoformat())
    agreement.refresh_from_db()
    assert agreement.state == "renewal_due"
    assert "flagged 1" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="2026-11-25"):
        call_command("run_renewal_scan", "--today", "25/11/2026")


def test_a_run_after_the_end_date_tells_only_that_it_expired_never_ends_in_minus_days(
        make_agreement, finance, manager):
    agreement = make_agreement(20)
    # The scan did not run at all until thirty days after the end date.
    run_renewal_scan(today=days(50))
    assert steps_of(agreement) == ["30d", "6m", "7d", "90d", "expired"]
    assert [n.kind for n in Notification.objects.filter(user=finance)] == ["expired"]
    assert not Notification.objects.filter(message__contains="-").exclude(
        message__contains=agreement.end_date.isoformat()).exists()
    assert not Notification.objects.filter(message__contains="in -").exists()


def test_a_record_put_in_force_a_day_before_its_end_sends_one_message_per_person(
        make_agreement, finance, manager, monkeypatch):
    from django.utils import timezone
    from property_service.renewals import services

    agreement = make_agreement(1, state="draft")
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    services.transition_agreement(model=type(agreement), pk=agreement.pk, user=manager,
                                  action="activate")
    assert steps_of(agreement) == ["30d", "6m", "7d", "90d"]
    for user in (finance, manager):
        [note] = notes_for(user)
        assert "in 1 days" in note.message or "in 1 day" in note.message


def test_the_scan_reads_only_agreements_with_a_step_due_and_keeps_each_ones_next_day(
        make_agreement):
    flagged, waiting = make_agreement(150), make_agreement(300)
    run_renewal_scan(today=TODAY)
    flagged.refresh_from_db(), waiting.refresh_from_db()
    # Next: 90 days before its end; and six months before the other's end.
    assert flagged.renewal_check_on == days(60)
    assert waiting.renewal_check_on == rules.threshold_date(days(300), rules.thresholds()[0])
    version = waiting.updated_at
    # Moved on a day with nothing due: the scan does not look at them.
    type(flagged).objects.filter(pk=flagged.pk).update(renewal_check_on=days(61))
    result = run_renewal_scan(today=days(60))
    assert result[flagged._meta.model_name]["steps"] == 0
    assert steps_of(flagged) == ["6m"]
    # On its day it does, and takes the step.
    result = run_renewal_scan(today=days(61))
    assert steps_of(flagged) == ["6m", "90d"]
    waiting.refresh_from_db()
    assert waiting.updated_at == version  # the bookkeeping is not an edit of the record
