"""A known data set for the home page at 2026-11-25 10:00 (Asia/Shanghai): work orders,
follow-up calls, complaints, contracts, policies, incidents and households in community A, and
some of each in community B that a manager of A must never see counted."""

from __future__ import annotations

import datetime

import pytest
from property_service.complaints.states import State as ComplaintState
from property_service.workorders.models import FollowUp
from property_service.workorders.states import State

from tests.complaints.test_figures import DEADLINES_BUT_FOLLOW_UP, UNTIL_PLAN, complaint
from tests.factories.incidents import IncidentFactory
from tests.factories.registry import UnitFactory
from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.factories.workorders import WorkOrderFactory
from tests.workorders.conftest import at

NOW = "2026-11-25 10:00"
TODAY = datetime.date(2026, 11, 25)


def order(place, state, *, priority="normal", reported="2026-11-20 09:00", **fields):
    return WorkOrderFactory(unit=place.unit, state=state, priority=priority,
                            reported_at=at(reported), **fields)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def data_set(clock, place_a, place_b):
    clock.set(NOW)
    a, b = place_a, place_b
    # Open work orders of A: 2 new urgent, 1 dispatched, 1 in progress overdue, 1 rework
    # due within the hour; one closed (not open) that met its deadlines, one that missed.
    order(a, State.NEW, priority="urgent", respond_by=at("2026-11-25 12:00"))
    order(a, State.NEW, priority="urgent", respond_by=at("2026-11-25 12:00"))
    order(a, State.DISPATCHED, responded_at=at("2026-11-20 09:10"),
          complete_by=at("2026-11-27 09:00"))
    order(a, State.IN_PROGRESS, priority="important", responded_at=at("2026-11-24 09:00"),
          complete_by=at("2026-11-25 09:00"))
    order(a, State.REWORK, responded_at=at("2026-11-20 09:10"),
          complete_by=at("2026-11-25 10:30"))
    closed = order(a, State.CLOSED, respond_by=at("2026-11-20 10:00"),
                   responded_at=at("2026-11-20 09:30"), complete_by=at("2026-11-21 09:00"),
                   completed_at=at("2026-11-21 08:00"))
    october = order(a, State.FOLLOW_UP, reported="2026-10-10 09:00",
                    respond_by=at("2026-10-10 10:00"), responded_at=at("2026-10-10 11:00"),
                    complete_by=at("2026-10-12 09:00"),
                    completed_at=at("2026-10-11 08:00"))  # responded late: missed
    # B: three open orders, one overdue, and one done on time.
    for _n in range(2):
        order(b, State.NEW, priority="urgent")
    order(b, State.ACCEPTED, responded_at=at("2026-11-24 09:00"),
          complete_by=at("2026-11-25 08:00"))
    order(b, State.CLOSED, complete_by=at("2026-11-21 09:00"), completed_at=at("2026-11-21 08:00"))
    # Follow-up calls of A: one due today, one overdue since yesterday, one done; B: one due.
    FollowUp.objects.create(work_order=closed, due_at=at("2026-11-25 15:00"),
                            overdue_at=at("2026-11-26 15:00"))
    FollowUp.objects.create(work_order=closed, due_at=at("2026-11-23 15:00"),
                            overdue_at=at("2026-11-24 15:00"))
    FollowUp.objects.create(work_order=closed, due_at=at("2026-11-25 11:00"),
                            status=FollowUp.Status.DONE, satisfaction=4)
    b_order = order(b, State.FOLLOW_UP)
    FollowUp.objects.create(work_order=b_order, due_at=at("2026-11-25 15:00"))
    # Repair satisfaction this month: A's done call scored 4 (80/100); B's order of November
    # scored 1, and an October order of A scored 1 (last month's, not this one's).
    FollowUp.objects.create(work_order=b_order, due_at=at("2026-11-24 15:00"),
                            status=FollowUp.Status.DONE, satisfaction=1)
    FollowUp.objects.create(work_order=october, due_at=at("2026-10-12 15:00"),
                            status=FollowUp.Status.DONE, satisfaction=1)
    # Complaints of A in November: 3 closed on time (scores 5, 4, 2), 1 open on time so far,
    # 1 closed late; B: 1 open.
    received = at("2026-11-02 09:00")
    for score in (5, 4, 2):
        complaint(a, received, ComplaintState.CLOSED, satisfaction=score)
    complaint(a, received, ComplaintState.PLAN_AGREED, due=UNTIL_PLAN)
    complaint(a, received, ComplaintState.CLOSED, category="cleaning", missed=["contact"],
              satisfaction=4)
    complaint(b, received, ComplaintState.RECEIVED, due=["handover"], assigned_at=None)
    complaint(a, at("2026-10-02 09:00"), ComplaintState.RESOLVED, category="parking",
              due=DEADLINES_BUT_FOLLOW_UP)
    # Contracts and policies in force of A ending in 5, 60 and 120 days; a draft and a B one
    # ending in 5 days are not counted; one of A ended yesterday.
    ContractFactory(community=a.community, end_date=days(5))
    ContractFactory(community=a.community, end_date=days(60))
    ContractFactory(community=a.community, end_date=days(120))
    ContractFactory(community=a.community, end_date=days(5), state="draft")
    ContractFactory(community=a.community, end_date=days(-1))
    ContractFactory(community=b.community, end_date=days(5))
    InsurancePolicyFactory(community=a.community, end_date=days(20), state="renewal_due")
    # Incidents: A open and contained (under way), A closed; B open.
    IncidentFactory(community=a.community, state="open")
    IncidentFactory(community=a.community, state="contained")
    IncidentFactory(community=a.community, state="closed")
    IncidentFactory(community=b.community, state="open")
    # Households: A has 3 units, B 1.
    UnitFactory.create_batch(2, building=a.building)
    return a.community, b.community
