"""The benchmark as a check (CI): the small data set generated afresh at a fixed moment, every
page of `make bench` requested once as each user and each periodic job run twice (no timings),
and two verdicts:

- a page or job running more queries than benchmarks/baseline.json allows fails the check (one
  that ran fewer passes, and is named: `make bench-baseline` locks the gain in);
- a list whose main query scans a large table (``type=ALL``, ``checks.plan_flags``) fails it,
  unless the baseline lists that warning for that page (a known one, named at every run); a
  sort of a large table is named at every run without failing it (it turns on the sampled
  table statistics).

    make bench-check       # DATABASE_URL: a database of its own, whose name contains "bench"
    make bench-baseline    # the same run, written to benchmarks/baseline.json

The committed baseline is MariaDB's (CI's); another backend needs its own
(benchmarks/baseline-<vendor>.json, written by `make bench-baseline` there): SQLite inserts in
smaller batches, so a page that logs many rows runs one statement more.

Nothing depends on when the check runs: the data are generated at NOW and every page is
requested with the clock (``timezone.now``) held at NOW, with the cache in memory. The
generator is seeded, so the same code gives the same rows, the same sample rows and the same
queries. What a page's count legitimately depends on is the data, fixed here: the date
drill-down probes one EXISTS per year, month or day in range, a search looks the unit and the
resident up first, a list's prefetches run only when the page has rows.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import sys
import time
from pathlib import Path

os.environ["SCALE"] = "small"
os.environ.setdefault("SITE", "bench")
# The cache in this process's memory: nothing carried over from an earlier run.
os.environ["REDIS_URL"] = ""

from benchmarks import checks, run  # noqa: E402  (sets Django up)


def baseline_path() -> Path:
    """MariaDB's baseline (the committed one, CI's), or another backend's of its own: counts
    differ between backends (SQLite inserts in smaller batches)."""
    from django.db import connection

    suffix = "" if connection.vendor == "mysql" else f"-{connection.vendor}"
    return Path(__file__).parent / f"baseline{suffix}.json"

# The moment the data are generated at and the pages requested at (Asia/Shanghai): a
# Wednesday morning, working hours, so that every queue holds orders.
NOW = datetime.datetime(2026, 11, 25, 10, 0)
CURSOR_DEPTH = 3


def measure(*, reuse: bool) -> tuple[dict, float]:
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # The pages refused to a user (403) are part of the check; their warnings are not (a
    # page that fails still logs its error).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.security").setLevel(logging.ERROR)
    with run.clock_held(NOW) as fixed:
        started = time.perf_counter()
        run.prepare_data(scale="small", fresh=not reuse, now=fixed)
        run.say(f"data ready ({time.perf_counter() - started:.0f} s); requesting every page")
        sizes = run.table_sizes()
        pages: dict = {}
        # A cursor page's queries do not depend on its depth: a few pages deep is enough.
        run.measure_pages(sizes, lambda: None, pages, timed=False, cursor_depth=CURSOR_DEPTH)
        # Then each periodic job, twice (its catching up, then its steady run): their
        # statements.
        for name, job in run.measure_jobs().items():
            for which in ("first", "second"):
                pages[f"job: {name}, {which} run"] = {"queries": job[which]["queries"]}
    return pages, time.perf_counter() - started


def counts_of(pages: dict) -> dict[str, int | str]:
    return {key: row["queries"] if "queries" in row else f"status {row['status']}"
            for key, row in pages.items()}


def flags_of(pages: dict) -> dict[str, list[str]]:
    return {key: row["flags"] for key, row in pages.items() if row.get("flags")}


def write_baseline(pages: dict) -> None:
    pages = dict(run.by_user(pages))  # user by user, as the results are written
    baseline = {
        "about": "Queries of one request of each page of `make bench` on the small data set "
                 f"generated at {NOW.isoformat()} (benchmarks/check.py), and the plan warnings "
                 "of lists' main queries known at the time. Written by `make bench-baseline`.",
        "database": run.database_label(),
        "queries": counts_of(pages),
        "known_plan_flags": {key: sorted({checks.flag_kind(f) for f in flags})
                             for key, flags in flags_of(pages).items()},
    }
    baseline_path().write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")


def verdict(pages: dict, baseline: dict) -> tuple[list[str], list[str]]:
    """The problems (the check fails) and the notes (it passes, saying so)."""
    counts, expected = counts_of(pages), baseline["queries"]
    problems = checks.count_regressions(counts, expected)
    notes = [f"{key}: {count} queries, fewer than the baseline's {expected[key]}"
             for key, count in counts.items()
             if isinstance(count, int) and isinstance(expected.get(key), int)
             and count < expected[key]]
    known = baseline.get("known_plan_flags", {})
    problems += checks.flag_regressions(flags_of(pages), known)
    notes += [f"{key}: plan warning: {flag}"
              for key, flags in flags_of(pages).items() for flag in flags
              if checks.flag_kind(flag) in known.get(key, []) or not checks.is_full_scan(flag)]
    return problems, notes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-baseline", action="store_true",
                        help="write the baseline (benchmarks/baseline.json) from this run")
    parser.add_argument("--reuse", action="store_true",
                        help="use the data set already in the database (generated by an "
                             "earlier check) instead of generating it afresh")
    args = parser.parse_args(argv)
    if not args.write_baseline and not baseline_path().exists():
        print(f"bench check: no baseline for this database ({baseline_path().name}); the "
              "committed one is MariaDB's (set DATABASE_URL), or write this one with "
              "`make bench-baseline`.", file=sys.stderr)
        return 2
    pages, seconds = measure(reuse=args.reuse)
    if args.write_baseline:
        write_baseline(pages)
        print(f"bench baseline: {len(pages)} pages written to {baseline_path()} "
              f"({seconds:.0f} s)")
        return 0
    problems, notes = verdict(pages, json.loads(baseline_path().read_text(encoding="utf-8")))
    for note in notes:
        print(f"  note: {note}")
    if problems:
        print(f"bench check FAILED ({len(problems)} problems; {len(pages)} pages and job runs "
              "checked):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print("A page or job runs more queries than before, or a list's main query scans or "
              "sorts a large table. If that is intended, `make bench-baseline` and commit "
              f"benchmarks/{baseline_path().name}.", file=sys.stderr)
        return 1
    print(f"bench check passed: {len(pages)} pages and job runs within their query counts, "
          f"no new plan warning ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
