"""A reopened complaint is handled again in a new round: the earlier round stays on record as it
ended, the new one has its own deadlines, and the figures count every round."""

from property_service.complaints import services
from property_service.complaints.deadlines import deadline_rows
from property_service.complaints.figures import monthly_figures
from property_service.complaints.models import Complaint
from property_service.complaints.states import State
from property_service.core.models import EscalationStep, Notification

from tests.complaints.conftest import act
from tests.workorders.conftest import at


def handle(complaint, clock, supervisor, front_desk, *, contact, resolve, assign=None,
           answer=True):
    """Hand over (first round only), contact (and answer), plan and resolve at the given local
    times."""
    if assign:
        clock.set(assign)
        complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    clock.set(contact)
    complaint = act(complaint, supervisor, "contact")
    if answer:
        services.record_answer(complaint_id=complaint.pk, user=supervisor, answer="正在处理")
    complaint = act(complaint, supervisor, "agree_plan", comment="今天清理")
    clock.set(resolve)
    return act(complaint, supervisor, "resolve", comment="已清理")


def follow_up(complaint, clock, agent, when, score):
    clock.set(when)
    return services.record_follow_up(complaint_id=complaint.pk, user=agent,
                                     satisfied=score > 2, satisfaction=score)


def rows_of(complaint, now):
    return [(row.round, row.deadline.name, row.status) for row in deadline_rows(complaint, now)]


def test_a_reopened_complaint_keeps_the_first_rounds_deadlines_and_gets_new_ones(
        new_complaint, clock, front_desk, supervisor, agent):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:20", resolve="2026-11-25 15:00")
    complaint = follow_up(complaint, clock, agent, "2026-11-26 09:00", 2)
    assert complaint.state == State.REOPENED and complaint.round_number == 2

    first = complaint.rounds.get()
    assert (first.number, first.started_at, first.ended_at) == (
        1, at("2026-11-25 10:00"), at("2026-11-26 09:00"))
    assert (first.resolve_by, first.resolved_at) == (at("2026-11-30 10:00"),
                                                      at("2026-11-25 15:00"))
    assert first.followed_up_at == at("2026-11-26 09:00") and first.satisfaction == 2
    # The new round's deadlines run from the reopening: 3 working days from Thursday 09:00.
    assert (complaint.contact_by, complaint.resolve_by) == (at("2026-11-26 09:30"),
                                                            at("2026-12-01 09:00"))
    assert complaint.resolved_at is None and complaint.follow_up_by is None

    # The second round resolves after the first round's resolve-by, within its own.
    complaint = handle(complaint, clock, supervisor, front_desk, contact="2026-11-26 09:10",
                       resolve="2026-11-30 16:00")
    complaint = follow_up(complaint, clock, agent, "2026-12-01 10:00", 5)
    assert complaint.state == State.CLOSED
    rows = rows_of(complaint, at("2026-12-02 09:00"))
    assert rows == [
        (1, "handover", "met"), (1, "contact", "met"), (1, "plan", "met"),
        (1, "answer", "met"), (1, "resolve", "met"), (1, "follow_up", "met"),
        (2, "contact", "met"), (2, "plan", "met"), (2, "answer", "met"),
        (2, "resolve", "met"), (2, "follow_up", "met")]


def test_the_first_rounds_missed_deadline_stays_missed_and_counts_in_the_figures(
        new_complaint, clock, front_desk, supervisor, agent):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    # Contacted 50 minutes after receipt: the 30-minute promise was missed.
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:50", resolve="2026-11-25 15:00")
    complaint = follow_up(complaint, clock, agent, "2026-11-26 09:00", 1)
    complaint = handle(complaint, clock, supervisor, front_desk, contact="2026-11-26 09:10",
                       resolve="2026-11-26 15:00")
    complaint = follow_up(complaint, clock, agent, "2026-11-27 09:00", 5)
    rows = rows_of(complaint, at("2026-12-02 09:00"))
    assert (1, "contact", "missed") in rows and (2, "contact", "met") in rows
    [row] = monthly_figures(Complaint.objects.all(), now=at("2026-12-02 09:00"))
    assert row["on_time_rate"] == 0.0


