"""Complaints: deadlines from the standards, the workflow and who may move it, follow-up."""

import datetime

import pytest
from django.utils import timezone
from property_service.complaints import services
from property_service.complaints.deadlines import deadline_rows
from property_service.complaints.states import State
from property_service.core.errors import ActionError, ConcurrentChange, NotAllowed
from property_service.core.models import Notification

from tests.complaints.conftest import act
from tests.workorders.conftest import at


def test_a_general_complaint_gets_every_deadline(new_complaint):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    assert complaint.number.startswith("TS-202611-")
    assert (complaint.handover_by, complaint.contact_by, complaint.plan_by,
            complaint.answer_by) == (at("2026-11-25 10:10"), at("2026-11-25 10:30"),
                                     at("2026-11-25 12:00"), at("2026-11-26 10:00"))
    # 3 working days from Wednesday: Thursday, Friday, Monday.
    assert complaint.resolve_by == at("2026-11-30 10:00")
    assert complaint.follow_up_by is None


def test_a_major_complaint_has_longer_answer_and_resolution_times(new_complaint, manager):
    complaint = new_complaint(severity="major", received_at=at("2026-09-29 10:00"))
    assert complaint.answer_by == at("2026-10-01 10:00")
    # 7 working days over National Day: 9-30, 10-08, 10-09, 10-10 (调休), 10-12, 10-13, 10-14.
    assert complaint.resolve_by == at("2026-10-14 10:00")
    assert Notification.objects.filter(user=manager, kind="complaint_escalated").exists()


def walk(complaint, front_desk, supervisor, manager=None):
    complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    complaint = act(complaint, supervisor, "contact")
    services.record_answer(complaint_id=complaint.pk, user=supervisor, answer="已安排保洁")
    if manager is not None:
        services.acknowledge_major(complaint_id=complaint.pk, user=manager)
    complaint = act(complaint, supervisor, "agree_plan", comment="今天下午清理并加密巡查")
    return act(complaint, supervisor, "resolve", comment="已清理")


def test_the_whole_pipeline_meets_its_deadlines(new_complaint, front_desk, supervisor, agent):
    complaint = walk(new_complaint(), front_desk, supervisor)
    assert complaint.state == State.RESOLVED
    assert complaint.follow_up_by - complaint.resolved_at == datetime.timedelta(hours=24)
    complaint = services.record_follow_up(complaint_id=complaint.pk, user=agent,
                                          satisfied=True, satisfaction=5)
    assert complaint.state == State.CLOSED
    statuses = {row.deadline.name: row.status for row in deadline_rows(complaint,
                                                                       timezone.now())}
    assert set(statuses.values()) == {"met"}
    assert [e.action for e in complaint.events.all()] == [
        "created", "assign", "contact", "answer", "agree_plan", "resolve", "start_follow_up",
        "close"]


def test_deadlines_met_and_missed_are_told_apart(new_complaint, front_desk, supervisor,
                                                 monkeypatch):
    complaint = new_complaint(received_at=timezone.now() - datetime.timedelta(minutes=20))
    complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    rows = {r.deadline.name: r.status for r in deadline_rows(complaint, timezone.now())}
    assert rows["handover"] == "missed"  # 20 minutes for a 10-minute promise
    assert rows["contact"] == "open"
    later = timezone.now() + datetime.timedelta(hours=1)
    rows = {r.deadline.name: r.status for r in deadline_rows(complaint, later)}
    assert rows["contact"] == "overdue"


def test_a_major_plan_needs_the_managers_acknowledgement(new_complaint, front_desk, supervisor,
                                                        manager):
    complaint = new_complaint(severity="major")
    complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    complaint = act(complaint, supervisor, "contact")
    with pytest.raises(NotAllowed, match="acknowledgement"):
        act(complaint, supervisor, "agree_plan", comment="赔偿方案")
    with pytest.raises(NotAllowed):
        services.acknowledge_major(complaint_id=complaint.pk, user=supervisor)
    services.acknowledge_major(complaint_id=complaint.pk, user=manager)
    assert act(complaint, supervisor, "agree_plan", comment="赔偿方案").state == \
        State.PLAN_AGREED


