import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from property_service.core.models import CalendarDay, WorkingCalendar
from property_service.core.workcalendar import (
    MINUTES,
    WORKING_DAYS,
    WORKING_MINUTES,
    CalendarSpec,
    add_working_days,
    add_working_minutes,
    china_calendar_days,
    due_at,
    is_workday,
    point_in_budget,
    seed_china_calendar,
    shift_after_pause,
    spec_from_calendar,
    working_minutes_between,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NINE, SIX_PM = datetime.time(9), datetime.time(18)


def make_spec(years=(2026, 2027), **changes):
    values = {
        "workday_start": NINE,
        "workday_end": SIX_PM,
        "weekdays": frozenset({1, 2, 3, 4, 5}),
        "overrides": {day: workday for day, workday, _ in china_calendar_days(years)},
        "tz": SHANGHAI,
    }
    return CalendarSpec(**(values | changes))


SPEC = make_spec()


def at(year, month, day, hour=0, minute=0, tz=SHANGHAI):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


# --- is_workday and the China calendar ------------------------------------------------------

def test_weekdays_are_working_days_and_weekends_are_not():
    assert is_workday(datetime.date(2026, 11, 23), SPEC)  # Monday
    assert not is_workday(datetime.date(2026, 11, 21), SPEC)  # Saturday


def test_a_public_holiday_on_a_weekday_is_not_a_working_day():
    assert not is_workday(datetime.date(2026, 10, 1), SPEC)
    assert not is_workday(datetime.date(2026, 10, 7), SPEC)


def test_a_make_up_saturday_is_a_working_day():
    assert is_workday(datetime.date(2026, 10, 10), SPEC)
    assert is_workday(datetime.date(2026, 2, 14), SPEC)


def test_china_calendar_days_lists_weekday_holidays_and_make_up_weekend_days():
    days = china_calendar_days([2026])
    by_date = {day: (workday, name) for day, workday, name in days}
    assert days == sorted(days)
    assert len(by_date) == len(days)
    assert by_date[datetime.date(2026, 10, 1)][0] is False
    assert by_date[datetime.date(2026, 10, 1)][1] == "国庆节"  # as the notice names it
    assert by_date[datetime.date(2026, 10, 10)] == (True, "调休上班")
    assert by_date[datetime.date(2026, 9, 20)][0] is True
    # A holiday on a Saturday changes nothing: Saturday is a day off anyway.
    assert datetime.date(2026, 10, 3) not in by_date
    assert all(day.year == 2026 for day in by_date)
    assert all(day.isoweekday() <= 5 for day, (workday, _) in by_date.items() if not workday)
    assert all(day.isoweekday() >= 6 for day, (workday, _) in by_date.items() if workday)


# --- MINUTES -----------------------------------------------------------------------------------

def test_a_leak_at_2am_is_due_at_230():
    assert due_at(at(2026, 11, 21, 2), 30, MINUTES, SPEC) == at(2026, 11, 21, 2, 30)


def test_minutes_ignore_holidays():
    assert due_at(at(2026, 9, 30, 23), 120, MINUTES, SPEC) == at(2026, 10, 1, 1)


# --- WORKING_MINUTES ---------------------------------------------------------------------------

def test_working_minutes_skip_a_weekend_and_a_public_holiday():
    # Thursday 17:00; Friday 2026-09-25 is Mid-Autumn Festival, then the weekend.
    assert due_at(at(2026, 9, 24, 17), 120, WORKING_MINUTES, SPEC) == at(2026, 9, 28, 10)


def test_working_minutes_before_opening_count_from_the_start_of_the_day():
    assert add_working_minutes(at(2026, 11, 23, 7), 30, SPEC) == at(2026, 11, 23, 9, 30)


def test_working_minutes_on_a_make_up_saturday_count():
    assert add_working_minutes(at(2026, 10, 9, 17), 120, SPEC) == at(2026, 10, 10, 10)


def test_a_budget_that_ends_with_the_working_day_is_due_that_evening():
    assert add_working_minutes(at(2026, 11, 20, 17), 60, SPEC) == at(2026, 11, 20, 18)


def test_zero_working_minutes_leave_the_start_unchanged():
    start = at(2026, 11, 21, 3, 17)
    assert due_at(start, 0, WORKING_MINUTES, SPEC) == start


def test_a_start_given_in_utc_is_counted_in_local_working_hours():
    start = at(2026, 11, 20, 1, tz=datetime.UTC)  # 09:00 in Shanghai
    due = due_at(start, 60, WORKING_MINUTES, SPEC)
    assert due == at(2026, 11, 20, 10)
    assert due.tzinfo == SHANGHAI


def test_working_minutes_between_counts_only_working_time():
    assert working_minutes_between(at(2026, 11, 20, 17), at(2026, 11, 23, 10), SPEC) == 120
    assert working_minutes_between(at(2026, 11, 21, 10), at(2026, 11, 22, 10), SPEC) == 0


def test_working_minutes_between_is_zero_when_the_end_is_not_after_the_start():
    assert working_minutes_between(at(2026, 11, 23, 12), at(2026, 11, 23, 10), SPEC) == 0


# --- WORKING_DAYS ------------------------------------------------------------------------------

def test_five_working_days_from_friday_morning_is_next_friday_morning():
    assert due_at(at(2026, 11, 20, 10), 5, WORKING_DAYS, SPEC) == at(2026, 11, 27, 10)


def test_five_working_days_from_30_september_skip_national_day_and_count_the_make_up_saturday():
    spec = make_spec(years=[2026])
    # Working days after 09-30: 10-08, 10-09, 10-10 (Saturday, 调休), 10-12, 10-13.
    assert due_at(at(2026, 9, 30, 10), 5, WORKING_DAYS, spec) == at(2026, 10, 13, 10)


def test_working_days_from_friday_evening_start_on_monday_morning():
    assert add_working_days(at(2026, 11, 20, 19), 1, SPEC) == at(2026, 11, 24, 9)


def test_working_days_from_a_weekend_start_on_monday_morning():
    assert add_working_days(at(2026, 11, 21, 12), 1, SPEC) == at(2026, 11, 24, 9)


def test_working_days_from_before_opening_keep_the_time_of_day():
    assert add_working_days(at(2026, 11, 23, 7), 1, SPEC) == at(2026, 11, 24, 7)


# --- point_in_budget ---------------------------------------------------------------------------

def test_eighty_percent_of_working_minutes_is_measured_in_working_time():
    start = at(2026, 11, 20, 14)  # Friday
    deadline = due_at(start, 600, WORKING_MINUTES, SPEC)
    assert deadline == at(2026, 11, 23, 15)
    # 480 of 600 working minutes: Friday 14:00-18:00, then Monday 09:00-13:00.
    warn = point_in_budget(start, deadline, 0.8, WORKING_MINUTES, SPEC)
    assert warn == at(2026, 11, 23, 13)


def test_eighty_percent_of_working_days_is_measured_in_working_time():
    start = at(2026, 11, 20, 10)
    deadline = due_at(start, 5, WORKING_DAYS, SPEC)
    # 2700 working minutes in all; 2160 are used by Thursday 10:00.
    assert point_in_budget(start, deadline, 0.8, WORKING_DAYS, SPEC) == at(2026, 11, 26, 10)


def test_eighty_percent_of_minutes_is_wall_clock_time():
    start = at(2026, 11, 21, 2)
    deadline = due_at(start, 30, MINUTES, SPEC)
    assert point_in_budget(start, deadline, 0.8, MINUTES, SPEC) == at(2026, 11, 21, 2, 24)


def test_a_budget_with_no_time_warns_at_the_deadline():
    start = at(2026, 11, 23, 12)
    assert point_in_budget(start, start, 0.8, WORKING_MINUTES, SPEC) == start


# --- shift_after_pause -------------------------------------------------------------------------

def test_a_pause_moves_the_deadline_by_the_working_time_left():
    deadline = at(2026, 11, 23, 15)  # 600 working minutes after Friday 14:00
    # Paused Friday 16:00 with 480 working minutes left; resumed Monday 10:00.
    shifted = shift_after_pause(deadline, at(2026, 11, 20, 16), at(2026, 11, 23, 10),
                                WORKING_MINUTES, SPEC)
    assert shifted == at(2026, 11, 23, 18)


def test_a_pause_on_a_wall_clock_deadline_adds_the_pause():
    shifted = shift_after_pause(at(2026, 11, 21, 2, 30), at(2026, 11, 21, 2, 10),
                                at(2026, 11, 21, 3), MINUTES, SPEC)
    assert shifted == at(2026, 11, 21, 3, 20)


def test_a_pause_after_the_deadline_leaves_the_breach_in_place():
    deadline = at(2026, 11, 23, 15)
    shifted = shift_after_pause(deadline, at(2026, 11, 23, 16), at(2026, 11, 24, 10),
                                WORKING_MINUTES, SPEC)
    assert shifted == deadline


def test_a_pause_outside_working_hours_does_not_move_a_working_days_deadline_earlier():
    deadline = at(2026, 11, 24, 7)  # one working day after Monday 07:00
    shifted = shift_after_pause(deadline, at(2026, 11, 23, 20), at(2026, 11, 23, 21),
                                WORKING_DAYS, SPEC)
    assert shifted == deadline


# --- errors ------------------------------------------------------------------------------------

def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime.datetime(2026, 11, 20, 10), 5, MINUTES, SPEC)


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative"):
        due_at(at(2026, 11, 20, 10), -1, WORKING_DAYS, SPEC)


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="Unknown unit"):
        due_at(at(2026, 11, 20, 10), 5, "fortnights", SPEC)


