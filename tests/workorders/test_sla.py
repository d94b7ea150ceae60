"""SLA deadlines from the policy data (DOMAIN.md's time standards) and the calendar."""

import datetime

import pytest
from property_service.workorders.models import SlaPolicy
from property_service.workorders.sla import SlaState, policy_for, sla_state

from tests.workorders.conftest import at


@pytest.mark.parametrize("code,priority,respond,complete", [
    ("water_leak", "urgent", "2026-11-25 02:30", "2026-11-25 04:00"),
    ("elevator", "important", "2026-11-25 03:00", "2026-11-25 10:00"),
    ("lighting", "normal", "2026-11-25 04:00", "2026-11-27 02:00"),
])
def test_round_the_clock_deadlines_from_the_time_standards(new_order, code, priority, respond,
                                                           complete):
    # A leak at 2 a.m. is due at 2:30 a.m.
    order = new_order(code, reported_at=at("2026-11-25 02:00"))
    assert order.priority == priority
    assert (order.respond_by, order.complete_by) == (at(respond), at(complete))


def test_a_scheduled_order_counts_working_time_over_a_weekend(new_order):
    # Friday 16:00: 2 working hours left on Friday, the other 2 on Monday morning.
    order = new_order("appointment", reported_at=at("2026-11-20 16:00"))
    assert order.priority == "scheduled"
    assert order.respond_by == at("2026-11-23 11:00")
    assert order.complete_by == at("2026-11-27 16:00")


def test_a_scheduled_order_skips_public_holidays_and_counts_make_up_days(new_order):
    # National Day 2026: 10-01..10-07 off; Saturday 10-10 is a make-up working day (调休).
    order = new_order("appointment", reported_at=at("2026-09-30 10:00"))
    assert order.complete_by == at("2026-10-13 10:00")
    assert order.respond_by == at("2026-09-30 14:00")


def test_a_community_policy_overrides_the_company_standard(new_order, place_a):
    standard = policy_for(community_id=place_a.community.pk, priority="urgent")
    assert standard.community_id is None
    SlaPolicy.objects.create(community=place_a.community, priority="urgent", respond_within=15,
                             complete_within=60, calendar=standard.calendar,
                             follow_up_due_hours=24, follow_up_overdue_hours=48)
    order = new_order("water_leak", reported_at=at("2026-11-25 02:00"))
    assert order.respond_by == at("2026-11-25 02:15")


NOW = at("2026-11-25 12:00")


@pytest.mark.parametrize("fields,expected", [
    ({"respond_by": NOW + datetime.timedelta(hours=3)}, SlaState.ON_TRACK),
    ({"respond_by": NOW + datetime.timedelta(minutes=30)}, SlaState.DUE_SOON),
    ({"respond_by": NOW - datetime.timedelta(minutes=1)}, SlaState.BREACHED),
    ({"respond_by": NOW - datetime.timedelta(hours=1), "responded_at": NOW}, SlaState.ON_TRACK),
    ({"paused_at": NOW}, SlaState.PAUSED),
    ({"state": "closed", "completed_at": NOW}, SlaState.MET),
    ({"state": "closed", "completed_at": NOW + datetime.timedelta(days=3)}, SlaState.MISSED),
    ({"state": "cancelled"}, SlaState.NONE),
])
def test_the_sla_state_of_an_order(fields, expected):
    base = {"state": "dispatched", "respond_by": NOW + datetime.timedelta(hours=3),
            "complete_by": NOW + datetime.timedelta(days=2), "responded_at": None,
            "completed_at": None, "paused_at": None}
    assert sla_state(**{**base, **fields}, now=NOW) == expected
