"""Deadline arithmetic on a working calendar (工作日历): "30 minutes", "4 working hours",
"5 working days".

Everything here is a pure function of a ``CalendarSpec`` (working hours, working weekdays, the
dates that differ from the weekdays, the local time zone), except the functions under "the
database" (``spec_from_calendar``, ``provisional_years``, ``seed_china_calendar``,
``apply_notice``, ``extend_calendars``), which read and write it. A year's days come from the
State Council's notice (``fixtures/calendars/cn/<year>.toml``, read by ``parse_notice``) or,
until it is entered, from an estimate; such a year is *provisional*.

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

import contextlib
import contextvars
import dataclasses
import datetime
import re
import zoneinfo
from collections.abc import Collection, Iterable, Mapping

MINUTES = "minutes"
WORKING_MINUTES = "working_minutes"
WORKING_DAYS = "working_days"
UNITS = (MINUTES, WORKING_MINUTES, WORKING_DAYS)

SEARCH_LIMIT_DAYS = 3 * 366
# Days are named as the State Council's notice names them: in Chinese.
MAKE_UP_DAY_NAME = "调休上班"
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


# Inside ``specs_read_once``: calendar id → its spec, read at the first need.
_read_once: contextvars.ContextVar[dict | None] = contextvars.ContextVar("calendar_specs",
                                                                        default=None)


@contextlib.contextmanager
def specs_read_once():
    """Within the block each calendar's spec is read from the database once (for a job run or
    a data load that computes many deadlines); changes to its days meanwhile are not seen."""
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def spec_from_calendar(calendar, *, tz: zoneinfo.ZoneInfo | None = None) -> CalendarSpec:
    """The spec of a ``WorkingCalendar`` with its calendar days; tz defaults to Django's."""
    cache = _read_once.get()
    if cache is not None and tz is None:
        if calendar.pk not in cache:
            cache[calendar.pk] = _read_spec(calendar, None)
        return cache[calendar.pk]
    return _read_spec(calendar, tz)


def _read_spec(calendar, tz: zoneinfo.ZoneInfo | None) -> CalendarSpec:
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


def provisional_years(calendar) -> frozenset[int]:
    """The years ``calendar`` holds as an estimate, not yet the State Council's notice. Apart
    from the spec, so that computing a deadline costs no query for it."""
    return frozenset(calendar.years.filter(provisional=True).values_list("year", flat=True))


