"""The enquiry deadlines are pure arithmetic on the standard and the working calendar: tested
without the database."""

import datetime
import types
import zoneinfo

from property_service.core.workcalendar import CalendarSpec
from property_service.enquiries.deadlines import intake_deadlines

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
# Thursday 2027-01-01 a holiday; Saturday 2027-01-02 a make-up working day (调休).
SPEC = CalendarSpec(workday_start=datetime.time(9), workday_end=datetime.time(18),
                    weekdays=frozenset({1, 2, 3, 4, 5}),
                    overrides={datetime.date(2027, 1, 1): False,
                               datetime.date(2027, 1, 2): True}, tz=TZ)
STANDARD = types.SimpleNamespace(handover_minutes=60, contact_minutes=120,
                                 answer_minutes=1440, resolve_working_days=3)


def at(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def test_a_simple_enquiry_is_handed_over_in_1_h_contacted_in_2_h_answered_in_24_h():
    due = intake_deadlines(STANDARD, at("2026-12-16 10:00"), complex=False, spec=SPEC)
    assert due == {"handover_by": at("2026-12-16 11:00"), "contact_by": at("2026-12-16 12:00"),
                   "answer_by": at("2026-12-17 10:00"), "resolve_by": None}


def test_the_hour_budgets_run_through_nights_and_weekends():
    due = intake_deadlines(STANDARD, at("2026-12-19 23:30"), complex=False, spec=SPEC)
    assert (due["handover_by"], due["answer_by"]) == (at("2026-12-20 00:30"),
                                                      at("2026-12-20 23:30"))


def test_a_complex_enquiry_is_resolved_in_3_working_days_skipping_the_weekend():
    # Friday: Monday, Tuesday, Wednesday.
    due = intake_deadlines(STANDARD, at("2026-12-18 10:00"), complex=True, spec=SPEC)
    assert due["resolve_by"] == at("2026-12-23 10:00")


def test_a_holiday_is_skipped_and_a_make_up_saturday_counts():
    # Wednesday 12-30: Thursday 12-31, (Friday 1-1 a holiday), Saturday 1-2 (调休), Monday 1-4.
    due = intake_deadlines(STANDARD, at("2026-12-30 10:00"), complex=True, spec=SPEC)
    assert due["resolve_by"] == at("2027-01-04 10:00")


def test_the_budgets_come_from_the_standard():
    quicker = types.SimpleNamespace(handover_minutes=30, contact_minutes=60,
                                    answer_minutes=480, resolve_working_days=1)
    due = intake_deadlines(quicker, at("2026-12-16 10:00"), complex=True, spec=SPEC)
    assert due == {"handover_by": at("2026-12-16 10:30"), "contact_by": at("2026-12-16 11:00"),
                   "answer_by": at("2026-12-16 18:00"), "resolve_by": at("2026-12-17 10:00")}