def test_a_fraction_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="fraction"):
        point_in_budget(at(2026, 11, 20, 10), at(2026, 11, 20, 12), 1.5, MINUTES, SPEC)


def test_a_calendar_without_working_days_raises_instead_of_looping_forever():
    spec = make_spec(weekdays=frozenset(), overrides={})
    with pytest.raises(ValueError, match="no working day"):
        due_at(at(2026, 11, 20, 10), 1, WORKING_DAYS, spec)
    with pytest.raises(ValueError, match="no working day"):
        due_at(at(2026, 11, 20, 10), 1, WORKING_MINUTES, spec)


def test_a_working_day_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="end after it starts"):
        make_spec(workday_start=SIX_PM, workday_end=NINE)


# --- properties --------------------------------------------------------------------------------

starts = st.datetimes(min_value=datetime.datetime(2026, 1, 1),
                      max_value=datetime.datetime(2026, 12, 31, 23, 59, 59),
                      timezones=st.just(SHANGHAI))
units = st.sampled_from([MINUTES, WORKING_MINUTES, WORKING_DAYS])
minutes = st.integers(min_value=0, max_value=3000)
days = st.integers(min_value=0, max_value=60)
offsets = st.integers(min_value=0, max_value=20000).map(lambda m: datetime.timedelta(minutes=m))
fractions = st.floats(min_value=0, max_value=1)


