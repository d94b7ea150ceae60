"""The pure rules: which calendar days make one holiday, when its draft is due, and how a
template is filled in."""

import datetime

import pytest
from property_service.seasonal import occasions

D = datetime.date
CODES = {"春节": "spring_festival", "除夕": "spring_festival", "元旦": "new_year",
         "国庆节": "national_day"}


def test_a_holidays_days_off_are_one_occasion_even_over_a_weekend_and_days_in_lieu():
    days = [(D(2027, 2, 5), False, "农历除夕"), (D(2027, 2, 6), False, "春节"),
            (D(2027, 2, 8), False, "春节"), (D(2027, 2, 9), False, "春节（补假）"),
            (D(2027, 2, 10), False, "春节（补假）"), (D(2027, 2, 20), True, "调休上班")]
    found = occasions.holiday_occasions(days, {**CODES, "农历除夕": "spring_festival"})
    assert [(o.key, o.year, o.starts_on, o.ends_on, o.days) for o in found] == [
        ("holiday:spring_festival", 2027, D(2027, 2, 5), D(2027, 2, 10), 6)]


def test_new_years_day_starting_in_december_belongs_to_the_new_year():
    days = [(D(2024, 12, 30), False, "元旦"), (D(2024, 12, 31), False, "元旦"),
            (D(2025, 1, 1), False, "元旦"), (D(2025, 10, 1), False, "国庆节"),
            (D(2025, 10, 8), False, "国庆节")]
    found = occasions.holiday_occasions(days, CODES)
    assert [(o.code, o.year, o.starts_on, o.ends_on) for o in found] == [
        ("new_year", 2025, D(2024, 12, 30), D(2025, 1, 1)),
        ("national_day", 2025, D(2025, 10, 1), D(2025, 10, 1)),
        ("national_day", 2025, D(2025, 10, 8), D(2025, 10, 8))]


def test_days_no_template_greets_and_working_days_are_no_occasion():
    days = [(D(2026, 4, 4), False, "清明节"), (D(2026, 10, 10), True, "国庆节")]
    assert occasions.holiday_occasions(days, CODES) == []


@pytest.mark.parametrize(("today", "due"), [
    (D(2026, 9, 25), False), (D(2026, 9, 26), True), (D(2026, 9, 30), True),
    (D(2026, 10, 1), True), (D(2026, 10, 2), False)])
def test_a_draft_is_due_from_lead_days_ahead_until_the_first_day(today, due):
    national_day = occasions.Occasion(key="holiday:national_day", code="national_day",
                                      year=2026, starts_on=D(2026, 10, 1),
                                      ends_on=D(2026, 10, 7))
    assert occasions.is_due(national_day, 5, today) is due


def test_a_reminder_on_29_february_falls_on_the_28th_in_other_years():
    assert occasions.reminder_date(2, 29, 2027) == D(2027, 2, 28)
    assert occasions.reminder_date(2, 29, 2028) == D(2028, 2, 29)
    found = occasions.reminder_occasions(reminder_id=7, code="typhoon_season", name="台风季",
                                         month=1, day=3, today=D(2026, 12, 30))
    assert [(o.key, o.year, o.starts_on) for o in found] == [
        ("reminder:7", 2026, D(2026, 1, 3)), ("reminder:7", 2027, D(2027, 1, 3))]


def test_a_template_is_filled_in_chinese_and_english():
    occasion = occasions.Occasion(key="holiday:national_day", code="national_day", year=2026,
                                  starts_on=D(2026, 10, 1), ends_on=D(2026, 10, 7))
    text = "{community}：{occasion}（{start}至{end}，共{days}天）"
    assert occasions.render(text, occasion=occasion, occasion_name="国庆节",
                            community="阳光花园", language="zh-hans") == \
        "阳光花园：国庆节（2026年10月1日至2026年10月7日，共7天）"
    assert occasions.render("{occasion} {start}", occasion=occasion,
                            occasion_name="National Day", community="x",
                            language="en") == "National Day 1 October 2026"


def test_an_unknown_placeholder_is_named():
    with pytest.raises(ValueError, match="holiday"):
        occasions.check_text("{holiday}快乐")
    occasions.check_text("{occasion}快乐，{community}")
    occasions.check_text("{节日}快乐，{小区}，{开始}至{结束}共{天数}天，{年份}")
