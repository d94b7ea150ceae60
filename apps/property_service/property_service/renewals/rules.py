"""The renewal rule (续约提醒), as numbers and pure functions.

Renewal starts six months before a contract or policy ends: at 180 days it is flagged "renewal
due", and the people responsible are told again at 90, 30 and 7 days; the day after its end date
without renewal it has expired. A site may change the thresholds in its settings
(``PROPERTY_SERVICE["RENEWALS"]["THRESHOLDS_DAYS"]``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_THRESHOLDS_DAYS = (180, 90, 30, 7)
# The step taken the day after the end date, when the agreement has lapsed.
EXPIRED = "expired"


def thresholds() -> tuple[int, ...]:
    """The configured thresholds, largest first; the largest one flags "renewal due"."""
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("RENEWALS", {}).get(
        "THRESHOLDS_DAYS", DEFAULT_THRESHOLDS_DAYS)
    try:
        days = sorted({int(d) for d in configured}, reverse=True)
    except (TypeError, ValueError):
        raise ImproperlyConfigured("RENEWALS THRESHOLDS_DAYS must be a list of days") from None
    if not days or days[-1] <= 0:
        raise ImproperlyConfigured("RENEWALS THRESHOLDS_DAYS must be positive numbers of days")
    return tuple(days)


def step_code(days: int) -> str:
    return f"{days}d"


def days_to_expiry(end_date: datetime.date, today: datetime.date) -> int:
    """Days left until the end date (0 on the last day, negative once it has passed)."""
    return (end_date - today).days


def due_steps(end_date: datetime.date, today: datetime.date,
              days: tuple[int, ...] | None = None) -> list[str]:
    """Every step that is due on ``today``: each threshold reached, and "expired" after the
    end date. A run after days of downtime therefore takes all the steps it missed."""
    days = thresholds() if days is None else days
    left = days_to_expiry(end_date, today)
    steps = [step_code(d) for d in days if left <= d]
    if left < 0:
        steps.append(EXPIRED)
    return steps


def threshold_reached(end_date: datetime.date, today: datetime.date,
                      days: tuple[int, ...] | None = None) -> int | None:
    """The smallest threshold reached (the renewal step shown on the record), or None."""
    days = thresholds() if days is None else days
    left = days_to_expiry(end_date, today)
    reached = [d for d in days if left <= d]
    return min(reached) if reached else None


def bucket(days_left: int, days: tuple[int, ...] | None = None) -> str | None:
    """The dashboard group of an agreement ``days_left`` from its end: "expired", the smallest
    threshold it is within (e.g. "30"), or None when it is further away than all of them."""
    days = thresholds() if days is None else days
    if days_left < 0:
        return EXPIRED
    within = [d for d in days if days_left <= d]
    return str(min(within)) if within else None
