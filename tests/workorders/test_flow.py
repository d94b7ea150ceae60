"""The whole pipeline: dispatch modes, acceptance, follow-up, pause and resume."""

import datetime

import pytest
from django.utils import timezone
from property_service.access.scoping import scope
from property_service.core.errors import ActionError
from property_service.core.models import Notification
from property_service.workorders import services
from property_service.workorders.models import FollowUp, Team
from property_service.workorders.states import State

from tests.factories.workorders import TeamMemberFactory
from tests.workorders.conftest import fire


def test_direct_dispatch_needs_a_technician_and_tells_them(new_order, agent, technician):
    order = new_order()
    with pytest.raises(ActionError, match="Choose the technician"):
        fire(order, agent, "dispatch")
    order = fire(order, agent, "dispatch", assignee=technician)
    assert (order.state, order.assignee) == (State.DISPATCHED, technician)
    assert order.responded_at is not None  # the first dispatch is the response
    assert Notification.objects.filter(user=technician, kind="assigned").count() == 1


def test_a_technician_outside_the_team_cannot_be_assigned(new_order, agent, cleaner):
    with pytest.raises(ActionError, match="not a member"):
        fire(new_order(), agent, "dispatch", assignee=cleaner)


def test_a_pooled_order_is_taken_by_a_team_member(new_order, agent, cleaner, cleaning_team):
    order = fire(new_order("cleaning"), agent, "dispatch")
    assert order.team == cleaning_team and order.assignee is None
    order = fire(order, cleaner, "take")
    assert (order.state, order.assignee) == (State.ACCEPTED, cleaner)


def test_round_robin_assigns_members_on_duty_in_turn(new_order, agent, make_staff, place_a):
    team = Team.objects.get(code="security")
    guards = [make_staff("Security", communities=[place_a.community]) for _ in range(3)]
    for guard in guards:
        TeamMemberFactory(team=team, user=guard, on_duty=guard is not guards[2])
    assigned = [fire(new_order("security"), agent, "dispatch").assignee for _ in range(4)]
    assert assigned == [guards[0], guards[1], guards[0], guards[1]]


def test_round_robin_with_nobody_on_duty_says_so(new_order, agent):
    with pytest.raises(ActionError, match="on duty"):
        fire(new_order("security"), agent, "dispatch")


def walk_to_follow_up(order, agent, technician):
    order = fire(order, agent, "dispatch", assignee=technician)
    order = fire(order, technician, "accept", appointment_at=timezone.now())
    order = fire(order, technician, "start")
    order = fire(order, technician, "complete", parts_note="灯管 x1")
    return fire(order, agent, "pass_acceptance")


def test_the_happy_path_ends_closed_after_the_follow_up(new_order, agent, technician):
    order = walk_to_follow_up(new_order(), agent, technician)
    follow_up = order.follow_ups.get()
    assert follow_up.due_at - order.completed_at == datetime.timedelta(hours=24)
    assert follow_up.overdue_at - order.completed_at == datetime.timedelta(hours=48)
    assert Notification.objects.filter(user=agent, kind="followup_due").exists()
    services.record_follow_up(order_id=order.pk, user=agent, answered=True, result="fixed",
                              satisfaction=5, note="很满意")
    order.refresh_from_db()
    assert (order.state, order.satisfaction) == (State.CLOSED, 5)
    assert [e.action for e in order.events.all()] == [
        "created", "dispatch", "accept", "start", "complete", "pass_acceptance", "close"]


def test_the_follow_up_call_is_its_orders_communitys(new_order, agent, technician, place_b,
                                                    make_staff):
    order = walk_to_follow_up(new_order(), agent, technician)
    follow_up = order.follow_ups.get()
    assert follow_up.community_id == order.community_id
    elsewhere = make_staff("CS Agent", communities=[place_b.community])
    pending = FollowUp.objects.filter(status=FollowUp.Status.PENDING)
    assert list(scope(pending, agent)) == [follow_up]
    assert not scope(pending, elsewhere).exists()


@pytest.mark.parametrize("result,score", [("fixed", 2), ("not_fixed", 4)])
def test_an_unhappy_follow_up_reopens_the_order_as_rework(new_order, agent, technician, result,
                                                         score):
    order = walk_to_follow_up(new_order(), agent, technician)
    services.record_follow_up(order_id=order.pk, user=agent, answered=True, result=result,
                              satisfaction=score)
    order.refresh_from_db()
    assert order.state == State.REWORK and order.completed_at is None
    assert order.first_completed_at is not None
    order = fire(order, agent, "dispatch", assignee=technician)
    assert order.state == State.DISPATCHED


def test_three_unanswered_calls_close_the_follow_up_as_unreachable(new_order, agent, technician):
    order = walk_to_follow_up(new_order(), agent, technician)
    for _ in range(2):
        services.record_follow_up(order_id=order.pk, user=agent, answered=False)
    order.refresh_from_db()
    assert order.state == State.FOLLOW_UP
    services.record_follow_up(order_id=order.pk, user=agent, answered=False)
    order.refresh_from_db()
    follow_up = order.follow_ups.get()
    assert (follow_up.status, follow_up.attempts) == (FollowUp.Status.UNREACHABLE, 3)
    assert order.state == State.CLOSED


def test_an_answered_call_needs_a_result_and_a_score(new_order, agent, technician):
    order = walk_to_follow_up(new_order(), agent, technician)
    with pytest.raises(ActionError, match="satisfaction"):
        services.record_follow_up(order_id=order.pk, user=agent, answered=True, result="fixed")
    assert order.follow_ups.get().status == FollowUp.Status.PENDING


def test_failed_acceptance_is_rework(new_order, agent, technician):
    order = fire(new_order(), agent, "dispatch", assignee=technician)
    order = fire(fire(fire(order, technician, "accept"), technician, "start"), technician,
                 "complete")
    order = fire(order, agent, "fail_acceptance", comment="还在漏")
    assert order.state == State.REWORK


def test_pausing_stops_the_clock_and_resuming_moves_the_deadlines(new_order, agent, technician,
                                                                 monkeypatch):
    order = fire(new_order("water_leak"), agent, "dispatch", assignee=technician)
    complete_by = order.complete_by
    start = timezone.now()
    services.pause_clock(order_id=order.pk, user=technician, reason="住户不在家")
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=45))
    order = services.resume_clock(order_id=order.pk, user=technician, note="住户回来了")
    assert order.paused_at is None
    shift = (order.complete_by - complete_by).total_seconds() / 60
    assert 44 <= shift <= 46
    pause = order.pauses.get()
    assert (pause.paused_by, pause.reason, pause.resumed_by) == (technician, "住户不在家",
                                                                 technician)
    assert [e.action for e in order.events.all()][-2:] == ["pause", "resume"]


def test_a_pause_needs_a_reason_and_an_open_order(new_order, agent, supervisor):
    order = new_order()
    with pytest.raises(ActionError, match="reason"):
        services.pause_clock(order_id=order.pk, user=agent, reason=" ")
    fire(order, supervisor, "cancel", comment="重复报修")
    with pytest.raises(ActionError, match="open order"):
        services.pause_clock(order_id=order.pk, user=agent, reason="住户不在家")
