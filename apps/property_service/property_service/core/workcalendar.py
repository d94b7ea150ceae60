"""Deadline arithmetic on a working calendar (工作日历): "30 minutes", "4 working hours",
"5 working days".

Everything here is a pure function of a ``CalendarSpec`` (working hours, working weekdays, the
dates that differ from the weekdays, the local time zone), except ``spec_from_calendar`` and
``seed_china_calendar``, which read and write the database.

Semantics, shared by every function:

* Datetimes in and out are timezone-aware; a naive one raises ``ValueError``. Results are in
  ``spec.tz``; calendar dates and working hours are those of ``spec.tz`` local time.
* Working time is ``[workday_start, workday_end)`` on each working day. A date is a working day
  if ``overrides`` says so (a public holiday: False; a 调休 make-up weekend day: True), else if
  its ISO weekday is in ``weekdays``.
* ``MINUTES`` count round the clock: 30 minutes after 02:00 is 02:30.
* ``WORKING_MINUTES`` count only working time. Counting starts at ``start`` if that is working
  time, else at the next start of working time. A budget that runs out exactly at the end of a
  working day is due at ``workday_end`` that day (not at the next morning), so for an amount
  above zero the deadline lies in ``(workday_start, workday_end]`` of a working day.
* ``WORKING_DAYS``: the anchor is ``start`` on a working day before ``workday_end``, else
  ``workday_start`` of the next working day; the deadline is the anchor's local time of day on
  the N-th following working day.
* An amount of 0 returns ``start`` unchanged, in every unit. Negative amounts, unknown units
  and fractions outside 0..1 raise ``ValueError``.
* A calendar without a working day within about three years raises ``ValueError`` instead of
  searching forever.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import zoneinfo
from collections.abc import Iterable, Mapping

MINUTES = "minutes"
WORKING_MINUTES = "working_minutes"
WORKING_DAYS = "working_days"
UNITS = (MINUTES, WORKING_MINUTES, WORKING_DAYS)

SEARCH_LIMIT_DAYS = 3 * 366
MAKE_UP_DAY_NAME = "调休上班 / make-up working day"
DEFAULT_CALENDAR_CODE = "cn"
DEFAULT_CALENDAR_NAME = "中国大陆工作日历"

ONE_DAY = datetime.timedelta(days=1)
ZERO = datetime.timedelta(0)
UTC = datetime.UTC
SUBSTITUTED_RE = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@dataclasses.dataclass(frozen=True)
class CalendarSpec:
    """What a working calendar says, detached from the database."""

    workday_start: datetime.time
    workday_end: datetime.time
    weekdays: frozenset[int]  # ISO weekdays that are working days (1 = Monday)
    overrides: Mapping[datetime.date, bool] = dataclasses.field(hash=False)  # date -> working
    tz: zoneinfo.ZoneInfo

    def __post_init__(self):
        object.__setattr__(self, "weekdays", frozenset(int(d) for d in self.weekdays))
        if self.workday_end <= self.workday_start:
            raise ValueError("The working day must end after it starts.")
        if not self.weekdays <= set(range(1, 8)):
            raise ValueError(f"Weekdays must be ISO weekday numbers 1-7: {sorted(self.weekdays)}")


def is_workday(day: datetime.date, spec: CalendarSpec) -> bool:
    """Overrides first (holidays, 调休), else the working weekdays."""
    override = spec.overrides.get(day)
    if override is not None:
        return override
    return day.isoweekday() in spec.weekdays


def add_working_minutes(start: datetime.datetime, minutes: int,
                        spec: CalendarSpec) -> datetime.datetime:
    """The moment ``minutes`` of working time after ``start`` have passed."""
    _check_amount(minutes)
    local = _local(start, spec)
    return _aware(_add_working_time(local, datetime.timedelta(minutes=minutes), spec), spec)


def add_working_days(start: datetime.datetime, days: int,
                     spec: CalendarSpec) -> datetime.datetime:
    """The anchor's time of day on the ``days``-th working day after it (see module docstring)."""
    _check_amount(days)
    local = _local(start, spec)
    if days == 0:
        return _aware(local, spec)
    if is_workday(local.date(), spec) and local.time() < spec.workday_end:
        anchor = local
    else:
        anchor = _at(_next_workday(local.date(), spec), spec.workday_start)
    day = anchor.date()
    for _ in range(days):
        day = _next_workday(day, spec)
    return _aware(datetime.datetime.combine(day, anchor.time()), spec)


