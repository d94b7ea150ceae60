"""The renewal rule as pure functions: which steps are due, which group, from the settings."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st
from property_service.renewals import rules

END = datetime.date(2027, 5, 31)
STEPS = (180, 90, 30, 7)


def on(days_before_end: int) -> datetime.date:
    return END - datetime.timedelta(days=days_before_end)


@pytest.mark.parametrize("days_left,expected", [
    (181, []), (180, ["180d"]), (91, ["180d"]), (90, ["180d", "90d"]),
    (7, ["180d", "90d", "30d", "7d"]), (0, ["180d", "90d", "30d", "7d"]),
    (-1, ["180d", "90d", "30d", "7d", "expired"]),
])
def test_due_steps(days_left, expected):
    assert rules.due_steps(END, on(days_left), STEPS) == expected


@given(st.integers(min_value=-400, max_value=400), st.integers(min_value=0, max_value=60))
def test_steps_only_accumulate_as_days_pass(days_left, later):
    before = rules.due_steps(END, on(days_left), STEPS)
    after = rules.due_steps(END, on(days_left - later), STEPS)
    assert after[:len(before)] == before


@pytest.mark.parametrize("days_left,expected", [
    (200, None), (180, "180"), (100, "180"), (90, "90"), (8, "30"), (0, "7"), (-1, "expired")])
def test_dashboard_groups(days_left, expected):
    assert rules.bucket(days_left, STEPS) == expected


def test_the_thresholds_come_from_the_settings_largest_first(settings):
    settings.PROPERTY_SERVICE = {"RENEWALS": {"THRESHOLDS_DAYS": [30, 120, 60]}}
    assert rules.thresholds() == (120, 60, 30)
    settings.PROPERTY_SERVICE = {"RENEWALS": {"THRESHOLDS_DAYS": [30, 0]}}
    with pytest.raises(ImproperlyConfigured):
        rules.thresholds()


def test_the_default_is_six_months_then_90_30_and_7_days(settings):
    settings.PROPERTY_SERVICE = {}
    assert rules.thresholds() == (180, 90, 30, 7)
