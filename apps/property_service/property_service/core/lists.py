"""Lists of big tables (a million work orders): counts that stop at a cap, pages whose ids an
index picks before the rows are read with their joins, and a date drill-down that probes date
ranges instead of reading every row.

MariaDB may start a ``select_related`` join from its smallest table and sort every row of the
big one in a temporary table; choosing the page's ids first (one ordered query over the big
table's index, ``LIMIT``/``OFFSET``) and reading only those rows keeps the big table driving.
"""

from __future__ import annotations

import datetime
from math import ceil

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Exists, Max, Min
from django.utils import timezone
from django.utils.functional import cached_property


def count_cap() -> int:
    """Beyond how many rows a list stops counting (``LIST_COUNT_CAP``, default 1000)."""
    return getattr(settings, "LIST_COUNT_CAP", 1000)


def capped_count(queryset, cap: int) -> int:
    """The number of rows, counted no further than ``cap + 1`` (which means "more than cap"):
    ``SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)``."""
    return queryset.order_by().values("pk")[:cap + 1].count()


def count_label(count: int, cap: int) -> str:
    """1,234 — or 1,000+ once the count reached past the cap."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


def capped_counts(querysets: dict, cap: int) -> dict[str, int]:
    """``capped_count`` of each queryset (name -> queryset, all of one database), in a single
    statement: ``SELECT (SELECT COUNT(*) FROM (… LIMIT cap + 1) q0), (…) …``."""
    if not querysets:
        return {}
    using = next(iter(querysets.values())).db
    parts, params = [], []
    for number, queryset in enumerate(querysets.values()):
        if queryset.db != using:
            raise ValueError("capped_counts: querysets of different databases")
        rows = queryset.order_by().values("pk")[:cap + 1]
        try:
            sql, row_params = rows.query.get_compiler(using).as_sql()
        except EmptyResultSet:  # a condition that can hold no row (an empty "in")
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) q{number})")
        params.extend(row_params)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        counts = cursor.fetchone()
    return dict(zip(querysets, (int(n) for n in counts), strict=True))


def queue_counts(queryset, conditions: dict,
                 cap: int | None = None) -> dict[str, int]:
    """Each queue's size (``conditions``: name -> (label, condition)), counted no further than
    ``cap + 1`` (see ``capped_count``): bounded counts, all in one statement, never a pass over
    the whole table."""
    cap = count_cap() if cap is None else cap
    return capped_counts({name: queryset.filter(cond)
                          for name, (_label, cond) in conditions.items()}, cap)


def rows_by_ids_first(queryset, start: int, stop: int):
    """Rows ``start:stop`` of ``queryset`` in its order: their ids from one index-only ordered
    query, then those rows alone, with the queryset's joins (still in its order)."""
    ids = list(queryset.values_list("pk", flat=True)[start:stop])
    return queryset.filter(pk__in=ids)


class CappedPaginator(Paginator):
    """A paginator that counts only up to a cap past the requested page and reads a page by its
    ids first. ``count`` is then at most ``cap + 1``: ``is_capped`` says the list goes on."""

    template_name = "property_service/admin/capped_pagination.html"

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *,
                 page_hint: int = 1, cap: int | None = None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        # Counted from the start of the requested page, so that deep pages stay reachable;
        # never less than a page.
        cap = max(count_cap() if cap is None else cap, self.per_page)
        self.cap = (max(page_hint, 1) - 1) * self.per_page + cap

    @cached_property
    def count(self):
        return capped_count(self.object_list, self.cap)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return count_label(self.count, self.cap)

    @cached_property
    def num_pages(self):
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, ceil(self.count / self.per_page))

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        return self._get_page(rows_by_ids_first(self.object_list, start, start + self.per_page),
                              number, self)


