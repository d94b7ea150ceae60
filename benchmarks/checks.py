"""The benchmark's verdicts, as pure functions of what was measured (no database, no Django):
the warnings of a query plan, the comparison of query counts with the committed baseline, and
the scale targets.

A table is *large* for the plan warnings when it holds at least ``LARGE_TABLE_ROWS`` rows
(10,000): at that size the optimizer already plans as it will at a million rows, while on a
table of a few hundred rows a full scan is its right choice and no warning.
"""

from __future__ import annotations

import re

LARGE_TABLE_ROWS = 10_000
# A sort of a large table's rows is flagged when it sorts at least this share of the table.
SORT_SHARE = 0.05
# The targets of the scale work: page p95 within FACTOR times its bare SQL's p95, or within
# MARGIN_MS of it; the ratios between scales, pages and users.
BARE_FACTOR = 3.0
BARE_MARGIN_MS = 50.0
LARGE_OVER_SMALL = 1.5
DEEP_OVER_FIRST = 1.2
RESTRICTED_OVER_SUPERUSER = 1.5
# Exports and imports: rows per second (wall time of the request; an import's confirmation),
# and how much more memory the export of every work order may take at the large scale
# (1,000,000 rows) than at the small (10,000).
# A rate is held to its target from RATE_MIN_ROWS rows (a smaller one is mostly the request's
# fixed cost).
EXPORT_ROWS_PER_S = 10_000
IMPORT_ROWS_PER_S = 2_000
RATE_MIN_ROWS = 10_000
FLAT_MEMORY_MIB = 50.0
RATE_TARGETS_TEXT = (f"an export ≥ {EXPORT_ROWS_PER_S:,} rows/s, an import ≥ "
                     f"{IMPORT_ROWS_PER_S:,} rows/s, from {RATE_MIN_ROWS:,} rows")
# For orientation on a 2-core machine: list pages and API pages, p95.
LIST_MS = 300.0
API_MS = 150.0

_ALIAS = re.compile(r'[`"](\w+)[`"]\s+(?:AS\s+)?[`"]?(T\d+)[`"]?(?=[\s,)])')


def table_aliases(sql: str) -> dict[str, str]:
    """The aliases Django gives a table joined more than once (``T5``) -> the table."""
    return {alias: table for table, alias in _ALIAS.findall(sql)}


def plan_flags(rows: list[dict], sizes: dict[str, int], *, aliases: dict[str, str] | None = None,
               large_rows: int = LARGE_TABLE_ROWS, sort_share: float = SORT_SHARE) -> list[str]:
    """The warnings of a MariaDB/MySQL plan (``EXPLAIN`` rows: table, type, rows, Extra):

    - a full scan of a large table (``type=ALL``);
    - a sort of a large table's rows (``Using filesort`` on it) when the optimizer expects to
      sort at least ``sort_share`` of the table: sorting the few rows an index found (one
      order by its number, a resident's orders) is no sort of a large table;
    - a sort of a temporary table built while a small table leads a join with a large one (the
      plan that reads every row of the large table to return one page), when the join is
      expected to put at least ``sort_share`` of the largest table's rows in it (the product
      of every step's estimate): sorting the units of the two buildings a page needs is no
      sort of a large table either.
    """
    aliases = aliases or {}

    def size(table):
        return sizes.get(aliases.get(table, table), 0)

    def estimate(row):
        try:
            return int(row.get("rows") or 0)
        except (TypeError, ValueError):
            return 0

    flags = []
    largest = max((size(row.get("table")) for row in rows), default=0)
    large_in_plan = largest >= large_rows
    joined = 1
    for row in rows:
        if row.get("table") is not None:
            joined *= max(estimate(row), 1)
    for i, row in enumerate(rows):
        table, extra = aliases.get(row.get("table"), row.get("table")), row.get("Extra") or ""
        large = size(table) >= large_rows
        expected = estimate(row)
        if row.get("type") == "ALL" and large:
            flags.append(f"type=ALL on {table} ({expected} rows)")
        if "Using filesort" not in extra:
            continue
        if large and expected >= sort_share * size(table):
            flags.append(f"Using filesort over {table} ({expected} rows)")
        elif (not large and i == 0 and "Using temporary" in extra and large_in_plan
              and joined >= sort_share * largest):
            flags.append(f"Using filesort over {table} (temporary table, join led by a small "
                         "table)")
    return flags


