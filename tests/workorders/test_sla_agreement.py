"""Overdue and due soon, as ``sla_state`` says them (the order's badge, the API) and as the
queues count them (SQL): the same answer for every running order around the boundaries."""

import datetime
import itertools

from property_service.workorders.models import WorkOrder
from property_service.workorders.selectors import queue_conditions
from property_service.workorders.sla import DUE_SOON_WINDOW, SlaState, order_sla_state

from tests.workorders.conftest import at

SECOND = datetime.timedelta(seconds=1)
NOW = at("2026-11-25 12:00")
# Each deadline just before, at and just after now and the end of the due-soon window.
MOMENTS = (None, NOW - SECOND, NOW, NOW + SECOND, NOW + DUE_SOON_WINDOW,
           NOW + DUE_SOON_WINDOW + SECOND)


def test_overdue_and_due_soon_agree_in_python_and_sql(new_order, agent):
    order = new_order()  # new: open and running, not responded, not completed
    conditions = queue_conditions(agent, NOW)
    disagreements = []
    for respond_by, complete_by, responded in itertools.product(MOMENTS, MOMENTS,
                                                                (False, True)):
        responded_at = NOW - datetime.timedelta(hours=3) if responded else None
        WorkOrder.objects.filter(pk=order.pk).update(
            respond_by=respond_by, complete_by=complete_by, responded_at=responded_at)
        order.refresh_from_db()
        state = order_sla_state(order, NOW)
        for queue, sla in (("overdue", SlaState.BREACHED), ("due_soon", SlaState.DUE_SOON)):
            in_sql = WorkOrder.objects.filter(conditions[queue][1], pk=order.pk).exists()
            if in_sql != (state == sla):
                disagreements.append((queue, respond_by, complete_by, responded, state))
    assert disagreements == []


def test_met_and_missed_agree_in_python_and_sql(new_order):
    from property_service.workorders.sla import judged_q, met_q
    from property_service.workorders.states import State

    order = new_order()
    disagreements = []
    for state, completed, complete_by, responded, respond_by in itertools.product(
            (State.COMPLETED, State.CLOSED, State.IN_PROGRESS, State.CANCELLED),
            (None, NOW), (None, NOW - SECOND, NOW, NOW + SECOND), (None, NOW - SECOND, NOW),
            (None, NOW)):
        WorkOrder.objects.filter(pk=order.pk).update(
            state=state, completed_at=completed, complete_by=complete_by,
            responded_at=responded, respond_by=respond_by)
        order.refresh_from_db()
        sla = order_sla_state(order, NOW)
        judged = WorkOrder.objects.filter(judged_q(), pk=order.pk).exists()
        met = WorkOrder.objects.filter(met_q(), pk=order.pk).exists()
        if (judged, met) != (sla in (SlaState.MET, SlaState.MISSED), sla == SlaState.MET):
            disagreements.append((state, completed, complete_by, responded, respond_by, sla))
    assert disagreements == []