class ParentOrderedPaginator(CappedPaginator):
    """For a list ordered first by a small parent table's columns (units by their building's
    community and name, then by their own entrance and number), which no index of the big
    table serves: a page's ids are chosen among the rows of the first parents in that order
    only, as many parents as the page needs (twice as many each time a probe, a count capped
    at the page's end, finds too few rows), so that only those rows are sorted.

    ``parents`` are the parent rows in the list's order (a small table, already limited to what
    the user may see); ``parent_field`` the big table's link to them; ``parent_ordering`` the
    list's leading order keys that the parents' order stands for. Any other order is paged as
    ``CappedPaginator`` does."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *,
                 parents, parent_field: str, parent_ordering: tuple[str, ...], **kwargs):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self.parents, self.parent_field = parents, parent_field
        self.parent_ordering = tuple(parent_ordering)

    def _ordered_by_parents(self) -> bool:
        order = tuple(str(key) for key in self.object_list.query.order_by)
        return order[:len(self.parent_ordering)] == self.parent_ordering

    def page(self, number):
        if not self._ordered_by_parents():
            return super().page(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        stop = start + self.per_page
        parents = list(self.parents.values_list("pk", flat=True))
        window = self._window(parents, stop)
        rows = self.object_list.filter(**{f"{self.parent_field}__in": parents[:window]})
        return self._get_page(rows_by_ids_first(rows, start, stop), number, self)

    def _window(self, parents: list, stop: int) -> int:
        """How many of the first ``parents`` hold the rows up to ``stop``: of 1, 2, 4...
        parents, the first whose rows, counted no further than ``stop``, reach it; else all.
        One query, each count capped. Probes stop at the first window of ``stop`` parents or
        more (each parent with rows holds one at least): the larger ones, each a longer list of
        parents, would only be read on a list of many parents without rows, and all of them
        is the answer then."""
        windows = []
        while 2 ** len(windows) < len(parents) and (not windows or windows[-1] < stop):
            windows.append(2 ** len(windows))
        if not windows:
            return len(parents)
        counts, params = [], []
        for window in windows:
            rows = self.object_list.filter(**{f"{self.parent_field}__in": parents[:window]})
            sql, values = rows.order_by().values("pk")[:stop].query.sql_with_params()
            counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS window_{window})")
            params.extend(values)
        with connections[self.object_list.db].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(counts)}", params)
            found = cursor.fetchone()
        return next((w for w, n in zip(windows, found, strict=True) if n >= stop), len(parents))


def _bounds(kind: str, year: int, month: int = 1, day: int = 1, *, moments: bool = True):
    """The range of a year, month or day: datetimes in the current time zone, or dates."""
    start = datetime.date(year, month, day)
    if kind == "year":
        stop = datetime.date(year + 1, 1, 1)
    elif kind == "month":
        stop = datetime.date(year + (month == 12), month % 12 + 1, 1)
    else:
        stop = start + datetime.timedelta(days=1)
    if not moments:
        return start, stop
    start, stop = (datetime.datetime.combine(d, datetime.time.min) for d in (start, stop))
    if settings.USE_TZ:
        zone = timezone.get_current_timezone()
        start, stop = timezone.make_aware(start, zone), timezone.make_aware(stop, zone)
    return start, stop


class ProbedDates:
    """Stands in for the changelist's queryset in Django's date drill-down: the years, months
    or days that hold rows, found by one query of an ``EXISTS`` over an indexed range per
    candidate (at most 31) instead of ``SELECT DISTINCT`` over every row. The drill-down costs
    three queries whatever the number of rows: the first and the last date, then the probes."""

    def __init__(self, queryset, field: str):
        self.queryset, self.field = queryset, field
        self._ends = None
        # A date field's drill-down is in dates; a datetime field's in local time.
        self.moments = isinstance(queryset.model._meta.get_field(field), models.DateTimeField)

    def _end(self, descending: bool):
        order = f"-{self.field}" if descending else self.field
        return self.queryset.filter(**{f"{self.field}__isnull": False}).order_by(
            order).values_list(self.field, flat=True).first()

    def aggregate(self, **kwargs):
        # Min and max of the drill-down's field: read off the end of its index, once.
        if not all(isinstance(e, Min | Max) and e.source_expressions[0].name == self.field
                   for e in kwargs.values()):
            return self.queryset.aggregate(**kwargs)
        if self._ends is None:
            self._ends = (self._end(descending=False), self._end(descending=True))
        return {name: self._ends[isinstance(expression, Max)]
                for name, expression in kwargs.items()}

    def filter(self, *args, **kwargs):
        return ProbedDates(self.queryset.filter(*args, **kwargs), self.field)

    def _marks(self) -> tuple:
        """Stand-ins for a range's ends in the probe compiled once (no row is dated so)."""
        if not self.moments:
            return datetime.date(1901, 2, 3), datetime.date(1901, 2, 4)
        marks = datetime.datetime(1901, 2, 3, 4, 5, 6), datetime.datetime(1901, 2, 3, 4, 5, 7)
        if settings.USE_TZ:
            marks = tuple(mark.replace(tzinfo=datetime.UTC) for mark in marks)
        return marks

    def _adapt(self, value, connection):
        """``value`` as the database is given it in a filter on the drill-down's field."""
        field = self.queryset.model._meta.get_field(self.field)
        return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)

    def _holding(self, ranges: list) -> list[bool]:
        """Which of ``ranges`` (start, stop) hold rows, in one query: the probe of one range
        (``EXISTS`` over the indexed range) is compiled once, and repeated with each range's
        ends in its place."""
        if not ranges:
            return []
        connection = connections[self.queryset.db]
        stand_ins = self._marks()
        marks = [self._adapt(mark, connection) for mark in stand_ins]
        probe = self.queryset.filter(**{f"{self.field}__gte": stand_ins[0],
                                        f"{self.field}__lt": stand_ins[1]}).values("pk")[:1]
        try:
            sql, params = probe.query.get_compiler(self.queryset.db).as_sql()
        except EmptyResultSet:
            return [False] * len(ranges)
        where = [marks.index(param) if param in marks else None for param in params]
        if where.count(0) != 1 or where.count(1) != 1:  # not the probe expected: no shortcut
            return self._holding_one_by_one(ranges)
        parts, values = [], []
        for start, stop in ranges:
            ends = (self._adapt(start, connection), self._adapt(stop, connection))
            parts.append(f"EXISTS({sql})")
            values += [param if mark is None else ends[mark]
                       for param, mark in zip(params, where, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", values)
            return [bool(found) for found in cursor.fetchone()]

    def _holding_one_by_one(self, ranges: list) -> list[bool]:
        probes = {f"r{i}": Exists(self.queryset.filter(**{f"{self.field}__gte": start,
                                                          f"{self.field}__lt": stop}))
                  for i, (start, stop) in enumerate(ranges)}
        row = self.queryset.model._base_manager.db_manager(self.queryset.db).annotate(
            **probes).values_list(*probes)[:1]
        row = next(iter(row), None)
        return list(row) if row else [False] * len(ranges)

    def datetimes(self, field_name, kind):
        first, last = self.aggregate(first=Min(field_name), last=Max(field_name)).values()
        if first is None:
            return []
        if settings.USE_TZ and self.moments:
            first, last = timezone.localtime(first), timezone.localtime(last)
        if kind == "year":
            candidates = [(year,) for year in range(first.year, last.year + 1)]
        elif kind == "month":
            until = last.month if last.year == first.year else 12
            candidates = [(first.year, month) for month in range(first.month, until + 1)]
        else:
            days = (datetime.date(first.year, first.month % 12 + 1, 1)
                    if first.month < 12 else datetime.date(first.year + 1, 1, 1)) \
                - datetime.timedelta(days=1)
            candidates = [(first.year, first.month, day) for day in range(1, days.day + 1)]
        ranges = [_bounds(kind, *candidate, moments=self.moments) for candidate in candidates]
        return [start for (start, _stop), holds in zip(ranges, self._holding(ranges),
                                                        strict=True) if holds]

    dates = datetimes


class ProbedDatesChangeList:
    """A stand-in changelist for Django's ``date_hierarchy`` helper: the same list, with its
    queryset answering through ``ProbedDates``."""

    def __init__(self, cl):
        self._cl = cl
        self.queryset = ProbedDates(cl.queryset, cl.date_hierarchy)

    def __getattr__(self, name):
        return getattr(self._cl, name)
