"""The calendar's years: official notices, provisional estimates, and holding every year in use
whatever year the clock shows."""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from property_service.core.models import CalendarDay, CalendarYear, WorkingCalendar
from property_service.core.workcalendar import (
    WORKING_DAYS,
    add_working_days,
    china_calendar_days,
    due_at,
    extend_calendars,
    parse_notice,
    provisional_years,
    provisional_years_among,
    seed_china_calendar,
    shipped_notices,
    spec_from_calendar,
    years_in_use,
)
from property_service.schedules import SCHEDULES

from tests.core.test_workcalendar import SHANGHAI, at
from tests.helpers import admin_url
from tests.workorders.conftest import category

NOTICE_2027 = """
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
make_up_days = [2027-02-20]

[[holidays]]
name = "春节"
from = 2027-02-06
to = 2027-02-13

[[holidays]]
name = "国庆节"
from = 2027-10-01
to = 2027-10-07
"""


def notice(**changes):
    data = {"year": 2027, "source": "通知",
            "holidays": [{"name": "国庆节", "from": datetime.date(2027, 10, 1),
                          "to": datetime.date(2027, 10, 7)}],
            "make_up_days": [datetime.date(2027, 9, 26)]}
    return data | changes


def calendar():
    return WorkingCalendar.objects.get(code="cn")


# --- reading a notice (pure) -------------------------------------------------------------------

def test_a_notice_makes_every_day_of_its_ranges_off_and_its_make_up_days_working():
    parsed = parse_notice(notice())
    days = {day: workday for day, workday, _ in parsed.entries}
    off = [day for day, workday in days.items() if not workday]
    assert off == [datetime.date(2027, 10, d) for d in range(1, 8)]
    assert days[datetime.date(2027, 9, 26)] is True
    assert parsed.year == 2027 and parsed.source == "通知"


@pytest.mark.parametrize("changes, message", [
    ({"year": "2027"}, "needs its year"),
    ({"source": ""}, "needs its source"),
    ({"holidays": []}, "lists no holidays"),
    ({"holidays": [{"name": "", "from": datetime.date(2027, 1, 1),
                    "to": datetime.date(2027, 1, 1)}]}, "has no name"),
    ({"holidays": [{"name": "元旦", "from": datetime.date(2027, 1, 3),
                    "to": datetime.date(2027, 1, 1)}]}, "ends (2027-01-01) before it starts"),
    ({"holidays": [{"name": "元旦", "from": "2027-01-01", "to": datetime.date(2027, 1, 1)}]},
     "is not a date"),
    ({"holidays": [{"name": "国庆节", "from": datetime.date(2028, 10, 1),
                    "to": datetime.date(2028, 10, 7)}]}, "lies outside 2027"),
    ({"holidays": [
        {"name": "A", "from": datetime.date(2027, 5, 1), "to": datetime.date(2027, 5, 3)},
        {"name": "B", "from": datetime.date(2027, 5, 3), "to": datetime.date(2027, 5, 4)}]},
     "is in two holidays"),
    ({"make_up_days": [datetime.date(2027, 9, 27)]}, "is a weekday"),
    ({"make_up_days": [datetime.date(2027, 10, 2)]}, "cannot be both a holiday"),
])
def test_a_wrong_notice_is_refused_with_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_notice(notice(**changes))


def test_a_new_year_holiday_may_start_in_the_december_before():
    parsed = parse_notice(notice(holidays=[{"name": "元旦", "from": datetime.date(2026, 12, 30),
                                           "to": datetime.date(2027, 1, 1)}], make_up_days=[]))
    assert parsed.entries[0][0] == datetime.date(2026, 12, 30)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_shipped_notices_agree_with_the_transcription_in_the_holidays_package(year):
    # Two independent transcriptions of the same notice: weekday days off and 调休 must match.
    shipped = {(day, workday) for day, workday, _ in shipped_notices()[year].entries
               if workday or day.isoweekday() <= 5}
    package = {(day, workday) for day, workday, _ in china_calendar_days([year])}
    assert shipped == package


def test_the_provisional_years_among_moments_are_their_local_years():
    moments = [at(2026, 5, 1), at(2027, 5, 1), None, at(2028, 1, 1)]
    assert provisional_years_among(moments, {2027}, SHANGHAI) == [2027]
    # 2026-12-31 16:30 UTC is already 2027-01-01 in Shanghai: the local year counts.
    new_year = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)
    assert provisional_years_among([new_year], {2027}, SHANGHAI) == [2027]
    assert provisional_years_among([at(2026, 12, 31, 23)], {2027}, SHANGHAI) == []


# --- the database ------------------------------------------------------------------------------

def test_the_calendar_holds_every_year_from_the_first_notice_to_next_year_in_any_year(db):
    for today in (datetime.date(2026, 12, 1), datetime.date(2027, 3, 1), datetime.date(2028, 1, 1)):
        years = years_in_use(today)
        assert years[0] == min(shipped_notices()) and years[-1] == today.year + 1
        assert years == list(range(years[0], years[-1] + 1))


def test_a_record_older_than_the_calendar_makes_it_hold_that_year(db, place_a, make_staff):
    agent = make_staff("CS Agent", communities=[place_a.community])
    from property_service.workorders.services import create_work_order

    create_work_order(by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
                      category=category("electrical"), description="旧单",
                      reported_at=datetime.datetime(2023, 6, 1, 10, tzinfo=SHANGHAI))
    assert years_in_use(datetime.date(2027, 1, 1))[0] == 2023


