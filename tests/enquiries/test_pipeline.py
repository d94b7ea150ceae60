"""Enquiries follow the clock: each deadline from the community's standard, warned, breached
and escalated on the shared ladder, met by the right person; bad moves change nothing."""

import pytest
from property_service.core.errors import ActionError, ConcurrentChange, NotAllowed
from property_service.core.models import EscalationStep, Notification
from property_service.enquiries.deadlines import deadline_rows
from property_service.enquiries.jobs import chase_enquiries
from property_service.enquiries.models import Enquiry, EnquiryStandard
from property_service.enquiries.states import State

from tests.enquiries.conftest import act
from tests.workorders.conftest import at


def statuses(enquiry, now):
    return {row.deadline.name: row.status for row in deadline_rows(enquiry, now)}


def told(user, kind):
    return Notification.objects.filter(user=user, kind=kind).count()


def test_an_enquiry_gets_its_number_and_deadlines_from_the_company_standard(clock, new_enquiry):
    clock.set("2026-11-25 10:00")
    enquiry = new_enquiry()
    assert enquiry.number.startswith("ZX-202611-")
    assert (enquiry.state, enquiry.handover_by, enquiry.contact_by, enquiry.answer_by,
            enquiry.resolve_by) == (State.NEW, at("2026-11-25 11:00"), at("2026-11-25 12:00"),
                                    at("2026-11-26 10:00"), None)
    assert [e.action for e in enquiry.events.all()] == ["created"]


def test_a_simple_enquiry_followed_through_the_clock(clock, new_enquiry, front_desk, agent,
                                                     supervisor, manager):
    clock.set("2026-11-25 10:00")
    enquiry = new_enquiry()
    assert enquiry.chase_at == at("2026-11-25 10:48")  # 80 % of the hour
    chase_enquiries(now=at("2026-11-25 10:47"))
    assert told(agent, "sla_warning") == told(front_desk, "sla_warning") == 0
    chase_enquiries(now=at("2026-11-25 10:48"))
    # Nobody has it yet: the desk and the agents are warned about the hand-over.
    assert told(agent, "sla_warning") == told(front_desk, "sla_warning") == 1
    assert told(supervisor, "sla_breach") == 0
    chase_enquiries(now=at("2026-11-25 11:00"))
    chase_enquiries(now=at("2026-11-25 11:00"))  # again: nothing twice
    assert told(supervisor, "sla_breach") == 1 and told(manager, "sla_breach") == 0
    assert statuses(Enquiry.objects.get(), at("2026-11-25 11:00"))["handover"] == "open"
    assert statuses(Enquiry.objects.get(), at("2026-11-25 11:01"))["handover"] == "overdue"

    clock.set("2026-11-25 11:10")
    enquiry = act(enquiry, front_desk, "hand_over", handler=agent)
    assert (enquiry.state, enquiry.handler) == (State.HANDED_OVER, agent)
    assert told(agent, "assigned") == 1
    clock.set("2026-11-25 11:55")
    enquiry = act(enquiry, agent, "contact")
    clock.set("2026-11-26 09:30")
    enquiry = act(enquiry, agent, "answer", comment="可以，按季度在APP缴纳")
    assert enquiry.state == State.ANSWERED and enquiry.chase_at is None
    assert statuses(enquiry, at("2026-11-27 10:00")) == {
        "handover": "missed", "contact": "met", "answer": "met"}
    chase_enquiries(now=at("2026-11-30 10:00"))
    # Met deadlines never climb the ladder; the missed hand-over stopped at its breach.
    assert set(EscalationStep.objects.filter(target_id=enquiry.pk).values_list(
        "clock", "step")) == {("handover", "warning"), ("handover", "breach")}
    assert [e.action for e in enquiry.events.all()] == [
        "created", "hand_over", "contact", "answer"]


def test_a_late_contact_reaches_the_manager(clock, new_enquiry, front_desk, agent, manager):
    clock.set("2026-11-25 10:00")
    enquiry = new_enquiry()
    act(enquiry, front_desk, "hand_over", handler=agent)
    chase_enquiries(now=at("2026-11-25 11:36"))  # 80 % of the 2 h contact budget
    assert Notification.objects.filter(user=agent, kind="sla_warning",
                                       message__contains="contacted").count() == 1
    chase_enquiries(now=at("2026-11-25 14:00"))  # 2 h late: the standard's manager step
    assert Notification.objects.filter(user=manager, message__contains="contacted").count() == 1


def test_a_complex_enquiry_is_resolved_within_3_working_days_across_the_weekend(
        clock, new_enquiry, front_desk, agent, supervisor):
    clock.set("2026-11-27 10:00")  # a Friday
    enquiry = new_enquiry(complex=True, topic="decoration", question="阳台能否封窗？")
    assert enquiry.resolve_by == at("2026-12-02 10:00")  # Monday, Tuesday, Wednesday
    act(enquiry, front_desk, "hand_over", handler=agent)
    act(enquiry, agent, "contact")
    clock.set("2026-11-28 09:00")
    enquiry = act(enquiry, agent, "answer", comment="需要核实规划，周二前答复")
    # Answered, but a complex enquiry stays open and chased until it is resolved.
    assert enquiry.state == State.ANSWERED and enquiry.chase_at is not None
    chase_enquiries(now=at("2026-12-02 10:00"))
    assert Notification.objects.filter(user=supervisor, kind="sla_breach",
                                       message__contains="Resolved").count() == 1
    clock.set("2026-12-02 11:00")
    enquiry = act(enquiry, agent, "resolve", comment="按统一样式封窗，已告知")
    assert enquiry.state == State.RESOLVED and enquiry.chase_at is None
    assert statuses(enquiry, at("2026-12-03 10:00"))["resolve"] == "missed"