def amounts(unit):
    return days if unit == WORKING_DAYS else minutes


@settings(max_examples=200, deadline=None)
@given(starts, units.flatmap(lambda u: st.tuples(st.just(u), amounts(u), amounts(u))))
def test_a_deadline_is_never_before_the_start_and_grows_with_the_amount(start, case):
    unit, a, b = case
    due = due_at(start, a, unit, SPEC)
    assert due >= start
    assert due_at(start, a + b, unit, SPEC) >= due


@settings(max_examples=200, deadline=None)
@given(starts, minutes)
def test_the_working_minutes_to_a_deadline_are_the_amount(start, a):
    assert working_minutes_between(start, due_at(start, a, WORKING_MINUTES, SPEC), SPEC) == a


@settings(max_examples=200, deadline=None)
@given(starts, minutes, minutes)
def test_working_minutes_can_be_added_in_two_steps(start, a, b):
    in_one = due_at(start, a + b, WORKING_MINUTES, SPEC)
    in_two = due_at(due_at(start, a, WORKING_MINUTES, SPEC), b, WORKING_MINUTES, SPEC)
    assert in_one == in_two


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(min_value=1, max_value=3000))
def test_a_working_minutes_deadline_lies_in_working_hours(start, a):
    due = due_at(start, a, WORKING_MINUTES, SPEC)
    assert is_workday(due.date(), SPEC)
    assert NINE < due.time() <= SIX_PM


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(min_value=1, max_value=60))
def test_a_working_days_deadline_lies_on_a_working_day(start, a):
    assert is_workday(due_at(start, a, WORKING_DAYS, SPEC).date(), SPEC)


