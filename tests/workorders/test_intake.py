"""Intake: numbered per month without gaps, routed by category, repeats surfaced."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from property_service.core.models import Notification, NumberSequence
from property_service.core.numbering import next_number
from property_service.workorders.models import WorkOrder

from tests.workorders.conftest import at, fire


def test_numbers_run_per_month_without_gaps(new_order):
    first = new_order(reported_at=at("2026-11-03 10:00"))
    second = new_order(reported_at=at("2026-11-20 10:00"))
    december = new_order(reported_at=at("2026-12-01 00:05"))
    assert (first.number, second.number, december.number) == (
        "WO-202611-00001", "WO-202611-00002", "WO-202612-00001")


def test_the_month_of_a_number_is_local_time(new_order):
    # 2026-11-30 17:00 UTC is 2026-12-01 01:00 in Shanghai.
    order = new_order(reported_at=datetime.datetime(2026, 11, 30, 17, 0, tzinfo=datetime.UTC))
    assert order.number.startswith("WO-202612-")


def test_a_failed_intake_gives_its_number_back(new_order, place_a, place_b):
    new_order(reported_at=at("2026-11-03 10:00"))
    with pytest.raises(ValidationError):
        new_order(unit=place_b.unit, reported_at=at("2026-11-03 11:00"))  # wrong community
    assert new_order(reported_at=at("2026-11-03 12:00")).number == "WO-202611-00002"
    assert NumberSequence.objects.get(key="WO-202611").last == 2


def test_next_number_continues_an_existing_counter(db):
    NumberSequence.objects.create(key="WO-202611", last=41)
    assert next_number(prefix="WO", at=at("2026-11-24 09:00")) == "WO-202611-00042"
    assert next_number(prefix="TS", at=at("2026-11-24 09:00")) == "TS-202611-00001"


def test_the_category_routes_the_order(new_order, maintenance_team):
    order = new_order("water_leak")
    assert (order.team, order.priority, order.state) == (maintenance_team, "urgent", "new")
    assert order.events.get().action == "created"


def test_an_order_needs_a_unit_or_a_location(new_order):
    with pytest.raises(ValidationError, match="unit or, for a public area, the location"):
        new_order(unit=None, location="")
    assert new_order(unit=None, location="3栋大堂电梯", code="elevator").location


def test_the_third_report_of_a_problem_is_a_repeat(new_order, supervisor, agent):
    first = new_order("water_leak", priority="normal")
    second = new_order("water_leak")
    assert not second.is_repeat
    third = new_order("water_leak", description="又漏水了")
    assert third.is_repeat and third.priority == "urgent"
    assert set(third.earlier_reports.all()) == {first, second}
    notice = Notification.objects.get(user=supervisor, kind="repeat_report")
    assert third.number in notice.message
    assert not Notification.objects.filter(user=agent).exists()


def test_reports_of_other_problems_or_older_than_30_days_are_not_repeats(new_order):
    new_order("water_leak", reported_at=at("2026-09-01 10:00"))
    new_order("water_leak", reported_at=at("2026-09-02 10:00"))
    new_order("lighting", reported_at=at("2026-10-20 10:00"))
    new_order("lighting", reported_at=at("2026-10-21 10:00"))
    assert not new_order("water_leak", reported_at=at("2026-10-22 10:00")).is_repeat


def test_cancelled_reports_do_not_count_towards_a_repeat(new_order, supervisor):
    cancelled = new_order("water_leak")
    fire(cancelled, supervisor, "cancel", comment="wrong unit")
    new_order("water_leak")
    assert not new_order("water_leak").is_repeat
    assert WorkOrder.objects.filter(is_repeat=True).count() == 0


def test_the_repeat_threshold_is_configurable(new_order, settings):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "WORK_ORDERS": {"REPEAT_MIN_EARLIER": 1}}
    new_order("water_leak")
    assert new_order("water_leak").is_repeat
