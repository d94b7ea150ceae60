"""The renewal rule as data and pure functions: thresholds in calendar months or days, the
date each is reached, which steps are due, which group, and which one to tell about."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from property_service.renewals import rules
from property_service.renewals.rules import DAYS, MONTHS, Threshold

END = datetime.date(2027, 5, 31)
STEPS = (Threshold(6, MONTHS), Threshold(90, DAYS), Threshold(30, DAYS), Threshold(7, DAYS))


def on(days_before_end: int) -> datetime.date:
    return END - datetime.timedelta(days=days_before_end)


def test_six_months_before_the_end_is_calendar_months():
    assert rules.threshold_date(datetime.date(2027, 6, 1), Threshold(6, MONTHS)) == \
        datetime.date(2026, 12, 1)
    assert rules.threshold_date(datetime.date(2027, 6, 1), Threshold(90, DAYS)) == \
        datetime.date(2027, 3, 3)


def test_a_month_end_falls_on_the_last_day_of_a_shorter_month():
    assert rules.threshold_date(datetime.date(2027, 8, 31), Threshold(6, MONTHS)) == \
        datetime.date(2027, 2, 28)
    assert rules.threshold_date(datetime.date(2028, 8, 31), Threshold(6, MONTHS)) == \
        datetime.date(2028, 2, 29)
    assert rules.months_before(datetime.date(2027, 3, 15), 15) == datetime.date(2025, 12, 15)


def test_a_contract_ending_on_2027_06_01_is_flagged_on_2026_12_01_not_12_03():
    end = datetime.date(2027, 6, 1)
    assert rules.due_steps(end, datetime.date(2026, 11, 30), STEPS) == []
    assert rules.due_steps(end, datetime.date(2026, 12, 1), STEPS) == ["6m"]


@pytest.mark.parametrize("today,expected", [
    (datetime.date(2026, 11, 29), []), (datetime.date(2026, 11, 30), ["6m"]),
    (on(91), ["6m"]), (on(90), ["6m", "90d"]),
    (on(7), ["6m", "90d", "30d", "7d"]), (on(0), ["6m", "90d", "30d", "7d"]),
    (on(-1), ["6m", "90d", "30d", "7d", "expired"]),
])
def test_due_steps(today, expected):
    assert rules.due_steps(END, today, STEPS) == expected


@given(st.integers(min_value=-400, max_value=400), st.integers(min_value=0, max_value=60))
def test_steps_only_accumulate_as_days_pass(days_left, later):
    before = rules.due_steps(END, on(days_left), STEPS)
    after = rules.due_steps(END, on(days_left - later), STEPS)
    assert after[:len(before)] == before


@given(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 1, 1)),
       st.integers(min_value=-400, max_value=400))
def test_no_step_is_due_beyond_the_horizon(end, days_left):
    today = end - datetime.timedelta(days=days_left)
    if end > rules.horizon(today, STEPS):
        assert rules.due_steps(end, today, STEPS) == []


@pytest.mark.parametrize("today,expected", [
    (on(200), None), (datetime.date(2026, 11, 30), "6m"), (on(100), "6m"), (on(90), "90d"),
    (on(8), "30d"), (on(0), "7d"), (on(-1), "expired")])
def test_dashboard_groups(today, expected):
    assert rules.bucket(END, today, STEPS) == expected


@pytest.mark.parametrize("codes,expected", [
    (["6m"], "6m"), (["6m", "90d", "30d"], "30d"), (["90d", "6m", "7d"], "7d"),
    (["6m", "90d", "30d", "7d", "expired"], "expired")])
def test_of_steps_taken_together_the_most_urgent_is_told(codes, expected):
    assert rules.most_urgent(codes, STEPS) == expected


def test_the_renewal_step_on_the_record_is_in_days_before_the_end():
    assert rules.threshold_reached(datetime.date(2027, 6, 1), datetime.date(2026, 12, 1),
                                   STEPS) == 182
    assert rules.threshold_reached(END, on(30), STEPS) == 30
    assert rules.threshold_reached(END, on(200), STEPS) is None


@pytest.mark.parametrize("value,expected", [
    ("6 months", Threshold(6, MONTHS)), ("1 month", Threshold(1, MONTHS)),
    ("90 days", Threshold(90, DAYS)), ((6, "months"), Threshold(6, MONTHS)),
    (["30", "days"], Threshold(30, DAYS)), (45, Threshold(45, DAYS))])
def test_a_threshold_is_months_or_days(value, expected):
    assert rules.parse_threshold(value) == expected


@pytest.mark.parametrize("value", ["six months", "0 days", (3, "weeks"), -5, "", None])
def test_a_bad_threshold_is_refused(value):
    with pytest.raises(ImproperlyConfigured):
        rules.parse_threshold(value)


def test_the_thresholds_come_from_the_settings_earliest_first(settings):
    settings.PROPERTY_SERVICE = {"RENEWALS": {"THRESHOLDS": ["30 days", "4 months", "60 days"]}}
    assert rules.thresholds() == (Threshold(4, MONTHS), Threshold(60, DAYS),
                                  Threshold(30, DAYS))
    settings.PROPERTY_SERVICE = {"RENEWALS": {"THRESHOLDS_DAYS": [30, 120, 60]}}
    assert [t.code for t in rules.thresholds()] == ["120d", "60d", "30d"]
    settings.PROPERTY_SERVICE = {"RENEWALS": {"THRESHOLDS": ["30 days", "0 days"]}}
    with pytest.raises(ImproperlyConfigured):
        rules.thresholds()


def test_the_default_is_six_months_then_90_30_and_7_days(settings):
    settings.PROPERTY_SERVICE = {}
    assert [t.code for t in rules.thresholds()] == ["6m", "90d", "30d", "7d"]


def test_the_labels_are_derived_from_the_data(settings):
    settings.PROPERTY_SERVICE = {"RENEWALS": {"THRESHOLDS": ["4 months", "45 days"]}}
    assert rules.step_label("4m") == "4 months before the end"
    assert rules.step_label("45d") == "45 days before the end"
    assert [t.within() for t in rules.thresholds()] == ["Within 4 months", "Within 45 days"]
    with translation.override("zh-hans"):
        assert rules.step_label("4m") == "到期前 4 个月"
        assert rules.thresholds()[1].within() == "45 天内到期"


@pytest.mark.parametrize("today,expected", [
    (on(400), datetime.date(2026, 11, 30)), (datetime.date(2026, 11, 30), on(90)),
    (on(90), on(30)), (on(8), on(7)), (on(7), on(-1)), (on(0), on(-1)), (on(-1), None)])
def test_the_scan_looks_again_on_the_day_of_the_next_step(today, expected):
    assert rules.next_check(END, today, STEPS) == expected


@given(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2040, 1, 1)),
       st.integers(min_value=-400, max_value=400), st.integers(min_value=0, max_value=400))
def test_no_step_falls_due_before_the_next_check(end, days_left, later):
    # Between two looks nothing new becomes due: the steps on any day before the next check
    # are those already due on the day of the last look.
    today = end - datetime.timedelta(days=days_left)
    check = rules.next_check(end, today, STEPS)
    day = today + datetime.timedelta(days=later)
    if check is None or day < check:
        assert rules.due_steps(end, day, STEPS) == rules.due_steps(end, today, STEPS)
    else:
        assert len(rules.due_steps(end, check, STEPS)) > len(rules.due_steps(end, today, STEPS))