def test_over_national_day_the_holiday_is_skipped_and_the_make_up_saturday_counts(
        clock, new_enquiry):
    clock.set("2026-09-30 10:00")
    enquiry = new_enquiry(complex=True)
    # 10-01..10-07 off; 10-08, 10-09, then Saturday 10-10 (调休) is a working day.
    assert enquiry.resolve_by == at("2026-10-10 10:00")


def test_a_community_standard_replaces_the_company_one(clock, new_enquiry, place_a):
    company = EnquiryStandard.objects.get(community=None)
    EnquiryStandard.objects.create(community=place_a.community, handover_minutes=15,
                                   contact_minutes=30, answer_minutes=240,
                                   resolve_working_days=1, calendar=company.calendar)
    clock.set("2026-11-25 10:00")
    enquiry = new_enquiry(complex=True)
    assert (enquiry.handover_by, enquiry.answer_by, enquiry.resolve_by) == (
        at("2026-11-25 10:15"), at("2026-11-25 14:00"), at("2026-11-26 10:00"))


def test_answered_at_the_desk_it_is_done_and_nothing_is_chased(clock, new_enquiry, front_desk):
    enquiry = act(new_enquiry(), front_desk, "answer_at_desk", comment="可以按季度交")
    assert (enquiry.state, enquiry.answer, enquiry.chase_at) == (
        State.ANSWERED_AT_DESK, "可以按季度交", None)
    assert statuses(enquiry, at("2026-11-30 10:00")) == {
        "handover": "not_due", "contact": "not_due", "answer": "met"}


@pytest.mark.parametrize(("who", "action", "kwargs", "error"), [
    ("front_desk", "contact", {}, NotAllowed),  # not from "new"
    ("front_desk", "answer_at_desk", {"comment": " "}, ActionError),  # no answer given
    ("front_desk", "resolve", {"comment": "x"}, NotAllowed),  # not from "new"
    ("front_desk", "hand_over", {"expected_state": "answered"}, ConcurrentChange),
    ("agent", "fly", {}, ActionError),  # no such action
    ("maintenance", "hand_over", {}, NotAllowed),  # not their role (and not in their scope)
])
def test_a_refused_move_changes_nothing(clock, new_enquiry, front_desk, agent, make_staff,
                                        place_a, who, action, kwargs, error):
    people = {"front_desk": front_desk, "agent": agent,
              "maintenance": make_staff("Maintenance", communities=[place_a.community])}
    enquiry = new_enquiry()
    before = Enquiry.objects.values().get(pk=enquiry.pk)
    with pytest.raises(error):
        act(enquiry, people[who], action, **kwargs)
    assert Enquiry.objects.values().get(pk=enquiry.pk) == before
    assert enquiry.events.count() == 1


def test_the_desk_hands_over_but_cannot_answer_a_handed_over_enquiry(new_enquiry, front_desk,
                                                                     agent):
    enquiry = act(new_enquiry(), front_desk, "hand_over", handler=agent)
    with pytest.raises(NotAllowed):
        act(enquiry, front_desk, "answer", comment="x")


def test_only_someone_who_handles_enquiries_in_the_community_can_be_handed_one(
        new_enquiry, front_desk, make_staff, place_b):
    other = make_staff("CS Agent", communities=[place_b.community])
    with pytest.raises(ActionError, match="cannot handle"):
        act(new_enquiry(), front_desk, "hand_over", handler=other)
    desk_colleague = make_staff("Front Desk", communities=[front_desk.staff_profile
                                                           .communities.get()])
    with pytest.raises(ActionError, match="cannot handle"):
        act(new_enquiry(), front_desk, "hand_over", handler=desk_colleague)


def test_a_simple_enquiry_is_answered_not_resolved(new_enquiry, front_desk, agent):
    enquiry = act(new_enquiry(), front_desk, "hand_over", handler=agent)
    with pytest.raises(ActionError, match="complex"):
        act(enquiry, agent, "resolve", comment="x")
    with pytest.raises(ActionError, match="complex"):
        act(new_enquiry(complex=True), front_desk, "answer_at_desk", comment="x")


def test_the_chaser_is_scheduled_with_the_other_jobs():
    from django.utils.module_loading import import_string
    from property_service.schedules import SCHEDULES

    job = next(j for j in SCHEDULES if j.func.endswith("enquiries.jobs.chase_enquiries"))
    assert job.minutes == 5 and import_string(job.func) is chase_enquiries


def test_an_earlier_warning_in_the_standard_reaches_the_enquiries_already_open(
        clock, new_enquiry, agent):
    from property_service.enquiries.jobs import chase_every_enquiry_again

    clock.set("2026-11-25 10:00")
    enquiry = new_enquiry()
    assert enquiry.chase_at == at("2026-11-25 10:48")
    EnquiryStandard.objects.filter(community=None).update(warn_at_percent=50)
    assert chase_every_enquiry_again() == 1
    chase_enquiries(now=at("2026-11-25 10:00"))
    # Looked at again: the warning now falls at half the hour.
    assert Enquiry.objects.get(pk=enquiry.pk).chase_at == at("2026-11-25 10:30")


def test_the_timeline_is_written_at_the_moment_of_each_action(clock, new_enquiry, front_desk,
                                                              agent):
    clock.set("2026-11-25 10:00")
    enquiry = new_enquiry()
    clock.set("2026-11-25 10:20")
    act(enquiry, front_desk, "hand_over", handler=agent)
    assert [e.at for e in enquiry.events.all()] == [at("2026-11-25 10:00"),
                                                    at("2026-11-25 10:20")]
