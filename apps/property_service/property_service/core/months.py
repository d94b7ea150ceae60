"""Calendar months of the figures pages and the figures API: a month as ``YYYY-MM`` in a query
string, its bounds in local time (Asia/Shanghai by default), and which months hold rows, each
found on the date column's index (a range per month, never a pass over every row)."""

from __future__ import annotations

import datetime
import re

from django.db.models import Exists, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .params import BadParameter

_MONTH = re.compile(r"(\d{4})-(\d{2})")
# Months a query may ask for: beyond these, a month's bounds leave what the databases store.
FIRST_YEAR, LAST_YEAR = 1900, 9998
# The month choices of a page reach back this many months from the latest one holding rows.
MONTHS_OFFERED = 36


def month_param(query, name: str = "month") -> datetime.date | None:
    """The optional month parameter ``name`` (``YYYY-MM``) as the month's first day, or
    ``BadParameter``."""
    raw = query.get(name, "")
    if raw == "":
        return None
    found = _MONTH.fullmatch(raw) if raw.isascii() else None
    if found is None or not 1 <= int(found[2]) <= 12 \
            or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise BadParameter(name, _("“%(value)s” is not a valid month: give it as YYYY-MM, "
                                   "e.g. 2026-11.") % {"value": raw[:30]})
    return datetime.date(int(found[1]), int(found[2]), 1)


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first moment and the next month's first moment, in the current time zone."""
    zone = timezone.get_current_timezone()
    return tuple(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), zone)
                 for day in (month, next_month(month)))


def in_month(queryset: QuerySet, field: str, month: datetime.date) -> QuerySet:
    """The rows whose ``field`` falls in ``month`` (local time): a range on its index."""
    start, stop = month_bounds(month)
    return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": stop})


def _local_month(moment: datetime.datetime) -> datetime.date:
    local = timezone.localtime(moment)
    return datetime.date(local.year, local.month, 1)


def latest_month(queryset: QuerySet, field: str) -> datetime.date | None:
    """The local month of the latest ``field`` (read off the end of its index), or None."""
    last = (queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}")
            .values_list(field, flat=True).first())
    return None if last is None else _local_month(last)


def months_holding(queryset: QuerySet, field: str, *, latest: datetime.date | None = None,
                   offered: int = MONTHS_OFFERED) -> list[datetime.date]:
    """The months, latest first, that hold rows, among the ``offered`` months up to the latest
    one holding rows. Two queries: the latest row, then one ``EXISTS`` per candidate month."""
    latest = latest or latest_month(queryset, field)
    if latest is None:
        return []
    candidates = [latest]
    while len(candidates) < offered:
        month = candidates[-1]
        candidates.append(datetime.date(month.year - (month.month == 1),
                                        (month.month - 2) % 12 + 1, 1))
    probes = {f"m{i}": Exists(in_month(queryset, field, month))
              for i, month in enumerate(candidates)}
    row = next(iter(queryset.model._base_manager.db_manager(queryset.db).annotate(**probes)
                    .values_list(*probes)[:1]), None)
    if row is None:
        return []
    return [month for month, holds in zip(candidates, row, strict=True) if holds]
