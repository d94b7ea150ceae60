"""One complex enquiry walked through each of its deadlines with the chaser: the 1 h hand-over,
the 2 h contact, the 24 h answer and the 3 working days resolution, each warned, breached or
escalated at its own moment, and never twice."""

from property_service.core.models import EscalationStep, Notification
from property_service.enquiries.deadlines import deadline_rows
from property_service.enquiries.jobs import chase_enquiries
from property_service.enquiries.states import State

from tests.enquiries.conftest import act
from tests.workorders.conftest import at


def notes(user, deadline):
    return list(Notification.objects.filter(user=user, message__contains=f"“{deadline}”")
                .order_by("id").values_list("kind", flat=True))


def chase_twice(moment):
    chase_enquiries(now=at(moment))
    chase_enquiries(now=at(moment))  # a second run at the same moment adds nothing


def test_one_enquiry_through_every_deadline(clock, new_enquiry, front_desk, agent, supervisor,
                                            manager):
    clock.set("2026-11-25 10:00")  # a Wednesday
    enquiry = new_enquiry(complex=True, topic="decoration", question="阳台能否封窗？")
    assert (enquiry.handover_by, enquiry.contact_by, enquiry.answer_by, enquiry.resolve_by) == (
        at("2026-11-25 11:00"), at("2026-11-25 12:00"), at("2026-11-26 10:00"),
        at("2026-11-30 10:00"))  # Thursday, Friday, then Monday: the weekend is skipped

    # 1 h hand-over: warned at 80 % (nobody has it: the desk and the agents), breached at the
    # hour (the supervisors); handed over before the manager's step.
    chase_twice("2026-11-25 10:47")
    assert notes(agent, "Handed over") == notes(front_desk, "Handed over") == []
    chase_twice("2026-11-25 10:48")
    assert notes(agent, "Handed over") == notes(front_desk, "Handed over") == ["sla_warning"]
    chase_twice("2026-11-25 11:00")
    assert notes(supervisor, "Handed over") == ["sla_breach"]
    clock.set("2026-11-25 11:10")
    enquiry = act(enquiry, front_desk, "hand_over", handler=agent)

    # 2 h contact: the handler is warned at 80 %, the supervisors at the deadline; contacted
    # late, but before the manager's step.
    chase_twice("2026-11-25 11:35")
    assert notes(agent, "Resident contacted") == []
    chase_twice("2026-11-25 11:36")
    assert notes(agent, "Resident contacted") == ["sla_warning"]
    chase_twice("2026-11-25 12:00")
    assert notes(supervisor, "Resident contacted") == ["sla_breach"]
    clock.set("2026-11-25 12:30")
    enquiry = act(enquiry, agent, "contact")
    chase_twice("2026-11-25 13:00")
    assert notes(manager, "Handed over") == notes(manager, "Resident contacted") == []

    # 24 h answer: warned at 80 % (05:12 the next morning), answered in time: no breach.
    chase_twice("2026-11-26 05:11")
    assert notes(agent, "Answer given") == []
    chase_twice("2026-11-26 05:12")
    assert notes(agent, "Answer given") == ["sla_warning"]
    clock.set("2026-11-26 09:00")
    enquiry = act(enquiry, agent, "answer", comment="需要核实规划，下周一前答复")
    assert enquiry.state == State.ANSWERED and enquiry.chase_at is not None
    chase_twice("2026-11-26 10:00")
    assert notes(supervisor, "Answer given") == []

    # 3 working days: warned at 80 % of the time (Sunday), breached on Monday at 10:00, the
    # managers two hours later; then resolved, and nothing is chased any more.
    chase_twice("2026-11-29 09:59")
    assert notes(agent, "Resolved") == []
    chase_twice("2026-11-29 10:00")
    assert notes(agent, "Resolved") == ["sla_warning"]
    chase_twice("2026-11-30 10:00")
    assert notes(supervisor, "Resolved") == ["sla_breach"]
    assert notes(manager, "Resolved") == []
    chase_twice("2026-11-30 12:00")
    assert notes(manager, "Resolved") == ["sla_breach"]
    clock.set("2026-11-30 12:30")
    enquiry = act(enquiry, agent, "resolve", comment="按统一样式封窗，已告知")
    assert enquiry.state == State.RESOLVED and enquiry.chase_at is None
    chase_twice("2026-12-10 10:00")

    assert {row.deadline.name: row.status for row in deadline_rows(enquiry, at(
        "2026-12-10 10:00"))} == {"handover": "missed", "contact": "missed", "answer": "met",
                                  "resolve": "missed"}
    assert set(EscalationStep.objects.filter(target_id=enquiry.pk).values_list(
        "clock", "step")) == {
        ("handover", "warning"), ("handover", "breach"),
        ("contact", "warning"), ("contact", "breach"),
        ("answer", "warning"),
        ("resolve", "warning"), ("resolve", "breach"), ("resolve", "manager")}
    assert Notification.objects.filter(user__in=[front_desk, agent, supervisor, manager]) \
        .exclude(kind="assigned").count() == 9
