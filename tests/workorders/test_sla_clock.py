"""The SLA clock: only running time uses the budget, rework starts a new completion clock and
keeps the first completion on the record, and the follow-up call (回访) has deadlines from the
completion that are chased like every other deadline."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from property_service.core.errors import ActionError
from property_service.core.models import EscalationStep, Notification
from property_service.core.workcalendar import MINUTES, WORKING_MINUTES, CalendarSpec
from property_service.workorders import services, sla
from property_service.workorders.jobs import chase_work_orders
from property_service.workorders.models import FollowUp, SlaPolicy
from property_service.workorders.sla import SlaState, order_sla_state
from property_service.workorders.standards import read_fixture
from property_service.workorders.states import State

from tests.helpers import admin_url
from tests.workorders.conftest import at, fire

SPEC = CalendarSpec(workday_start=datetime.time(9), workday_end=datetime.time(18),
                    weekdays=frozenset({1, 2, 3, 4, 5}), overrides={},
                    tz=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock(clock):
    """The shared clock, from midnight of 2026-11-25."""
    clock.set("2026-11-25 00:00")
    return clock


def kinds(user):
    """The user's notifications but the announcement of an urgent order (its own tests are in
    test_recipients)."""
    return sorted(Notification.objects.filter(user=user).exclude(
        kind=Notification.Kind.URGENT_ORDER).values_list("kind", flat=True))


# -- pure functions -----------------------------------------------------------------------

def test_a_pause_uses_none_of_the_budget_before_the_warning():
    # 4 h budget from 02:00 (due 06:00); paused 05:00-08:00, so the deadline moved to 09:00.
    # 80 % of the running time (3 h 12 min) is used at 08:12, not at 80 % of 02:00-09:00.
    warn = sla.point_in_running_budget(
        start=at("2026-11-25 02:00"), deadline=at("2026-11-25 09:00"), fraction=0.8,
        unit=MINUTES, spec=SPEC, pauses=[(at("2026-11-25 05:00"), at("2026-11-25 08:00"))])
    assert warn == at("2026-11-25 08:12")


def test_without_pauses_the_warning_is_the_share_of_the_whole_budget():
    warn = sla.point_in_running_budget(start=at("2026-11-25 02:00"),
                                       deadline=at("2026-11-25 04:00"), fraction=0.8,
                                       unit=MINUTES, spec=SPEC)
    assert warn == at("2026-11-25 03:36")


def test_a_pause_in_working_hours_uses_no_working_time():
    # Monday 09:00, 8 working hours (due 17:00), paused 10:00-14:00: due Tuesday 12:00.
    # 50 % of the running time (4 h) is used at 09:00 + 1 h, then 3 h from 14:00: 17:00.
    warn = sla.point_in_running_budget(
        start=at("2026-11-23 09:00"), deadline=at("2026-11-24 12:00"), fraction=0.5,
        unit=WORKING_MINUTES, spec=SPEC,
        pauses=[(at("2026-11-23 10:00"), at("2026-11-23 14:00"))])
    assert warn == at("2026-11-23 17:00")


def test_a_clock_still_paused_before_the_warning_has_no_warning_moment():
    warn = sla.point_in_running_budget(
        start=at("2026-11-25 02:00"), deadline=at("2026-11-25 06:00"), fraction=0.8,
        unit=MINUTES, spec=SPEC, pauses=[(at("2026-11-25 03:00"), None)])
    assert warn is None


def test_running_segments_leave_out_pauses_and_ignore_pauses_outside_the_clock():
    segments = sla.running_segments(
        at("2026-11-25 02:00"), at("2026-11-25 09:00"),
        [(at("2026-11-25 01:00"), at("2026-11-25 01:30")),
         (at("2026-11-25 05:00"), at("2026-11-25 08:00")),
         (at("2026-11-25 09:30"), at("2026-11-25 10:00"))])
    assert segments == [(at("2026-11-25 02:00"), at("2026-11-25 05:00")),
                        (at("2026-11-25 08:00"), at("2026-11-25 09:00"))]


def test_the_follow_up_deadlines_count_from_the_completion_with_the_policys_hours():
    policy = SlaPolicy(follow_up_due_hours=24, follow_up_overdue_hours=48)
    due = sla.follow_up_deadlines(policy, at("2026-11-25 10:00"))
    assert (due.due_at, due.overdue_at) == (at("2026-11-26 10:00"), at("2026-11-27 10:00"))
    policy = SlaPolicy(follow_up_due_hours=12, follow_up_overdue_hours=36)
    assert sla.follow_up_deadlines(policy, at("2026-11-25 10:00")).due_at == \
        at("2026-11-25 22:00")


def test_the_follow_up_hours_are_time_standards_in_the_fixture(place_a):
    fixture = read_fixture("sla_standards.toml")
    for priority, row in fixture.items():
        assert (row["follow_up_due_hours"], row["follow_up_overdue_hours"]) == (24, 48)
        policy = sla.policy_for(community_id=place_a.community.pk, priority=priority)
        assert (policy.follow_up_due_hours, policy.follow_up_overdue_hours) == (24, 48)


def test_a_policy_whose_follow_up_is_overdue_before_it_is_due_is_refused(place_a):
    from django.core.exceptions import ValidationError

    standard = sla.policy_for(community_id=place_a.community.pk, priority="urgent")
    policy = SlaPolicy(community=place_a.community, priority="urgent", respond_within=15,
                       complete_within=60, calendar=standard.calendar,
                       follow_up_due_hours=48, follow_up_overdue_hours=24)
    with pytest.raises(ValidationError, match="overdue only after it is due"):
        policy.full_clean()


# -- the chasing job: running time only ---------------------------------------------------

def test_a_paused_order_is_not_warned_as_if_the_pause_had_used_its_budget(
        clock, new_order, agent, technician):
    clock.set("2026-11-25 02:00")
    # Important: complete within 8 h (due 10:00); 80 % of the running time is 6 h 24 min.
    order = fire(new_order("elevator", reported_at=at("2026-11-25 02:00")), agent, "dispatch",
                 assignee=technician)
    clock.set("2026-11-25 03:00")
    services.pause_clock(order_id=order.pk, user=agent, reason="等待住户回家开门")
    clock.set("2026-11-25 09:00")
    order = services.resume_clock(order_id=order.pk, user=agent, note="住户已回家")
    assert order.complete_by == at("2026-11-25 16:00")
    # 80 % of 02:00-16:00 would be 13:12; the running time used then is 5 h 12 min (65 %).
    clock.set("2026-11-25 13:20")
    chase_work_orders(now=clock.now)
    assert "sla_warning" not in kinds(technician)
    # 6 h 24 min of running time: 1 h before the pause and 5 h 24 min after it, at 14:24.
    chase_work_orders(now=at("2026-11-25 14:23"))
    assert "sla_warning" not in kinds(technician)
    chase_work_orders(now=at("2026-11-25 14:25"))
    assert kinds(technician).count("sla_warning") == 1


# -- rework ---------------------------------------------------------------------------------

def completed(clock, new_order, agent, technician, *, code="water_leak",
              reported="2026-11-25 02:00", done="2026-11-25 03:00"):
    clock.set(reported)
    order = fire(new_order(code, reported_at=at(reported)), agent, "dispatch",
                 assignee=technician)
    order = fire(fire(order, technician, "accept"), technician, "start")
    clock.set(done)
    return fire(order, technician, "complete")


def test_rework_starts_a_new_completion_clock_and_keeps_the_first_completion(
        clock, new_order, agent, technician):
    order = completed(clock, new_order, agent, technician)
    assert order.first_completed_at == at("2026-11-25 03:00")
    clock.set("2026-11-25 05:00")
    order = fire(order, agent, "fail_acceptance", comment="还在漏")
    # Urgent: complete within 2 h, now counted from the rework.
    assert (order.complete_by, order.rework_started_at) == (at("2026-11-25 07:00"),
                                                            at("2026-11-25 05:00"))
    assert order.completed_at is None and order.first_completed_at == at("2026-11-25 03:00")
    assert order_sla_state(order, at("2026-11-25 05:10")) == SlaState.ON_TRACK
    order = fire(fire(fire(order, agent, "dispatch", assignee=technician), technician,
                      "accept"), technician, "start")
    clock.set("2026-11-25 06:30")
    order = fire(order, technician, "complete")
    assert (order.completed_at, order.first_completed_at) == (at("2026-11-25 06:30"),
                                                              at("2026-11-25 03:00"))
    assert order_sla_state(order, at("2026-11-25 07:30")) == SlaState.MET


def test_a_rework_is_chased_against_its_own_clock_not_the_first_one(
        clock, new_order, agent, technician, supervisor):
    order = completed(clock, new_order, agent, technician)
    clock.set("2026-11-25 05:00")
    fire(order, agent, "fail_acceptance", comment="还在漏")
    # The first deadline (04:00) has passed; the rework's is 07:00, warned at 06:36.
    chase_work_orders(now=at("2026-11-25 05:10"))
    assert kinds(supervisor) == [] and "sla_warning" not in kinds(technician)
    # Counted from intake (02:00-07:00) the warning would come at 06:00.
    chase_work_orders(now=at("2026-11-25 06:10"))
    assert "sla_warning" not in kinds(technician)
    chase_work_orders(now=at("2026-11-25 06:37"))
    assert kinds(technician).count("sla_warning") == 1
    step = EscalationStep.objects.get(target_id=order.pk, clock="complete", step="warning")
    assert step.deadline == at("2026-11-25 07:00")


def test_the_first_completion_is_shown_on_the_page_and_in_the_api(
        clock, client, new_order, agent, technician):
    order = completed(clock, new_order, agent, technician)
    clock.set("2026-11-25 05:00")
    fire(order, agent, "fail_acceptance", comment="还在漏")
    client.force_login(agent)
    body = client.get(f"/api/v1/work-orders/{order.pk}/").json()
    assert timezone.datetime.fromisoformat(body["first_completed_at"]) == at("2026-11-25 03:00")
    assert timezone.datetime.fromisoformat(body["rework_started_at"]) == at("2026-11-25 05:00")
    assert body["completed_at"] is None
    page = client.get(admin_url("workorder", "change", order.pk)).content.decode()
    shown = page[page.index("First completed at"):][:400]
    assert "Nov. 25, 2026, 3 a.m." in shown


# -- the follow-up call -----------------------------------------------------------------------

def accepted(clock, new_order, agent, technician, *, done="2026-11-25 10:00",
             accepted_at="2026-11-26 09:00"):
    order = completed(clock, new_order, agent, technician, code="lighting",
                      reported="2026-11-25 08:00", done=done)
    clock.set(accepted_at)
    return fire(order, agent, "pass_acceptance")


def test_the_follow_up_is_due_24_h_after_completion_and_overdue_at_48_h(
        clock, new_order, agent, technician):
    order = accepted(clock, new_order, agent, technician)
    follow_up = order.follow_ups.get()
    assert (follow_up.due_at, follow_up.overdue_at) == (at("2026-11-26 10:00"),
                                                        at("2026-11-27 10:00"))


def test_the_follow_up_deadlines_follow_the_policy_data(clock, new_order, agent, technician,
                                                       place_a):
    SlaPolicy.objects.filter(community__isnull=True, priority="normal").update(
        follow_up_due_hours=12, follow_up_overdue_hours=30)
    follow_up = accepted(clock, new_order, agent, technician).follow_ups.get()
    assert (follow_up.due_at, follow_up.overdue_at) == (at("2026-11-25 22:00"),
                                                        at("2026-11-26 16:00"))


def test_the_follow_up_is_chased_warned_escalated_once_per_step(
        clock, new_order, agent, technician, supervisor, manager):
    order = accepted(clock, new_order, agent, technician)
    agent_before = kinds(agent)
    chase_work_orders(now=at("2026-11-26 09:59"))
    assert kinds(agent) == agent_before
    chase_work_orders(now=at("2026-11-26 10:01"))
    chase_work_orders(now=at("2026-11-26 10:06"))
    assert kinds(agent).count("sla_warning") == 1
    assert kinds(supervisor) == []
    chase_work_orders(now=at("2026-11-27 10:01"))
    assert kinds(supervisor) == ["sla_breach"] and kinds(manager) == []
    # The normal standard tells the manager 240 minutes after the breach.
    chase_work_orders(now=at("2026-11-27 14:01"))
    chase_work_orders(now=at("2026-11-27 14:30"))
    assert kinds(supervisor) == ["sla_breach"] and kinds(manager) == ["sla_escalated"]
    assert set(EscalationStep.objects.filter(target_id=order.pk, clock="follow_up")
               .values_list("step", flat=True)) == {"warning", "breach", "manager"}
    assert Notification.objects.filter(user=supervisor,
                                       message__contains="follow-up call").exists()


def test_a_follow_up_made_in_time_is_not_chased(clock, new_order, agent, technician,
                                                supervisor):
    order = accepted(clock, new_order, agent, technician)
    services.record_follow_up(order_id=order.pk, user=agent, answered=True, result="fixed",
                              satisfaction=5)
    chase_work_orders(now=at("2026-11-28 10:00"))
    assert kinds(supervisor) == []
    assert not EscalationStep.objects.filter(clock="follow_up").exists()


def test_a_follow_up_cannot_be_recorded_before_the_repair_is_completed(
        clock, client, new_order, agent, technician, place_a):
    order = accepted(clock, new_order, agent, technician)
    # The order went back to rework without the call: its follow-up is still pending.
    fire(order, agent, "reopen", comment="住户来电说还在漏")
    assert order.follow_ups.get().status == FollowUp.Status.PENDING
    with pytest.raises(ActionError, match="once the repair is completed"):
        services.record_follow_up(order_id=order.pk, user=agent, answered=True,
                                  result="fixed", satisfaction=5)
    client.force_login(agent)
    response = client.post(f"/api/v1/work-orders/{order.pk}/transition/",
                           {"action": "follow_up", "answered": True, "result": "fixed",
                            "satisfaction": 5}, content_type="application/json")
    assert response.status_code == 400
    assert "once the repair is completed" in response.json()["detail"]
    order.refresh_from_db()
    assert order.state == State.REWORK and order.follow_ups.get().status == "pending"
    chase_work_orders(now=at("2026-11-28 10:00"))
    assert not EscalationStep.objects.filter(clock="follow_up").exists()


def test_a_new_priority_during_rework_counts_completion_from_the_rework(
        clock, new_order, agent, technician):
    order = completed(clock, new_order, agent, technician)
    clock.set("2026-11-25 05:00")
    order = fire(order, agent, "fail_acceptance", comment="还在漏")
    changed = services.change_priority(order_id=order.pk, user=agent, priority="normal")
    policy = sla.policy_for(community_id=order.community_id, priority="normal")
    assert changed.complete_by == sla.completion_deadline(policy, at("2026-11-25 05:00"))
    assert changed.complete_by != sla.deadlines(policy, at("2026-11-25 02:00")).complete_by
