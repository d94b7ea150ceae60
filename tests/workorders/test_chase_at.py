"""The chaser reads only the orders whose next step has come: each order keeps when its earliest
step not yet taken falls due (``chase_at``), every service that changes its clocks moves it, and
a run never tries a step twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.core.models import Notification
from property_service.workorders import services
from property_service.workorders.jobs import chase_work_orders
from property_service.workorders.models import WorkOrder

from tests.workorders.conftest import at, fire

# An urgent order (a water leak) reported at 10:00 is to be responded to by 10:30 (warning at
# 10:24) and completed by 12:00 (warning at 11:36); the manager hears 30 minutes after a breach.


def chase_at(order):
    return WorkOrder.objects.values_list("chase_at", flat=True).get(pk=order.pk)


@pytest.fixture
def leak(new_order, clock):
    clock.set("2026-11-25 10:00")
    return new_order("water_leak")


def step_inserts(now):
    """Run the job at ``now``; how many INSERTs into the escalation steps it tried."""
    tried = []

    def count(execute, sql, params, many, context):
        if sql.startswith("INSERT") and "escalationstep" in sql:
            tried.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        chase_work_orders(now=at(now))
    return len(tried)


def test_intake_sets_when_the_first_step_falls_due(leak):
    assert chase_at(leak) == at("2026-11-25 10:24")


def test_the_response_moves_the_chase_to_the_completion_warning(leak, clock, agent, technician):
    clock.set("2026-11-25 10:10")
    fire(leak, agent, "dispatch", assignee=technician)
    assert chase_at(leak) == at("2026-11-25 11:36")


def test_a_pause_stops_the_chase_and_the_resume_restarts_it(leak, clock, agent, technician):
    clock.set("2026-11-25 10:10")
    fire(leak, agent, "dispatch", assignee=technician)
    clock.set("2026-11-25 10:30")
    services.pause_clock(order_id=leak.pk, user=agent, reason="等待住户")
    assert chase_at(leak) is None
    clock.set("2026-11-25 11:30")
    services.resume_clock(order_id=leak.pk, user=agent)
    # 30 of the 96 minutes to the warning ran before the pause; the other 66 run from 11:30.
    assert chase_at(leak) == at("2026-11-25 12:36")
    chase_work_orders(now=at("2026-11-25 12:35"))
    assert not Notification.objects.filter(user=technician, kind="sla_warning").exists()
    chase_work_orders(now=at("2026-11-25 12:36"))
    assert Notification.objects.filter(user=technician, kind="sla_warning").count() == 1


def test_completion_ends_the_chase_and_a_rework_starts_it_again(leak, clock, agent, technician):
    clock.set("2026-11-25 10:10")
    fire(leak, agent, "dispatch", assignee=technician)
    fire(leak, technician, "accept")
    fire(leak, technician, "start")
    clock.set("2026-11-25 11:00")
    fire(leak, technician, "complete")
    assert chase_at(leak) is None
    clock.set("2026-11-25 11:10")
    fire(leak, agent, "fail_acceptance", comment="还在漏")
    # The rework's own completion clock: due 13:10, the warning at 80 % of it.
    assert chase_at(leak) == at("2026-11-25 12:46")


def test_the_accepted_repair_is_chased_for_its_follow_up_call(leak, clock, agent, technician):
    clock.set("2026-11-25 10:10")
    fire(leak, agent, "dispatch", assignee=technician)
    fire(leak, technician, "accept")
    fire(leak, technician, "start")
    clock.set("2026-11-25 11:00")
    fire(leak, technician, "complete")
    fire(leak, agent, "pass_acceptance")
    assert chase_at(leak) == at("2026-11-26 11:00")  # the call is due 24 h after completion
    services.record_follow_up(order_id=leak.pk, user=agent, answered=True, result="fixed",
                              satisfaction=5)
    assert chase_at(leak) is None


def test_an_unreachable_resident_ends_the_chase(leak, clock, agent, technician):
    fire(leak, agent, "dispatch", assignee=technician)
    fire(leak, technician, "accept")
    fire(leak, technician, "start")
    fire(leak, technician, "complete")
    fire(leak, agent, "pass_acceptance")
    assert chase_at(leak) is not None
    for _ in range(3):  # the third unanswered call closes the order
        services.record_follow_up(order_id=leak.pk, user=agent, answered=False)
    assert WorkOrder.objects.get(pk=leak.pk).state == "closed"
    assert chase_at(leak) is None


def test_a_new_priority_moves_the_chase(new_order, clock, agent):
    clock.set("2026-11-25 10:00")
    lamp = new_order("electrical")  # normal: respond within 2 h, the warning at 11:36
    assert chase_at(lamp) == at("2026-11-25 11:36")
    clock.set("2026-11-25 10:05")
    services.change_priority(order_id=lamp.pk, user=agent, priority="urgent")
    assert chase_at(lamp) == at("2026-11-25 10:24")


def test_a_cancelled_order_is_not_looked_at_again(leak, clock, supervisor):
    fire(leak, supervisor, "cancel", comment="住户已自行修好")
    assert chase_at(leak) is None


def test_an_order_whose_next_step_is_later_is_not_read(leak, new_order, clock):
    clock.set("2026-11-25 10:20")
    later = new_order("water_leak")  # its warning falls due at 10:44
    with CaptureQueriesContext(connection) as queries:
        result = chase_work_orders(now=at("2026-11-25 10:25"))
    assert result["checked"] == 1  # the leak reported at 10:00 only
    assert chase_at(later) == at("2026-11-25 10:44")
    with CaptureQueriesContext(connection) as queries:
        result = chase_work_orders(now=at("2026-11-25 10:29"))
    assert result == {"checked": 0, "notified": 0}
    reads = [q["sql"] for q in queries if "property_service_workorder" in q["sql"]]
    assert len(reads) == 1 and "chase_at" in reads[0]


def test_a_run_with_nothing_due_costs_the_same_queries_for_3_orders_as_for_30(
        new_order, clock, technician, supervisor, manager):
    def add_and_settle(count):
        clock.set("2026-11-25 10:00")
        for _ in range(count):
            new_order("water_leak", unit=None, location="地下车库")
        first = chase_work_orders(now=at("2026-11-25 10:25"))  # the responses are late
        with CaptureQueriesContext(connection) as queries:
            second = chase_work_orders(now=at("2026-11-25 10:25"))
        return first, second, len(queries)

    first, second, few = add_and_settle(3)
    assert first["checked"] == 3 and second == {"checked": 0, "notified": 0}
    first, second, many = add_and_settle(27)
    assert first["checked"] == 27 and second == {"checked": 0, "notified": 0}
    assert WorkOrder.objects.count() == 30
    # The lookup of the due orders, within its transaction (savepoint, select, release).
    assert few == many <= 3


def test_a_run_never_tries_a_step_taken_before(leak, clock, agent, technician):
    assert step_inserts("2026-11-25 10:31") == 2  # the response: warning and breach
    assert step_inserts("2026-11-25 10:31") == 0
    # The late response reaches the manager; its warning and breach are not tried again.
    assert step_inserts("2026-11-25 11:01") == 1
    clock.set("2026-11-25 11:05")
    fire(leak, agent, "dispatch", assignee=technician)
    assert step_inserts("2026-11-25 11:37") == 1  # the completion warning
    assert step_inserts("2026-11-25 11:38") == 0
    assert step_inserts("2026-11-25 12:31") == 2  # its breach, then the manager
    assert step_inserts("2026-11-25 12:31") == 0
    assert chase_at(leak) is None  # every step taken: nothing left to chase


def test_a_changed_sla_policy_makes_every_open_order_due_again(leak, clock, client, make_staff,
                                                               technician):
    from django.forms.models import model_to_dict
    from property_service.workorders.models import SlaPolicy

    from tests.helpers import admin_url

    policy = SlaPolicy.objects.get(community=None, priority="urgent")
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    clock.set("2026-11-25 10:05")
    form = {k: v for k, v in model_to_dict(policy).items() if v is not None}
    response = client.post(admin_url("slapolicy", "change", policy.pk),
                           {**form, "warn_at_percent": 50})
    assert response.status_code == 302
    assert chase_at(leak) == at("2026-11-25 10:05")
    # Warned at half the 30 minutes to respond now, not at 80 %.
    chase_work_orders(now=at("2026-11-25 10:16"))
    assert chase_at(leak) == at("2026-11-25 10:30")
    assert Notification.objects.filter(kind="sla_warning").exists()
