"""The desk shows the problems a unit reported repeatedly, with the window and count the intake
service uses to flag a repeat (workorders.rules: one place for both)."""

import datetime

import pytest
from property_service.calls.selectors import repair_preview, repeats
from property_service.calls.services import file_repair_call
from property_service.workorders.rules import DEFAULTS, is_repeat_report, repeat_window

from tests.calls.conftest import category
from tests.factories.workorders import WorkOrderFactory


def report(unit, code, at, **kwargs):
    return WorkOrderFactory(unit=unit, category=category(code), reported_at=at, **kwargs)


def test_the_repeat_window_is_thirty_days_unless_the_site_says_otherwise(settings):
    assert DEFAULTS["REPEAT_WINDOW_DAYS"] == 30
    assert repeat_window() == datetime.timedelta(days=30)
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "WORK_ORDERS": {"REPEAT_WINDOW_DAYS": 7}}
    assert repeat_window() == datetime.timedelta(days=7)


def test_a_third_report_is_a_repeat_and_a_second_is_not():
    assert (is_repeat_report(1), is_repeat_report(2)) == (False, True)


def test_reports_within_the_window_count_and_older_ones_do_not(clock, flat):
    unit, _ = flat
    now = clock.now
    report(unit, "water_leak", now - datetime.timedelta(days=29, hours=23))
    report(unit, "water_leak", now - datetime.timedelta(days=30, minutes=1))
    report(unit, "electrical", now - datetime.timedelta(days=3))
    found = {r.category.code: (r.count, r.next_is_repeat) for r in repeats(unit=unit, now=now)}
    assert found == {"water_leak": (1, False), "electrical": (1, False)}


def test_cancelled_reports_do_not_count(clock, flat):
    unit, _ = flat
    report(unit, "water_leak", clock.now - datetime.timedelta(days=1), state="cancelled")
    assert repeats(unit=unit, now=clock.now) == []


def test_the_window_follows_the_site_setting(clock, flat, settings):
    unit, _ = flat
    report(unit, "water_leak", clock.now - datetime.timedelta(days=10))
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "WORK_ORDERS": {"REPEAT_WINDOW_DAYS": 7}}
    assert repeats(unit=unit, now=clock.now) == []


@pytest.mark.django_db
def test_the_desk_warns_of_a_repeat_exactly_when_the_service_flags_one(clock, flat, agent):
    unit, resident = flat
    report(unit, "electrical", clock.now - datetime.timedelta(days=20))
    report(unit, "electrical", clock.now - datetime.timedelta(days=2))
    [shown] = repeats(unit=unit, now=clock.now)
    assert (shown.count, shown.next_is_repeat) == (2, True)
    preview = repair_preview(user=agent, unit=unit, category=category("electrical"),
                             priority="normal", now=clock.now)
    assert (preview.is_repeat, preview.priority) == (True, "urgent")
    order = file_repair_call(by=agent, unit=unit, resident=resident,
                             category=category("electrical"), priority="normal",
                             description="又不亮了", channel="phone")
    assert (order.is_repeat, order.priority) == (True, "urgent")
    assert (order.respond_by, order.complete_by) == (preview.respond_by, preview.complete_by)