def test_a_second_round_on_time_makes_a_complaint_on_time_in_the_figures(
        new_complaint, clock, front_desk, supervisor, agent):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:20", resolve="2026-11-25 15:00")
    complaint = follow_up(complaint, clock, agent, "2026-11-26 09:00", 2)
    complaint = handle(complaint, clock, supervisor, front_desk, contact="2026-11-26 09:10",
                       resolve="2026-11-30 16:00")  # after round one's 11-30 10:00
    follow_up(complaint, clock, agent, "2026-12-01 10:00", 4)
    [row] = monthly_figures(Complaint.objects.all(), now=at("2026-12-02 09:00"))
    assert (row["on_time_rate"], row["resolution_rate"], row["reopen_rate"]) == (
        100.0, 100.0, 100.0)
    # Both follow-up scores count: (2 + 4) / 2, out of 100.
    assert row["mean_satisfaction"] == 60.0


def test_a_complaint_handled_again_counts_as_reopened_before_its_new_resolution(
        new_complaint, clock, front_desk, supervisor, agent):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:20", resolve="2026-11-25 15:00")
    follow_up(complaint, clock, agent, "2026-11-26 09:00", 2)
    [row] = monthly_figures(Complaint.objects.all(), now=at("2026-11-26 09:05"))
    assert (row["resolution_rate"], row["reopen_rate"], row["mean_satisfaction"]) == (
        0.0, 100.0, 40.0)


def test_the_new_rounds_deadlines_are_chased(new_complaint, clock, front_desk, supervisor,
                                             agent):
    from property_service.complaints.jobs import chase_complaints

    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:20", resolve="2026-11-25 15:00")
    complaint = follow_up(complaint, clock, agent, "2026-11-26 09:00", 2)
    chase_complaints(now=at("2026-11-26 09:31"))  # the new contact was due by 09:30
    assert EscalationStep.objects.filter(target_id=complaint.pk, clock="contact",
                                         step="breach",
                                         deadline=at("2026-11-26 09:30")).exists()
    assert Notification.objects.filter(user=supervisor, kind="complaint_escalated",
                                       message__contains="2026-11-26 09:30").exists()


def test_resolving_satisfies_a_still_open_answer_deadline(new_complaint, clock, front_desk,
                                                          supervisor):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:20", resolve="2026-11-25 15:00", answer=False)
    assert (complaint.answered_at, complaint.answer) == (at("2026-11-25 15:00"), "已清理")
    statuses = dict((name, status) for _, name, status in rows_of(complaint,
                                                                   at("2026-11-27 09:00")))
    assert statuses["answer"] == "met"


def test_an_answer_recorded_before_the_resolution_is_kept(new_complaint, clock, front_desk,
                                                         supervisor):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    clock.set("2026-11-25 10:05")
    complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    complaint = act(complaint, supervisor, "contact")
    clock.set("2026-11-25 11:00")
    services.record_answer(complaint_id=complaint.pk, user=supervisor, answer="明天处理")
    complaint = act(complaint, supervisor, "agree_plan", comment="明天清理")
    clock.set("2026-11-26 11:00")
    complaint = act(complaint, supervisor, "resolve", comment="已清理")
    assert (complaint.answered_at, complaint.answer) == (at("2026-11-25 11:00"), "明天处理")


def test_a_withdrawn_complaint_shows_no_overdue_deadlines(new_complaint, clock, front_desk,
                                                          supervisor, agent):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    clock.set("2026-11-25 10:05")
    complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    clock.set("2026-11-25 11:00")  # contact was due by 10:30
    complaint = act(complaint, agent, "withdraw", comment="住户撤回")
    assert complaint.withdrawn_at == at("2026-11-25 11:00")
    statuses = dict((name, status) for _, name, status in rows_of(complaint,
                                                                   at("2026-12-10 09:00")))
    assert statuses == {"handover": "met", "contact": "missed", "plan": "not_due",
                        "answer": "not_due", "resolve": "not_due", "follow_up": "open"}
    assert "overdue" not in statuses.values()


def test_the_complaint_page_lists_each_round(client, new_complaint, clock, front_desk,
                                             supervisor, agent):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    complaint = handle(complaint, clock, supervisor, front_desk, assign="2026-11-25 10:05",
                       contact="2026-11-25 10:20", resolve="2026-11-25 15:00")
    follow_up(complaint, clock, agent, "2026-11-26 09:00", 2)
    client.force_login(supervisor)
    page = client.get(f"/admin/property_service/complaint/{complaint.pk}/change/")
    html = page.content.decode()
    assert 'data-deadline="resolve" data-round="1" data-status="met"' in html
    assert 'data-deadline="resolve" data-round="2" data-status="open"' in html
