"""Quarters as people write them (``2026-Q4``): parsing, the quarter of a day, its first and
last days."""

from __future__ import annotations

import datetime
import re

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


def parse_quarter(text: str) -> tuple[int, int] | None:
    """``"2026-Q4"`` → ``(2026, 4)``; None for anything else."""
    found = _QUARTER.fullmatch((text or "").strip()) if (text or "").isascii() else None
    return (int(found[1]), int(found[2])) if found else None


def quarter_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(text: str) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of the quarter ``text`` (``ValueError`` if it is not one)."""
    parsed = parse_quarter(text)
    if parsed is None:
        raise ValueError(text)
    year, quarter = parsed
    first = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)