def test_an_unhappy_follow_up_reopens_with_the_history_kept(new_complaint, front_desk,
                                                           supervisor, agent):
    complaint = walk(new_complaint(), front_desk, supervisor)
    complaint = services.record_follow_up(complaint_id=complaint.pk, user=agent,
                                          satisfied=False, satisfaction=2, note="还是很脏")
    assert (complaint.state, complaint.reopen_count) == (State.REOPENED, 1)
    assert complaint.resolved_at is None and complaint.contacted_at is None
    first = complaint.rounds.get()
    assert first.number == 1 and first.contacted_at and first.resolved_at
    assert (first.resolution, first.satisfaction) == ("已清理", 2)
    complaint = act(complaint, supervisor, "contact")
    assert complaint.state == State.CONTACTED
    assert complaint.events.filter(action="resolve").count() == 1


@pytest.mark.parametrize("role,action,allowed", [
    ("Front Desk", "assign", True), ("Front Desk", "contact", False),
    ("CS Agent", "contact", False), ("CS Supervisor", "contact", True),
    ("Maintenance", "assign", False), ("Cleaning", "withdraw", False),
])
def test_who_may_move_a_complaint(make_staff, place_a, new_complaint, supervisor, role, action,
                                  allowed):
    user = make_staff(role, communities=[place_a.community])
    complaint = new_complaint()
    if action == "contact":
        complaint = act(complaint, supervisor, "assign", supervisor=supervisor)
    extra = {"supervisor": supervisor} if action == "assign" else {"comment": "x"}
    if allowed:
        act(complaint, user, action, **extra)
    else:
        with pytest.raises(NotAllowed):
            act(complaint, user, action, **extra)


def test_withdrawal_needs_a_reason_and_a_stale_page_is_refused(new_complaint, agent, supervisor):
    complaint = new_complaint()
    with pytest.raises(ActionError, match="comment is required"):
        act(complaint, agent, "withdraw")
    act(complaint, agent, "assign", supervisor=supervisor, expected_state="received")
    with pytest.raises(ConcurrentChange):
        act(complaint, agent, "withdraw", comment="住户撤回", expected_state="received")


def test_complaints_of_another_community_are_out_of_reach(new_complaint, make_staff, place_b,
                                                          supervisor):
    complaint = new_complaint()
    outsider = make_staff("CS Supervisor", communities=[place_b.community])
    with pytest.raises(NotAllowed, match="does not exist or is not yours"):
        act(complaint, outsider, "assign", supervisor=outsider)


@pytest.mark.parametrize("name", ["handover", "contact", "plan", "answer", "resolve",
                                  "follow_up"])
def test_each_deadline_is_met_on_time_and_missed_when_late(name):
    from property_service.complaints.deadlines import BY_NAME, deadline_status

    assert name in BY_NAME
    due = at("2026-11-25 12:00")
    assert deadline_status(due, at("2026-11-25 12:00"), now=at("2026-11-26 09:00")) == "met"
    assert deadline_status(due, at("2026-11-25 12:01"), now=at("2026-11-26 09:00")) == "missed"
    assert deadline_status(due, None, now=at("2026-11-25 11:00")) == "open"
    assert deadline_status(due, None, now=at("2026-11-25 12:01")) == "overdue"


def test_a_general_complaint_received_on_friday_evening_resolves_over_the_weekend(
        new_complaint):
    # Friday 20:00 is after working hours: the clock starts Monday 09:00, and 3 working days
    # after that is Thursday 09:00.
    complaint = new_complaint(received_at=at("2026-11-27 20:00"))
    assert complaint.resolve_by == at("2026-12-03 09:00")
    assert complaint.contact_by == at("2026-11-27 20:30")  # contact runs round the clock


def test_a_complaint_goes_only_to_a_supervisor_of_its_community(new_complaint, front_desk,
                                                                make_staff, place_b):
    outsider = make_staff("CS Supervisor", communities=[place_b.community])
    with pytest.raises(ActionError, match="cannot handle complaints of this community"):
        act(new_complaint(), front_desk, "assign", supervisor=outsider)
    with pytest.raises(ActionError, match="cannot handle"):
        act(new_complaint(), front_desk, "assign", supervisor=front_desk)
