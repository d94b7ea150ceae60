"""On time, dispatched within the standard and the follow-up call in time, as the Python
predicates say them (``workorders.sla``) and as the figures count them (SQL): the same answer
for every order around each boundary."""

import datetime
import itertools

from property_service.workorders import sla
from property_service.workorders.models import FollowUp, WorkOrder

from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import at

SECOND = datetime.timedelta(seconds=1)
NOW = at("2026-11-25 12:00")
DUES = (None, NOW - SECOND, NOW, NOW + SECOND)


def _dones(due):
    base = due or NOW
    return (None, base - SECOND, base, base + SECOND)


def test_on_time_agrees_in_python_and_sql_for_the_response_and_the_completion(place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    disagreements = []
    for deadline in (sla.RESPONSE, sla.COMPLETION):
        due_field, done_field = deadline
        for due, paused in itertools.product(DUES, (False, True)):
            for done in _dones(due):
                WorkOrder.objects.filter(pk=order.pk).update(**{
                    due_field: due, done_field: done,
                    "paused_at": NOW - datetime.timedelta(hours=1) if paused else None})
                order.refresh_from_db()
                in_python = sla.order_on_time(order, deadline, NOW)
                in_sql = WorkOrder.objects.filter(sla.on_time_q(deadline, NOW),
                                                  pk=order.pk).exists()
                if in_python != in_sql:
                    disagreements.append((deadline, due, done, paused, in_python))
    assert disagreements == []


def test_on_time_is_met_by_the_due_time_and_late_from_it():
    due = NOW
    assert sla.on_time(due, due, paused=False, now=NOW + SECOND)
    assert not sla.on_time(due, due + SECOND, paused=False, now=NOW + SECOND)
    assert sla.on_time(due, None, paused=False, now=due - SECOND)
    assert not sla.on_time(due, None, paused=False, now=due)
    assert sla.on_time(due, None, paused=True, now=due + SECOND)  # the clock stands still
    assert not sla.on_time(due, due + SECOND, paused=True, now=due + SECOND)
    assert sla.on_time(None, None, paused=False, now=NOW)


def test_the_follow_up_in_time_agrees_in_python_and_sql(place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    call = FollowUp.objects.create(work_order=order, due_at=NOW)
    disagreements = []
    for overdue in DUES:
        for done in _dones(overdue):
            FollowUp.objects.filter(pk=call.pk).update(overdue_at=overdue, done_at=done)
            call.refresh_from_db()
            in_python = sla.follow_up_in_time(call.overdue_at, call.done_at, now=NOW)
            in_sql = FollowUp.objects.filter(sla.follow_up_in_time_q(NOW), pk=call.pk).exists()
            if in_python != in_sql:
                disagreements.append((overdue, done, in_python))
    assert disagreements == []
    assert not sla.follow_up_in_time(NOW, NOW + SECOND, now=NOW + SECOND)
    assert sla.follow_up_in_time(NOW, None, now=NOW - SECOND)


def test_dispatched_within_the_standard_agrees_in_python_and_sql(place_a):
    standards = {"urgent": 10, "normal": 120}
    order = WorkOrderFactory(unit=place_a.unit, reported_at=NOW)
    disagreements, judged = [], 0
    for priority in ("urgent", "important", "normal", "scheduled"):
        limit = datetime.timedelta(minutes=standards.get(priority, 60))
        for responded in (None, NOW, NOW + limit - SECOND, NOW + limit, NOW + limit + SECOND):
            WorkOrder.objects.filter(pk=order.pk).update(priority=priority,
                                                         responded_at=responded)
            order.refresh_from_db()
            has_standard = WorkOrder.objects.filter(sla.has_dispatch_standard_q(standards),
                                                    pk=order.pk).exists()
            assert has_standard == (responded is not None and priority in standards)
            in_sql = WorkOrder.objects.filter(sla.dispatched_in_time_q(standards),
                                              pk=order.pk).exists()
            if not has_standard:
                assert not in_sql
                continue
            judged += 1
            in_python = sla.dispatched_in_time(priority, order.reported_at, responded,
                                               standards)
            if in_python != in_sql:
                disagreements.append((priority, responded, in_python))
    assert disagreements == [] and judged == 8
    assert sla.dispatched_in_time("normal", NOW, NOW + datetime.timedelta(hours=2), standards)
    assert not sla.dispatched_in_time("urgent", NOW, NOW + datetime.timedelta(minutes=11),
                                      standards)
