"""The complaint chaser reads only the complaints whose next step has come: each keeps when its
earliest step not yet taken falls due (``chase_at``), the services move it, and a run never
tries a step twice."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.complaints import services
from property_service.complaints.jobs import chase_complaints
from property_service.complaints.models import Complaint

from tests.complaints.conftest import act
from tests.workorders.conftest import at

# A general complaint received at 10:00 is handed over by 10:10 (warning at 10:08), the
# resident contacted by 10:30 (warning at 10:24), answered within 24 h (warning at 05:12 the
# next morning); the follow-up is due 24 h after the resolution.


def chase_at(complaint):
    return Complaint.objects.values_list("chase_at", flat=True).get(pk=complaint.pk)


def resolved(new_complaint, clock, front_desk, supervisor):
    clock.set("2026-11-25 10:00")
    complaint = new_complaint()
    clock.set("2026-11-25 10:05")
    act(complaint, front_desk, "assign", supervisor=supervisor)
    clock.set("2026-11-25 10:10")
    act(complaint, supervisor, "contact")
    act(complaint, supervisor, "agree_plan", comment="今天清理")
    clock.set("2026-11-25 11:00")
    return act(complaint, supervisor, "resolve", comment="已清理")


def step_inserts(now):
    tried = []

    def count(execute, sql, params, many, context):
        if sql.startswith("INSERT") and "escalationstep" in sql:
            tried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = chase_complaints(now=at(now))
    return len(tried), result


def test_intake_and_handover_set_when_the_next_step_falls_due(new_complaint, clock, front_desk,
                                                              supervisor):
    clock.set("2026-11-25 10:00")
    complaint = new_complaint()
    assert chase_at(complaint) == at("2026-11-25 10:08")
    clock.set("2026-11-25 10:05")
    act(complaint, front_desk, "assign", supervisor=supervisor)
    assert chase_at(complaint) == at("2026-11-25 10:24")


def test_a_reopened_complaint_is_chased_from_its_new_round(new_complaint, clock, front_desk,
                                                           supervisor, agent):
    complaint = resolved(new_complaint, clock, front_desk, supervisor)
    # The follow-up is due at 11:00 tomorrow; its warning at 80 % of the 24 h.
    assert chase_at(complaint) == at("2026-11-26 06:12")
    clock.set("2026-11-25 15:00")
    services.record_follow_up(complaint_id=complaint.pk, user=agent, satisfied=False,
                              satisfaction=2)
    # The new round's contact is due by 15:30: warned at 15:24.
    assert chase_at(complaint) == at("2026-11-25 15:24")


def test_a_closed_complaint_is_not_looked_at_again(new_complaint, clock, front_desk,
                                                   supervisor, agent):
    complaint = resolved(new_complaint, clock, front_desk, supervisor)
    services.record_follow_up(complaint_id=complaint.pk, user=agent, satisfied=True,
                              satisfaction=5)
    assert chase_at(complaint) is None


def test_raising_to_major_chases_the_managers_acknowledgement(new_complaint, clock, front_desk,
                                                              supervisor, manager):
    clock.set("2026-11-25 10:00")
    complaint = new_complaint()
    act(complaint, front_desk, "assign", supervisor=supervisor)
    act(complaint, supervisor, "contact")
    assert chase_at(complaint) == at("2026-11-25 11:36")  # the plan, due by 12:00
    clock.set("2026-11-25 10:30")
    services.raise_to_major(complaint_id=complaint.pk, user=supervisor, reason="住户情绪激动")
    # The manager acknowledges within 60 minutes of 10:30: warned at 11:18.
    assert chase_at(complaint) == at("2026-11-25 11:18")
    clock.set("2026-11-25 10:40")
    services.acknowledge_major(complaint_id=complaint.pk, user=manager)
    assert chase_at(complaint) == at("2026-11-25 11:36")


def test_the_answer_moves_the_chase_to_the_resolution(new_complaint, clock, front_desk,
                                                      supervisor):
    clock.set("2026-11-25 10:00")
    complaint = new_complaint()
    act(complaint, front_desk, "assign", supervisor=supervisor)
    act(complaint, supervisor, "contact")
    act(complaint, supervisor, "agree_plan", comment="今天清理")
    assert chase_at(complaint) == at("2026-11-26 05:12")
    services.record_answer(complaint_id=complaint.pk, user=supervisor, answer="正在处理")
    # Resolved within 3 working days (Monday 10:00): warned after 80 % of the time.
    assert chase_at(complaint) == at("2026-11-29 10:00")


def test_a_run_reads_only_the_due_complaints_and_never_tries_a_step_twice(
        new_complaint, clock, front_desk, supervisor, agent, manager):
    clock.set("2026-11-25 10:00")
    first = new_complaint()
    clock.set("2026-11-25 10:20")
    later = new_complaint()  # handover warning at 10:28
    inserts, result = step_inserts("2026-11-25 10:11")
    assert (inserts, result["checked"]) == (2, 1)  # the first one's warning and breach
    assert chase_at(first) == at("2026-11-25 10:24") and chase_at(later) == at(
        "2026-11-25 10:28")
    with CaptureQueriesContext(connection) as queries:
        inserts, result = step_inserts("2026-11-25 10:11")
    assert (inserts, result) == (0, {"checked": 0, "notified": 0})
    assert len(queries) <= 3  # the lookup of the due complaints, within its transaction
    # At 10:25 the first one's contact warning is due, the second one's nothing yet.
    inserts, result = step_inserts("2026-11-25 10:25")
    assert (inserts, result["checked"]) == (1, 1)
