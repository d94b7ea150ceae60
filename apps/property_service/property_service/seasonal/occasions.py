"""When a greeting or a safety reminder is due, and what it says: pure functions of the working
calendar's days, the templates' data and today's date (tested without the database).

An *occasion* is one holiday of one year (the working calendar's days off that bear a greeted
holiday's name, a few days apart at most) or one community's reminder date of one year. Its
draft is due from ``lead_days`` before its first day until that day; the daily job drafts what
is due, so a job that did not run for a few days still drafts in time."""

from __future__ import annotations

import dataclasses
import datetime
import re
import string
from collections.abc import Iterable, Mapping

# Days off of one holiday may lie apart over a weekend the estimate leaves out (e.g. Friday
# and Monday): up to this many days apart they are one holiday.
MAX_GAP_DAYS = 3
# Each placeholder by its English and its Chinese name (the Chinese texts use the Chinese ones).
PLACEHOLDERS = {"occasion": "occasion", "节日": "occasion", "community": "community",
                "小区": "community", "start": "start", "开始": "start", "end": "end",
                "结束": "end", "days": "days", "天数": "days", "year": "year", "年份": "year"}
_SUFFIX = re.compile(r"[（(][^）)]*[）)]\s*$")


@dataclasses.dataclass(frozen=True)
class Occasion:
    key: str  # "holiday:<template code>" or "reminder:<reminder id>": one draft per key and year
    code: str  # the template's code
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    name: str = ""  # the calendar's name of the holiday, or the reminder's

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def holiday_name(name: str) -> str:
    """A calendar day's holiday name without a suffix such as "（补假）" (a day in lieu)."""
    name = (name or "").strip()
    while _SUFFIX.search(name):
        name = _SUFFIX.sub("", name).strip()
    return name


def holiday_occasions(days: Iterable[tuple[datetime.date, bool, str]],
                      codes_by_name: Mapping[str, str]) -> list[Occasion]:
    """The holidays among calendar ``days`` (``(date, is_workday, name)``) that a template
    greets (``codes_by_name``: holiday name → template code), one per run of its days off.
    A holiday belongs to the year of its last day (New Year's Day may start on 30 December)."""
    runs: list[list] = []
    open_run: dict[str, list] = {}
    for day, is_workday, name in sorted(days):
        code = None if is_workday else codes_by_name.get(holiday_name(name))
        if code is None:
            continue
        run = open_run.get(code)
        if run is not None and (day - run[2]).days <= MAX_GAP_DAYS:
            run[2] = day
            continue
        run = [code, day, day, holiday_name(name)]
        open_run[code] = run
        runs.append(run)
    return [Occasion(key=f"holiday:{code}", code=code, year=last.year, starts_on=first,
                     ends_on=last, name=name) for code, first, last, name in runs]


def reminder_date(month: int, day: int, year: int) -> datetime.date:
    """The reminder's date in ``year``; 29 February is the 28th in other years."""
    if (month, day) == (2, 29):
        try:
            return datetime.date(year, 2, 29)
        except ValueError:
            return datetime.date(year, 2, 28)
    return datetime.date(year, month, day)


def reminder_occasions(*, reminder_id: int, code: str, name: str, month: int, day: int,
                       today: datetime.date) -> list[Occasion]:
    """This year's and next year's date of a reminder (a January date is drafted in
    December)."""
    return [Occasion(key=f"reminder:{reminder_id}", code=code, year=year, starts_on=date,
                     ends_on=date, name=name)
            for year in (today.year, today.year + 1)
            for date in [reminder_date(month, day, year)]]


def draft_on(occasion: Occasion, lead_days: int) -> datetime.date:
    return occasion.starts_on - datetime.timedelta(days=lead_days)


def is_due(occasion: Occasion, lead_days: int, today: datetime.date) -> bool:
    """From ``lead_days`` before the occasion until its first day: not earlier, and not once it
    has begun."""
    return draft_on(occasion, lead_days) <= today <= occasion.starts_on


def format_date(day: datetime.date, language: str) -> str:
    if language.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day:%B} {day.year}"


class _Strict(dict):
    def __missing__(self, key):
        raise KeyError(key)


def placeholders_in(text: str) -> list[str]:
    """The placeholders a template text uses; raises ``ValueError`` on a broken brace."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def check_text(text: str) -> None:
    """Raises ``ValueError`` naming the first unknown placeholder (or a broken brace)."""
    for name in placeholders_in(text):
        if name not in PLACEHOLDERS:
            raise ValueError(name)


def render(text: str, *, occasion: Occasion, occasion_name: str, community: str,
           language: str) -> str:
    """The template text with its placeholders filled in."""
    values = {"occasion": occasion_name or occasion.name, "community": community,
              "start": format_date(occasion.starts_on, language),
              "end": format_date(occasion.ends_on, language), "days": occasion.days,
              "year": occasion.year}
    return text.format_map(_Strict({name: values[key] for name, key in PLACEHOLDERS.items()}))
