"""The renewal rule (续约提醒), as data and pure functions.

Renewal starts six months before a contract or policy ends: at the first threshold it is
flagged "renewal due", and the people responsible are told again at each later one; the day
after its end date without renewal it has expired. A threshold is a number of calendar months
or of days before the end date ("6 months": a contract ending on 2027-06-01 is flagged on
2026-12-01). A site may change them in its settings
(``PROPERTY_SERVICE["RENEWALS"]["THRESHOLDS"]``, e.g. ``["6 months", "90 days", "30 days",
"7 days"]`` or ``[(6, "months"), (90, "days")]``; the older ``THRESHOLDS_DAYS``, plain numbers
of days, is still read).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext, ngettext

MONTHS, DAYS = "months", "days"
DEFAULT_THRESHOLDS = ("6 months", "90 days", "30 days", "7 days")
# The step taken the day after the end date, when the agreement has lapsed.
EXPIRED = "expired"

_TEXT = re.compile(r"^\s*(\d+)\s*(months?|days?|m|d)\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Threshold:
    """A number of calendar months or days before the end date."""

    amount: int
    unit: str

    @property
    def code(self) -> str:
        """The step's name, kept in the escalation steps: "6m", "90d"."""
        return f"{self.amount}{self.unit[0]}"

    def approximate_days(self) -> float:
        return self.amount * (30.44 if self.unit == MONTHS else 1)

    def before_the_end(self) -> str:
        """"6 months before the end", in the active language."""
        if self.unit == MONTHS:
            return ngettext("%(n)d month before the end", "%(n)d months before the end",
                            self.amount) % {"n": self.amount}
        return ngettext("%(n)d day before the end", "%(n)d days before the end",
                        self.amount) % {"n": self.amount}

    def within(self) -> str:
        """"Within 6 months", in the active language (the dashboard's groups)."""
        if self.unit == MONTHS:
            return ngettext("Within %(n)d month", "Within %(n)d months",
                            self.amount) % {"n": self.amount}
        return ngettext("Within %(n)d day", "Within %(n)d days", self.amount) % {"n": self.amount}


def parse_threshold(value) -> Threshold:
    """``"6 months"``, ``"90 days"``, ``(6, "months")`` or a plain number of days."""
    if isinstance(value, Threshold):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        amount, unit = value, DAYS
    elif isinstance(value, list | tuple) and len(value) == 2:
        amount, unit = value
    elif isinstance(value, str) and _TEXT.match(value):
        amount, unit = _TEXT.match(value).groups()
    else:
        raise ImproperlyConfigured(f"RENEWALS THRESHOLDS: {value!r} is not a number of months "
                                   f"or days (e.g. \"6 months\", \"90 days\")")
    unit = str(unit).lower()
    unit = MONTHS if unit.startswith("m") else DAYS if unit.startswith("d") else unit
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"RENEWALS THRESHOLDS: {value!r} has no number") from None
    if unit not in (MONTHS, DAYS) or amount <= 0:
        raise ImproperlyConfigured(f"RENEWALS THRESHOLDS: {value!r} must be a positive number "
                                   f"of months or days")
    return Threshold(amount, unit)


