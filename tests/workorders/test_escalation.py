"""The chasing ladder: warn at 80 %, supervisor at the breach, manager when it ages; each step
once per deadline, however often the job runs; a late run catches up."""

import datetime

from property_service.core.models import EscalationStep, Notification
from property_service.workorders.jobs import chase_work_orders

from tests.workorders.conftest import at, fire


def kinds(user):
    """The user's notifications but the announcement of an urgent order (its own tests are in
    test_recipients)."""
    return sorted(Notification.objects.filter(user=user).exclude(
        kind=Notification.Kind.URGENT_ORDER).values_list("kind", flat=True))


def test_nothing_happens_while_there_is_time(new_order, technician, agent):
    fire(new_order("water_leak", reported_at=at("2026-11-25 02:00")), agent, "dispatch",
         assignee=technician)
    assert chase_work_orders(now=at("2026-11-25 02:40"))["notified"] == 0


def test_the_assignee_is_warned_at_80_percent_once(new_order, technician, agent):
    order = fire(new_order("water_leak", reported_at=at("2026-11-25 02:00")), agent, "dispatch",
                 assignee=technician)
    # Complete within 2 h: 80 % is 03:36.
    chase_work_orders(now=at("2026-11-25 03:35"))
    assert "sla_warning" not in kinds(technician)
    chase_work_orders(now=at("2026-11-25 03:37"))
    chase_work_orders(now=at("2026-11-25 03:38"))
    assert kinds(technician).count("sla_warning") == 1
    assert EscalationStep.objects.filter(target_id=order.pk, step="warning").count() == 1


def test_breach_goes_to_the_supervisor_and_an_aged_breach_to_the_manager(
        new_order, technician, agent, supervisor, manager):
    fire(new_order("water_leak", reported_at=at("2026-11-25 02:00")), agent, "dispatch",
         assignee=technician)
    chase_work_orders(now=at("2026-11-25 04:01"))
    assert kinds(supervisor) == ["sla_breach"]
    assert kinds(manager) == []
    # The urgent standard tells the manager 30 minutes after the breach.
    chase_work_orders(now=at("2026-11-25 04:31"))
    chase_work_orders(now=at("2026-11-25 04:45"))
    assert kinds(supervisor) == ["sla_breach"]
    assert kinds(manager) == ["sla_escalated"]


def test_running_the_job_twice_sends_one_notification_per_step(new_order, supervisor, manager,
                                                               technician, agent):
    fire(new_order("water_leak", reported_at=at("2026-11-25 02:00")), agent, "dispatch",
         assignee=technician)
    first = chase_work_orders(now=at("2026-11-25 09:00"))
    second = chase_work_orders(now=at("2026-11-25 09:00"))
    # The warning and the breach to the assignee, the breach to the supervisor, the aged breach
    # to the manager.
    assert first["notified"] == 4 and second["notified"] == 0
    assert kinds(technician) == ["assigned", "sla_breach", "sla_warning"]
    assert kinds(supervisor) == ["sla_breach"] and kinds(manager) == ["sla_escalated"]


def test_a_late_run_catches_up_on_every_missed_step(new_order, supervisor, manager):
    new_order("water_leak", reported_at=at("2026-11-25 02:00"))  # never dispatched
    chase_work_orders(now=at("2026-11-26 12:00"))
    steps = set(EscalationStep.objects.values_list("clock", "step"))
    assert steps == {("respond", "warning"), ("respond", "breach"), ("respond", "manager"),
                     ("complete", "warning"), ("complete", "breach"), ("complete", "manager")}
    assert kinds(supervisor) == ["sla_breach", "sla_breach"]


def test_a_paused_order_is_not_chased(new_order, agent, technician, supervisor):
    from property_service.workorders import services

    order = fire(new_order("water_leak", reported_at=at("2026-11-25 02:00")), agent, "dispatch",
                 assignee=technician)
    services.pause_clock(order_id=order.pk, user=agent, reason="等待住户")
    chase_work_orders(now=at("2026-11-25 09:00"))
    assert kinds(supervisor) == []


def test_a_pooled_order_nobody_takes_goes_to_the_supervisor(new_order, agent, cleaner,
                                                           supervisor):
    order = fire(new_order("cleaning"), agent, "dispatch")
    later = order.dispatched_at + datetime.timedelta(minutes=16)
    chase_work_orders(now=later)
    chase_work_orders(now=later)
    assert EscalationStep.objects.filter(target_id=order.pk, clock="take").count() == 1
    assert Notification.objects.filter(user=supervisor, kind="sla_breach",
                                       message__contains="taking").count() == 1


def test_the_job_is_on_the_schedule():
    from property_service.schedules import SCHEDULES

    assert any(job.func.endswith("chase_work_orders") and job.minutes == 5 for job in SCHEDULES)