def working_minutes_between(start: datetime.datetime, end: datetime.datetime,
                            spec: CalendarSpec) -> int:
    """Whole minutes of working time in ``[start, end)``; 0 if ``end <= start``."""
    return int(_working_time_between(_local(start, spec), _local(end, spec), spec)
               // datetime.timedelta(minutes=1))


def due_at(start: datetime.datetime, amount: int, unit: str,
           spec: CalendarSpec) -> datetime.datetime:
    """The deadline ``amount`` units after ``start``; never before ``start``."""
    _check_unit(unit)
    if unit == WORKING_MINUTES:
        return add_working_minutes(start, amount, spec)
    if unit == WORKING_DAYS:
        return add_working_days(start, amount, spec)
    _check_amount(amount)
    return _wall_add(start, datetime.timedelta(minutes=amount), spec)


def point_in_budget(start: datetime.datetime, deadline: datetime.datetime, fraction: float,
                    unit: str, spec: CalendarSpec) -> datetime.datetime:
    """The moment ``fraction`` of the time from ``start`` to ``deadline`` is used up.

    Time is wall-clock time for ``MINUTES`` and working time for the working units. With no
    budget at all (``deadline <= start``) the answer is ``deadline``.
    """
    _check_unit(unit)
    if not 0 <= fraction <= 1:
        raise ValueError(f"The fraction must lie between 0 and 1, not {fraction}.")
    local_start, local_deadline = _local(start, spec), _local(deadline, spec)
    if deadline <= start:
        return _aware(local_deadline, spec)
    if unit == MINUTES:
        return _wall_add(start, (deadline - start) * fraction, spec)
    budget = _working_time_between(local_start, local_deadline, spec)
    return _aware(_add_working_time(local_start, budget * fraction, spec), spec)


def shift_after_pause(deadline: datetime.datetime, paused_at: datetime.datetime,
                      resumed_at: datetime.datetime, unit: str,
                      spec: CalendarSpec) -> datetime.datetime:
    """The deadline once the clock stood still from ``paused_at`` to ``resumed_at``.

    The new deadline is ``resumed_at`` plus the budget left at ``paused_at`` (wall-clock time
    for ``MINUTES``, working time otherwise), and never earlier than ``deadline``. A deadline
    that had already passed when the pause began is returned unchanged: a breach stays one.
    """
    _check_unit(unit)
    local_deadline = _local(deadline, spec)
    local_paused, local_resumed = _local(paused_at, spec), _local(resumed_at, spec)
    if resumed_at < paused_at:
        raise ValueError("The clock cannot resume before it was paused.")
    if paused_at >= deadline:
        return _aware(local_deadline, spec)
    if unit == MINUTES:
        return _wall_add(resumed_at, deadline - paused_at, spec)
    left = _working_time_between(local_paused, local_deadline, spec)
    shifted = _add_working_time(local_resumed, left, spec)
    # With no working time left (a deadline outside working hours, e.g. a working-days
    # deadline at 07:00), resuming early must not pull the deadline forward.
    return _aware(max(shifted, local_deadline), spec)


def spec_from_calendar(calendar, *, tz: zoneinfo.ZoneInfo | None = None) -> CalendarSpec:
    """The spec of a ``WorkingCalendar`` with its calendar days; tz defaults to Django's."""
    if tz is None:
        from django.utils import timezone

        tz = timezone.get_default_timezone()
    overrides = dict(calendar.days.values_list("date", "is_workday"))
    return CalendarSpec(
        workday_start=_as_time(calendar.workday_start),
        workday_end=_as_time(calendar.workday_end),
        weekdays=frozenset(int(c) for c in calendar.weekdays if c.isdigit()),
        overrides=overrides,
        tz=tz,
    )


def china_calendar_days(years: Iterable[int]) -> list[tuple[datetime.date, bool, str]]:
    """Mainland China's exceptions to a Monday-to-Friday week, from the ``holidays`` package.

    ``(date, False, name)`` for each public holiday on a weekday, ``(date, True, name)`` for
    each weekend day worked in exchange for a day off (调休). Only dates in ``years``; sorted,
    one entry per date.
    """
    import holidays

    years = sorted(set(years))
    if not years:
        return []
    # Neighbouring years too: a January day off may be paid for by a December weekend.
    lookup = range(years[0] - 1, years[-1] + 2)
    english = holidays.country_holidays("CN", years=lookup, language="en_US")
    chinese = holidays.country_holidays("CN", years=lookup, language="zh_CN")
    wanted = set(years)

    days: dict[datetime.date, tuple[datetime.date, bool, str]] = {}
    for day, name in english.items():
        if day.year in wanted and day.isoweekday() <= 5:
            zh_name = chinese.get(day)
            label = f"{zh_name} / {name}" if zh_name and zh_name != name else name
            days[day] = (day, False, label)

    make_up = {datetime.date(int(y), int(m), int(d))
               for name in english.values() for m, d, y in SUBSTITUTED_RE.findall(name)}
    make_up |= set(getattr(english, "weekend_workdays", ()))
    for day in make_up:
        if day.year in wanted and day.isoweekday() >= 6 and day not in english:
            days[day] = (day, True, MAKE_UP_DAY_NAME)
    return sorted(days.values())


def seed_china_calendar(*, years: Iterable[int]) -> dict:
    """Create the mainland China calendar if missing and add the days it lacks for ``years``.

    Idempotent. A date the calendar already has is never overwritten (staff may have edited
    it) and is counted as kept. The new calendar is the default one unless another already is.
    """
    from django.db import transaction

    from .models import CalendarDay, WorkingCalendar

    entries = china_calendar_days(years)
    max_name = CalendarDay._meta.get_field("name").max_length
    with transaction.atomic():
        calendar = WorkingCalendar.objects.filter(code=DEFAULT_CALENDAR_CODE).first()
        calendar_created = calendar is None
        if calendar_created:
            calendar = WorkingCalendar.objects.create(
                code=DEFAULT_CALENDAR_CODE, name=DEFAULT_CALENDAR_NAME,
                is_default=not WorkingCalendar.objects.filter(is_default=True).exists(),
            )
        existing = set(calendar.days.filter(date__in=[day for day, _, _ in entries])
                       .values_list("date", flat=True))
        created = 0
        for day, workday, name in entries:
            if day in existing:
                continue
            # One by one rather than bulk_create, so each day gets its audit history row.
            CalendarDay.objects.create(calendar=calendar, date=day, is_workday=workday,
                                       name=_fit(name, max_name))
            created += 1
    return {
        "calendar": calendar.code,
        "calendar_created": calendar_created,
        "created": created,
        "kept": len(existing),
    }


def _fit(name: str, length: int) -> str:
    # A bilingual name too long for the column keeps its Chinese half whole.
    return name if len(name) <= length else name.split(" / ")[0][:length]


def _check_amount(amount: int) -> None:
    if amount < 0:
        raise ValueError(f"The amount cannot be negative: {amount}.")


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}; expected one of {', '.join(UNITS)}.")