def thresholds() -> tuple[Threshold, ...]:
    """The configured thresholds, earliest (largest) first; the first flags "renewal due"."""
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("RENEWALS", {})
    values = configured.get("THRESHOLDS", configured.get("THRESHOLDS_DAYS", DEFAULT_THRESHOLDS))
    if isinstance(values, str) or not values:
        raise ImproperlyConfigured("RENEWALS THRESHOLDS must be a list such as "
                                   "[\"6 months\", \"90 days\"]")
    return tuple(sorted({parse_threshold(v) for v in values},
                        key=lambda t: t.approximate_days(), reverse=True))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` calendar months earlier (the month's last day when
    it is shorter: six months before 08-31 is 02-28)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: datetime.date, months: int) -> datetime.date:
    return months_before(day, -months)


def threshold_date(end_date: datetime.date, threshold: Threshold) -> datetime.date:
    """The day the threshold is reached for an agreement ending on ``end_date``."""
    if threshold.unit == MONTHS:
        return months_before(end_date, threshold.amount)
    return end_date - datetime.timedelta(days=threshold.amount)


def horizon(today: datetime.date, steps: tuple[Threshold, ...] | None = None) -> datetime.date:
    """An end date beyond which no threshold can have been reached by ``today`` (for
    narrowing a query; ``due_steps`` decides exactly)."""
    steps = thresholds() if steps is None else steps
    # A few days' margin: a month-end is reached early (six months before 08-31 is 02-28).
    return max(months_after(today, t.amount) if t.unit == MONTHS
               else today + datetime.timedelta(days=t.amount) for t in steps) \
        + datetime.timedelta(days=3)


def step_code(threshold) -> str:
    return parse_threshold(threshold).code


def step_label(code: str, steps: tuple[Threshold, ...] | None = None) -> str:
    """What a step is called on the timeline, from the data: "6 months before the end"."""
    if code == EXPIRED:
        return gettext("expired")
    for threshold in thresholds() if steps is None else steps:
        if threshold.code == code:
            return threshold.before_the_end()
    return parse_threshold(code).before_the_end() if _TEXT.match(code) else code


def days_to_expiry(end_date: datetime.date, today: datetime.date) -> int:
    """Days left until the end date (0 on the last day, negative once it has passed)."""
    return (end_date - today).days


def reached(end_date: datetime.date, today: datetime.date,
            steps: tuple[Threshold, ...] | None = None) -> list[Threshold]:
    steps = thresholds() if steps is None else steps
    return [t for t in steps if today >= threshold_date(end_date, t)]


def due_steps(end_date: datetime.date, today: datetime.date,
              steps: tuple[Threshold, ...] | None = None) -> list[str]:
    """Every step that is due on ``today``: each threshold reached, and "expired" after the
    end date. A run after days of downtime therefore takes all the steps it missed."""
    codes = [t.code for t in reached(end_date, today, steps)]
    if days_to_expiry(end_date, today) < 0:
        codes.append(EXPIRED)
    return codes


def next_check(end_date: datetime.date, today: datetime.date,
               steps: tuple[Threshold, ...] | None = None) -> datetime.date | None:
    """The first day after ``today`` on which a step of an agreement ending on ``end_date``
    falls due (a threshold not reached yet, or the day after the end, when it expires); None
    once it has expired. The scan looks at the agreement again on that day, not before."""
    steps = thresholds() if steps is None else steps
    days = [threshold_date(end_date, t) for t in steps]
    days.append(end_date + datetime.timedelta(days=1))
    later = [day for day in days if day > today]
    return min(later) if later else None


def most_urgent(codes, steps: tuple[Threshold, ...] | None = None) -> str:
    """Of steps taken together (a run after missed days, or a record put in force late), the
    one to tell people about: "expired", else the latest threshold."""
    codes = list(codes)
    if EXPIRED in codes:
        return EXPIRED
    order = [t.code for t in (thresholds() if steps is None else steps)]
    return max(codes, key=lambda c: order.index(c) if c in order else -1)


def threshold_reached(end_date: datetime.date, today: datetime.date,
                      steps: tuple[Threshold, ...] | None = None) -> int | None:
    """The latest threshold reached, as days before the end (the renewal step shown on the
    record), or None."""
    hit = reached(end_date, today, steps)
    return (end_date - threshold_date(end_date, hit[-1])).days if hit else None


def bucket(end_date: datetime.date, today: datetime.date,
           steps: tuple[Threshold, ...] | None = None) -> str | None:
    """The dashboard group of an agreement: "expired", the code of the latest threshold
    reached (e.g. "30d"), or None when none is reached yet."""
    if days_to_expiry(end_date, today) < 0:
        return EXPIRED
    hit = reached(end_date, today, steps)
    return hit[-1].code if hit else None


def last_end_reached(today: datetime.date, threshold: Threshold) -> datetime.date:
    """The last end date for which ``threshold`` is reached on ``today`` (``reached`` as a
    bound on the end date, for a query): past ``latest_end_within`` by the month-ends reached
    early (on 02-28, "6 months" is reached for ends up to 08-31)."""
    end = latest_end_within(today, threshold)
    while threshold_date(end + datetime.timedelta(days=1), threshold) <= today:
        end += datetime.timedelta(days=1)
    return end


def latest_end_within(today: datetime.date, threshold: Threshold) -> datetime.date:
    """The last end date for which ``threshold`` is reached on ``today``."""
    if threshold.unit == MONTHS:
        return months_after(today, threshold.amount)
    return today + datetime.timedelta(days=threshold.amount)