@settings(max_examples=200, deadline=None)
@given(starts, units.flatmap(lambda u: st.tuples(st.just(u), amounts(u))), offsets, offsets)
def test_a_pause_never_moves_a_deadline_earlier(start, case, before_pause, pause):
    unit, a = case
    deadline = due_at(start, a, unit, SPEC)
    paused_at = start + before_pause
    shifted = shift_after_pause(deadline, paused_at, paused_at + pause, unit, SPEC)
    assert shifted >= deadline


@settings(max_examples=200, deadline=None)
@given(starts, units.flatmap(lambda u: st.tuples(st.just(u), amounts(u))), fractions)
def test_a_point_in_the_budget_lies_between_start_and_deadline(start, case, fraction):
    unit, a = case
    deadline = due_at(start, a, unit, SPEC)
    assert start <= point_in_budget(start, deadline, fraction, unit, SPEC) <= deadline


# --- database ----------------------------------------------------------------------------------

def test_seeding_the_china_calendar_is_idempotent_and_keeps_edited_days(db):
    # The test database was seeded once already (the session loads the standards).
    calendar = WorkingCalendar.objects.get(code="cn")
    CalendarDay.objects.filter(calendar=calendar, date__year=2026).delete()
    first = seed_china_calendar(years=[2026])
    assert not first["calendar_created"] and first["created"] > 0 and first["kept"] == 0
    assert calendar.is_default and calendar.name == "中国大陆工作日历"

    second = seed_china_calendar(years=[2026])
    assert not second["calendar_created"]
    assert second["created"] == 0 and second["kept"] == first["created"]

    CalendarDay.objects.filter(calendar=calendar, date=datetime.date(2026, 5, 5)).update(
        is_workday=True, name="Open: annual inspection")
    CalendarDay.objects.filter(calendar=calendar, date=datetime.date(2026, 6, 19)).delete()
    third = seed_china_calendar(years=[2026])
    assert third["created"] == 1 and third["kept"] == first["created"] - 1
    edited = CalendarDay.objects.get(calendar=calendar, date=datetime.date(2026, 5, 5))
    assert edited.is_workday and edited.name == "Open: annual inspection"

    spec = spec_from_calendar(calendar)
    assert not is_workday(datetime.date(2026, 10, 1), spec)
    assert is_workday(datetime.date(2026, 2, 14), spec)
    assert is_workday(datetime.date(2026, 5, 5), spec)
    assert spec.tz == SHANGHAI


def test_the_seed_calendar_command_prints_what_it_did(db):
    CalendarDay.objects.filter(date__year=2026, date__month=10).delete()
    out = StringIO()
    call_command("seed_calendar", "--years", "2026", stdout=out)
    assert "calendar cn: exists" in out.getvalue()
    assert "days created: 0" not in out.getvalue()
    out = StringIO()
    call_command("seed_calendar", "--years", "2026", stdout=out)
    assert "days created: 0" in out.getvalue()