def _local(moment: datetime.datetime, spec: CalendarSpec) -> datetime.datetime:
    """``moment`` as a naive local wall-clock time in ``spec.tz``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Expected a timezone-aware datetime, got {moment!r}.")
    return moment.astimezone(spec.tz).replace(tzinfo=None)


def _aware(local: datetime.datetime, spec: CalendarSpec) -> datetime.datetime:
    return local.replace(tzinfo=spec.tz)


def _wall_add(moment: datetime.datetime, delta: datetime.timedelta,
              spec: CalendarSpec) -> datetime.datetime:
    # In UTC, so that elapsed time stays elapsed time across a daylight-saving change.
    _local(moment, spec)
    return (moment.astimezone(UTC) + delta).astimezone(spec.tz)


def _as_time(value) -> datetime.time:
    # A calendar created in this process still holds the field default, the string "09:00".
    return datetime.time.fromisoformat(value) if isinstance(value, str) else value


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time)


def _next_workday(day: datetime.date, spec: CalendarSpec) -> datetime.date:
    """The first working day after ``day``."""
    for offset in range(1, SEARCH_LIMIT_DAYS + 1):
        candidate = day + datetime.timedelta(days=offset)
        if is_workday(candidate, spec):
            return candidate
    raise ValueError(f"The calendar has no working day within {SEARCH_LIMIT_DAYS} days "
                     f"after {day}.")


def _add_working_time(local: datetime.datetime, budget: datetime.timedelta,
                      spec: CalendarSpec) -> datetime.datetime:
    """Naive local time once ``budget`` of working time after ``local`` has passed."""
    if budget <= ZERO:
        return local
    day, cursor = local.date(), local
    if not (is_workday(day, spec) and local.time() < spec.workday_end):
        day = _next_workday(day, spec)
        cursor = _at(day, spec.workday_start)
    while True:
        begin = max(cursor, _at(day, spec.workday_start))
        available = _at(day, spec.workday_end) - begin
        # "<=": a budget ending exactly at the end of the day is due then, not next morning.
        if budget <= available:
            return begin + budget
        budget -= available
        day = _next_workday(day, spec)
        cursor = _at(day, spec.workday_start)


def _working_time_between(start: datetime.datetime, end: datetime.datetime,
                          spec: CalendarSpec) -> datetime.timedelta:
    """Working time in ``[start, end)``, both naive local times."""
    total = ZERO
    day = start.date()
    while day <= end.date():
        if is_workday(day, spec):
            begin = max(start, _at(day, spec.workday_start))
            finish = min(end, _at(day, spec.workday_end))
            if finish > begin:
                total += finish - begin
        day += ONE_DAY
    return total