def china_calendar_days(years: Iterable[int]) -> list[tuple[datetime.date, bool, str]]:
    """Mainland China's exceptions to a Monday-to-Friday week, estimated by the ``holidays``
    package (statutory holidays and the package's own rules; the 调休 of a year appear only once
    the package has transcribed that year's notice).

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
            days[day] = (day, False, chinese.get(day) or name)

    make_up = {datetime.date(int(y), int(m), int(d))
               for name in english.values() for m, d, y in SUBSTITUTED_RE.findall(name)}
    make_up |= set(getattr(english, "weekend_workdays", ()))
    for day in make_up:
        if day.year in wanted and day.isoweekday() >= 6 and day not in english:
            days[day] = (day, True, MAKE_UP_DAY_NAME)
    return sorted(days.values())


# --- official notices --------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Notice:
    """A year's official holiday notice: the days it makes off and the weekend days it makes
    working days, as calendar entries ``(date, is_workday, name)``."""

    year: int
    source: str
    entries: tuple[tuple[datetime.date, bool, str], ...]


def parse_notice(data: Mapping) -> Notice:
    """A notice from its file's data (see ``fixtures/calendars/cn/README.md``).

    ``year``; ``source`` (the notice's title); ``holidays``: a list of ``{name, from, to}`` ranges,
    both ends days off; ``make_up_days``: weekend dates that are working days. Every date lies
    in the year, or within a month of it (a New Year holiday may start on 30 December). Raises
    ``ValueError`` naming what is wrong; nothing half-read is returned.
    """
    year = data.get("year")
    if not isinstance(year, int) or not 1900 < year < 3000:
        raise ValueError(f"The notice needs its year (e.g. year = 2027), not {year!r}.")
    first, last = datetime.date(year - 1, 12, 1), datetime.date(year + 1, 1, 31)
    source = str(data.get("source") or "").strip()
    if not source:
        raise ValueError("The notice needs its source (the notice's title and number).")

    def a_date(value, what: str) -> datetime.date:
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise ValueError(f"{what}: {value!r} is not a date (write it as {year}-10-01).")
        if not first <= value <= last:
            raise ValueError(f"{what}: {value} lies outside {year}.")
        return value

    entries: dict[datetime.date, tuple[datetime.date, bool, str]] = {}
    ranges = data.get("holidays") or []
    if not isinstance(ranges, list) or not ranges:
        raise ValueError("The notice lists no holidays ([[holidays]] name, from, to).")
    for number, row in enumerate(ranges, start=1):
        name = str(row.get("name") or "").strip() if isinstance(row, Mapping) else ""
        if not name:
            raise ValueError(f"Holiday {number} has no name.")
        start = a_date(row.get("from"), f"{name} from")
        end = a_date(row.get("to"), f"{name} to")
        if end < start:
            raise ValueError(f"{name} ends ({end}) before it starts ({start}).")
        day = start
        while day <= end:
            if day in entries:
                raise ValueError(f"{day} is in two holidays: {entries[day][2]} and {name}.")
            entries[day] = (day, False, name)
            day += ONE_DAY
    make_up = data.get("make_up_days") or []
    if not isinstance(make_up, list):
        raise ValueError("make_up_days must be a list of dates.")
    for value in make_up:
        day = a_date(value, "make-up working day")
        if day in entries:
            raise ValueError(f"{day} cannot be both a holiday ({entries[day][2]}) and a "
                             f"make-up working day.")
        if day.isoweekday() < 6:
            raise ValueError(f"{day} is a weekday: a make-up working day is a Saturday or Sunday.")
        entries[day] = (day, True, MAKE_UP_DAY_NAME)
    return Notice(year=year, source=source, entries=tuple(sorted(entries.values())))


def read_notice(path) -> Notice:
    """``parse_notice`` of a TOML file; a file that is not TOML raises ``ValueError``."""
    import tomllib

    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not a valid TOML file ({error}).") from error
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror}).") from error
    return parse_notice(data)


def shipped_notices() -> dict[int, Notice]:
    """The official notices shipped in ``fixtures/calendars/cn/``, by year."""
    from .fixtures import fixtures_dir

    folder = fixtures_dir() / "calendars" / DEFAULT_CALENDAR_CODE
    notices = {}
    for path in sorted(folder.glob("*.toml")):
        notice = read_notice(path)
        if path.stem != str(notice.year):
            raise ValueError(f"{path}: the file of year {notice.year} must be named "
                             f"{notice.year}.toml.")
        notices[notice.year] = notice
    return notices


def provisional_years_among(moments: Iterable[datetime.datetime | None],
                            provisional: Collection[int], tz: zoneinfo.ZoneInfo) -> list[int]:
    """The years of ``provisional`` in which any of ``moments`` falls (local years in ``tz``),
    sorted."""
    return sorted({year for m in moments if m is not None
                   if (year := m.astimezone(tz).year) in provisional})


# --- the database: the calendars' years --------------------------------------------------------

def years_in_use(today: datetime.date) -> list[int]:
    """Every year the calendar must hold on ``today``: from the earliest year a record (work
    order, complaint) or a shipped notice touches, to next year."""
    from django.apps import apps
    from django.db.models import Min
    from django.utils import timezone

    first = min(shipped_notices(), default=today.year)
    for model, field in (("WorkOrder", "reported_at"), ("Complaint", "received_at")):
        earliest = apps.get_model("property_service", model).objects.aggregate(
            first=Min(field))["first"]
        if earliest is not None:
            first = min(first, timezone.localtime(earliest).year)
    return list(range(min(first, today.year), today.year + 2))


def seed_china_calendar(*, years: Iterable[int]) -> dict:
    """Create the mainland China calendar if missing and make it hold ``years``.

    Idempotent. A year with an official notice in ``fixtures/calendars/cn/`` is taken from it
    (and a year held as provisional so far is replaced by it, see ``apply_notice``); any other
    year is estimated from the ``holidays`` package and held as provisional. Within a year
    already held, only missing days are added: a date the calendar has is never overwritten
    (staff may have edited it) and is counted as kept. The new calendar is the default one
    unless another already is.
    """
    from django.db import transaction

    from .models import CalendarYear, WorkingCalendar

    years = sorted(set(years))
    notices = shipped_notices()
    created = kept = 0
    with transaction.atomic():
        calendar = WorkingCalendar.objects.filter(code=DEFAULT_CALENDAR_CODE).first()
        calendar_created = calendar is None
        if calendar_created:
            calendar = WorkingCalendar.objects.create(
                code=DEFAULT_CALENDAR_CODE, name=DEFAULT_CALENDAR_NAME,
                is_default=not WorkingCalendar.objects.filter(is_default=True).exists(),
            )
        held = {row.year: row for row in CalendarYear.objects.filter(
            calendar=calendar, year__in=years)}
        estimated = china_calendar_days([y for y in years if y not in notices])
        for year in years:
            row, notice = held.get(year), notices.get(year)
            if notice is not None and (row is None or row.provisional):
                if row is not None:
                    result = apply_notice(notice, calendar=calendar)
                    created += result["created"] + result["changed"]
                    continue
                entries = notice.entries
            elif notice is not None:
                entries = notice.entries
            elif row is None or row.provisional:
                entries = [entry for entry in estimated if entry[0].year == year]
            else:
                entries = ()  # official, entered from a notice outside the fixtures
            new, old = _add_missing_days(calendar, entries)
            created, kept = created + new, kept + old
            if row is None:
                CalendarYear.objects.create(
                    calendar=calendar, year=year, provisional=notice is None,
                    source=notice.source if notice else ESTIMATE_SOURCE)
    return {
        "calendar": calendar.code,
        "calendar_created": calendar_created,
        "created": created,
        "kept": kept,
    }


ESTIMATE_SOURCE = "estimate"  # shown translated (CalendarYear.source_label)


def apply_notice(notice: Notice, *, calendar=None) -> dict:
    """Enter a year's official notice into ``calendar`` (the default one if not given): the
    notice's days are set as it says, the year's other calendar days (the estimate's) are
    removed, and the year is official from now on. Every change is in the days' history."""
    from django.db import transaction

    from .models import CalendarDay, CalendarYear, WorkingCalendar

    max_name = CalendarDay._meta.get_field("name").max_length
    with transaction.atomic():
        if calendar is None:
            calendar = WorkingCalendar.objects.filter(is_default=True).first()
            if calendar is None:
                raise ValueError("There is no default working calendar to enter the notice in.")
        wanted = {day: (workday, _fit(name, max_name)) for day, workday, name in notice.entries}
        existing = {day.date: day for day in CalendarDay.objects.select_for_update().filter(
            calendar=calendar, date__in=list(wanted))}
        created = changed = removed = 0
        for day, (workday, name) in wanted.items():
            current = existing.get(day)
            if current is None:
                CalendarDay.objects.create(calendar=calendar, date=day, is_workday=workday,
                                           name=name)
                created += 1
            elif (current.is_workday, current.name) != (workday, name):
                current.is_workday, current.name = workday, name
                current.save(update_fields=["is_workday", "name", "updated_at"])
                changed += 1
        for stale in CalendarDay.objects.filter(calendar=calendar, date__year=notice.year) \
                .exclude(date__in=list(wanted)):
            stale.delete()  # one by one: each removal is in the history
            removed += 1
        CalendarYear.objects.update_or_create(
            calendar=calendar, year=notice.year,
            defaults={"provisional": False, "source": notice.source[:200]})
    return {"calendar": calendar.code, "year": notice.year, "created": created,
            "changed": changed, "removed": removed}


def _add_missing_days(calendar, entries) -> tuple[int, int]:
    from .models import CalendarDay

    max_name = CalendarDay._meta.get_field("name").max_length
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
    return created, len(existing)


def extend_calendars(today: datetime.date | None = None) -> dict:
    """The daily job: the default calendar holds every year in use and next year."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return seed_china_calendar(years=years_in_use(today))


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