def sqlite_plan_flags(details: list[str], sizes: dict[str, int], *,
                      large_rows: int = LARGE_TABLE_ROWS) -> list[str]:
    """The same warnings from SQLite's ``EXPLAIN QUERY PLAN`` (its detail column), which gives
    no row estimates: a scan of a large table without an index, a sort in a temporary b-tree
    in a plan that reads a large table."""
    flags, large_in_plan = [], False
    for detail in details:
        match = re.match(r"(SCAN|SEARCH) (\S+)", detail)
        if match and sizes.get(match.group(2), 0) >= large_rows:
            large_in_plan = True
            if match.group(1) == "SCAN" and "USING" not in detail:
                flags.append(f"full scan of {match.group(2)}")
    if large_in_plan and any("TEMP B-TREE FOR ORDER BY" in d for d in details):
        flags.append("sort in a temporary b-tree (filesort)")
    return flags


def count_regressions(counts: dict[str, int | str], baseline: dict[str, int | str]) -> list[str]:
    """What is wrong with ``counts`` (page -> queries of one request, or its status when it did
    not answer 200) against ``baseline``: a page running more queries than its baseline, a page
    that answered before and no longer does, a page without a baseline. Fewer queries pass."""
    problems = []
    for page, count in counts.items():
        if page not in baseline:
            problems.append(f"{page}: {count} queries, no baseline for this page "
                            "(make bench-baseline)")
            continue
        expected = baseline[page]
        if isinstance(expected, int) and isinstance(count, int):
            if count > expected:
                problems.append(f"{page}: {count} queries, baseline {expected}")
        elif count != expected:
            problems.append(f"{page}: {count}, baseline {expected}")
    for page in baseline.keys() - counts.keys():
        problems.append(f"{page}: not measured any more, baseline {baseline[page]}")
    return problems


def flag_kind(flag: str) -> str:
    """A plan warning without the optimizer's row estimate (which varies between runs)."""
    return re.sub(r" \(\d+ rows\)", "", flag)


def is_full_scan(flag: str) -> bool:
    return flag.startswith("type=ALL")


def flag_regressions(flags: dict[str, list[str]], known: dict[str, list[str]]) -> list[str]:
    """The full scans (``type=ALL``) in ``flags`` (page -> warnings of its main query) that
    ``known`` (the baseline's, page -> warnings) does not list for that page. A sort is
    reported, not failed: whether the optimizer sorts a few thousand rows or walks an index
    turns on the table statistics, which InnoDB samples afresh for every generated data set."""
    problems = []
    for page, page_flags in flags.items():
        accepted = {flag_kind(flag) for flag in known.get(page, [])}
        for flag in page_flags:
            if is_full_scan(flag) and flag_kind(flag) not in accepted:
                problems.append(f"{page}: main query plan: {flag}")
    return problems


def meets_bare_target(page_p95: float, bare_p95: float | None) -> bool | None:
    """Whether a page's p95 is within 3x its bare SQL's p95, or within 50 ms of it (``None``
    when the page ran no SQL to compare with)."""
    if bare_p95 is None:
        return None
    return page_p95 <= BARE_FACTOR * bare_p95 or page_p95 <= bare_p95 + BARE_MARGIN_MS


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def meets_rate(rows_per_s: float, rows: int, *, imports: bool = False) -> bool | None:
    """Whether an export (or an import) of ``rows`` handles its target rows per second
    (``None`` below ``RATE_MIN_ROWS`` rows)."""
    if rows < RATE_MIN_ROWS:
        return None
    return rows_per_s >= (IMPORT_ROWS_PER_S if imports else EXPORT_ROWS_PER_S)


def memory_is_flat(small_peak_mib: float, large_peak_mib: float) -> bool:
    """Whether the export of every work order takes at most ``FLAT_MEMORY_MIB`` more memory at
    the large scale than at the small one."""
    return large_peak_mib - small_peak_mib <= FLAT_MEMORY_MIB