def test_a_scheduled_order_before_national_day_2025_is_due_after_it(db):
    # As the standards were loaded at start (whatever the year now): 2025-09-28 (Sunday) is
    # worked; 10-01 to 10-08 are off.
    spec = spec_from_calendar(calendar())
    start = at(2025, 9, 26, 10)
    assert add_working_days(start, 1, spec) == at(2025, 9, 28, 10)
    assert due_at(start, 4, WORKING_DAYS, spec) == at(2025, 10, 9, 10)
    assert 2025 not in provisional_years(calendar())


def test_a_year_without_a_notice_is_estimated_and_held_as_provisional(db):
    seed_china_calendar(years=[2026, 2031])
    rows = {row.year: row for row in CalendarYear.objects.filter(calendar=calendar())}
    assert rows[2031].provisional and "estimate" in rows[2031].source
    assert not rows[2026].provisional and "2026" in rows[2026].source
    assert 2031 in provisional_years(calendar()) and 2026 not in provisional_years(calendar())
    assert CalendarDay.objects.filter(calendar=calendar(), date=datetime.date(2031, 10, 1),
                                      is_workday=False).exists()


def test_the_daily_job_adds_next_year_and_is_scheduled(db):
    assert not CalendarYear.objects.filter(year=2033).exists()
    extend_calendars(today=datetime.date(2032, 12, 31))
    assert CalendarYear.objects.filter(calendar=calendar(), year=2033, provisional=True).exists()
    assert "property_service.core.workcalendar.extend_calendars" in {job.func for job in SCHEDULES}


def test_entering_the_notice_replaces_the_estimate_and_ends_the_provisional_year(db, tmp_path):
    seed_china_calendar(years=[2027])
    cal = calendar()
    assert CalendarYear.objects.get(calendar=cal, year=2027).provisional
    # The estimate has a day off the notice does not have: it goes.
    CalendarDay.objects.update_or_create(calendar=cal, date=datetime.date(2027, 6, 9),
                                         defaults={"is_workday": False, "name": "端午节"})
    path = tmp_path / "2027.toml"
    path.write_text(NOTICE_2027, encoding="utf-8")
    out = StringIO()
    call_command("load_calendar_notice", str(path), stdout=out)
    assert "2027 official" in out.getvalue()
    year = CalendarYear.objects.get(calendar=cal, year=2027)
    assert not year.provisional and "测试" in year.source
    assert 2027 not in provisional_years(cal)
    spec = spec_from_calendar(cal)
    assert spec.overrides[datetime.date(2027, 2, 20)] is True
    assert spec.overrides[datetime.date(2027, 2, 12)] is False
    assert datetime.date(2027, 6, 9) not in spec.overrides
    # Seeding again leaves the official year alone.
    seed_china_calendar(years=[2027])
    assert not CalendarYear.objects.get(calendar=cal, year=2027).provisional
    assert datetime.date(2027, 6, 9) not in spec_from_calendar(cal).overrides


def test_a_wrong_notice_file_is_refused_and_changes_nothing(db, tmp_path):
    seed_china_calendar(years=[2027])
    before = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_workday"))
    path = tmp_path / "2027.toml"
    path.write_text(NOTICE_2027.replace("2027-02-20", "2027-02-22"), encoding="utf-8")
    with pytest.raises(CommandError, match="is a weekday"):
        call_command("load_calendar_notice", str(path))
    path.write_text("year = [", encoding="utf-8")
    with pytest.raises(CommandError, match="not a valid TOML"):
        call_command("load_calendar_notice", str(path))
    assert list(CalendarDay.objects.filter(date__year=2027)
                .values_list("date", "is_workday")) == before
    assert CalendarYear.objects.get(year=2027).provisional


def test_a_notice_added_to_the_fixtures_upgrades_its_year_on_the_next_start(db, tmp_path):
    seed_china_calendar(years=[2027])
    fixtures = tmp_path / "fixtures"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", fixtures)
    (fixtures / "calendars" / "cn" / "2027.toml").write_text(NOTICE_2027, encoding="utf-8")
    settings_ps = dict(settings.PROPERTY_SERVICE, FIXTURES_DIR=str(fixtures))
    from django.test import override_settings

    with override_settings(PROPERTY_SERVICE=settings_ps):
        seed_china_calendar(years=[2027])
    assert not CalendarYear.objects.get(calendar=calendar(), year=2027).provisional
    assert spec_from_calendar(calendar()).overrides[datetime.date(2027, 2, 20)] is True


def test_the_calendar_page_shows_which_years_are_provisional(admin_client, db):
    seed_china_calendar(years=[2031])
    listing = admin_client.get(admin_url("workingcalendar", "changelist")).content.decode()
    assert "2031" in listing
    page = admin_client.get(admin_url("workingcalendar", "change", calendar().pk)).content.decode()
    assert "the official notice is not entered yet" in page


def test_an_order_due_in_a_provisional_year_says_so_on_its_page(admin_client, db, place_a,
                                                                make_staff):
    from property_service.workorders.services import create_work_order

    agent = make_staff("CS Agent", communities=[place_a.community])
    seed_china_calendar(years=[2026, 2031])
    provisional = create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=category("electrical"), description="灯不亮",
        reported_at=datetime.datetime(2031, 3, 3, 10, tzinfo=SHANGHAI))
    official = create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=category("electrical"), description="灯不亮",
        reported_at=datetime.datetime(2026, 3, 3, 10, tzinfo=SHANGHAI))
    page = admin_client.get(admin_url("workorder", "change", provisional.pk)).content.decode()
    assert 'data-provisional-years="2031"' in page
    page = admin_client.get(admin_url("workorder", "change", official.pk)).content.decode()
    assert "data-provisional-years" not in page
