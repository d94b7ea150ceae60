"""Benchmarks of the back office on generated data: page, API, export and job timings, their
queries, the COUNT queries among them, the same SQL run bare through a raw cursor beside each
page, and the query plan of each list's main query.

Run with `make bench` (site `bench`; SCALE=small|large, default small; on MariaDB when
DATABASE_URL is set). The data set is generated once per scale (`manage.py generate_data`) and
reused by later runs; FRESH=1 generates it again. Results are written to
benchmarks/results/<scale>.json and benchmarks/results/<scale>.md and printed; once both scales
have results, benchmarks/results/summary.md compares them (`benchmarks/compare.py`).

The pages are data: each admin list below (its default view; every choice of its queue filter
and one choice of each other list filter, read from the list's own filters; each search, by
values of a row in the middle of the user's rows; the date drill-down to that row's year, month
and day; a deep page; the change page of that row), each API list (first page, filters by that
row's values, a cursor page up to 50 deep), and the pages without a list.

Each page is requested once to warm up (its queries are recorded then), then REPEAT times
(default 20): the median and the 95th percentile. Beside it, every SELECT the page ran that
reads the app's tables is run again through a raw cursor, as many times, fetching every row,
one round after each request (the two alternate, so that a change in the machine's speed during
the run meets both alike): the page's "bare SQL", its p95 and the ratio page p95 / bare p95,
with the target (page p95 ≤ 3× bare p95, or ≤ bare p95 + 50 ms). A page slower than SLOW_MS
(default 5000 ms) at warm-up is requested SLOW_REPEAT times only (default 3), and the result
says so.
"""

from __future__ import annotations

import csv
import datetime
import gc
import io
import json
import os
import re
import resource
import signal
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SITE", "bench")
# The bench measures searches, not the limit on personal-data lookups (20 an hour for a masked
# user): past it a search answers "too many attempts" without searching.
os.environ.setdefault("PERSONAL_DATA_LOOKUPS_PER_HOUR", "1000000")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from property_service.complaints.states import State as ComplaintState  # noqa: E402
from property_service.workorders.states import State as WorkOrderState  # noqa: E402

from benchmarks import checks  # noqa: E402

SCALE = os.environ.get("SCALE", "small")
RESULTS = Path(__file__).parent / "results"
REPEAT = int(os.environ.get("REPEAT", "20"))
SLOW_MS = float(os.environ.get("SLOW_MS", "5000"))
SLOW_REPEAT = int(os.environ.get("SLOW_REPEAT", "3"))
# Slower still at warm-up: the warm-up is the one timing.
VERY_SLOW_MS = float(os.environ.get("VERY_SLOW_MS", "20000"))
# A job still running after this long is stopped (its transaction rolls back) and so marked.
JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", "600"))
# A periodic job's steady state: the median of this many runs after its first (a run that
# runs out of time ends them).
STEADY_RUNS = int(os.environ.get("STEADY_RUNS", "9"))
USERS = ("admin", "cs_agent")
# Users whose home page (their workspace: a manager's overview of one community, a technician's
# own work, the front desk's intake) is measured besides, the home alone.
HOME_USERS = ("manager", "maintenance", "frontdesk")
# How deep the deep pages go: the admin's page number, the API's cursor pages.
DEEP_PAGE = 500
CURSOR_DEPTH = 50
APP_TABLES = "property_service_"
# The version of what is measured and how: results of different versions are not compared.
HARNESS = 2
DEVNULL = open(os.devnull, "w")  # noqa: SIM115


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the data set -----------------------------------------------------------------------------
def _database_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def _drop_everything() -> None:
    # Only ever a benchmark's own database (its name says so): a mistaken DATABASE_URL must
    # not lose a real one.
    if "bench" not in _database_name():
        raise SystemExit(f"Refusing to drop the tables of {_database_name()!r}: the benchmark "
                         "generates its data only into a database whose name contains 'bench'.")
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(_database_name())
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS=0")
        for table in tables:
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS=1")


def prepare_data(*, scale: str = SCALE, fresh: bool | None = None, now=None) -> dict:
    """Generate the scale's data set unless the database holds it already (``fresh``: always;
    ``now``: the generation's present moment)."""
    from property_service.benchdata import generated_scale

    if fresh is None:
        fresh = os.environ.get("FRESH") == "1"
    try:
        current = generated_scale()
    except Exception:  # no tables yet
        current = None
    if current == scale and not fresh:
        say(f"reusing the generated {scale} data set")
        # With the schema of the code measured (an index added since it was generated).
        call_command("migrate", verbosity=0)
        return {"generated_now": False}
    say(f"generating the {scale} data set")
    _drop_everything()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("apply_roles", stdout=DEVNULL)
    call_command("load_standards", stdout=DEVNULL)
    options = {"now": now.isoformat()} if now is not None else {}
    call_command("generate_data", scale=scale, stdout=sys.stderr, **options)
    return {"generated_now": True, "generate_seconds": round(time.perf_counter() - started, 1)}


def table_sizes() -> dict[str, int]:
    from django.apps import apps

    sizes = {}
    for model in apps.get_app_config("property_service").get_models():
        sizes[model._meta.db_table] = model._base_manager.count()
    return sizes


def server_settings() -> dict:
    """The database server's settings that shape the timings."""
    if connection.vendor != "mysql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT @@innodb_buffer_pool_size")
        (pool,) = cursor.fetchone()
    return {"innodb_buffer_pool_size": int(pool)}


# -- the statements of a request ---------------------------------------------------------------
@dataclass
class Statement:
    sql: str
    params: object
    many: bool
    ms: float

    @property
    def is_select(self) -> bool:
        return not self.many and self.sql.lstrip().upper().startswith("SELECT")

    def display(self) -> dict:
        return {"ms": round(self.ms, 1), "sql": self.sql[:400],
                "params": repr(self.params)[:200]}


class Recorder:
    """An execute wrapper that keeps every statement with its parameters and its time: the
    SQL the page ran, exactly, to run again bare and to EXPLAIN (the same on every backend)."""

    def __init__(self):
        self.statements: list[Statement] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(Statement(sql, params, many,
                                             (time.perf_counter() - started) * 1000))


_TABLE = re.compile(r'(?:FROM|JOIN)\s+[`"](\w+)[`"]', re.IGNORECASE)


def tables_read(sql: str) -> set[str]:
    return set(_TABLE.findall(sql))


def main_query(statements: list[Statement], table: str) -> Statement | None:
    """The list's page query: the first SELECT of rows from ``table`` with a LIMIT, else (a
    list of a single page is read without one) the first with an ORDER BY."""
    quoted = (f"`{table}`", f'"{table}"')
    candidates = []
    for statement in statements:
        sql = statement.sql
        head = sql[: sql.find(" FROM ")] if " FROM " in sql else sql
        if (statement.is_select and "COUNT(" not in head.upper()
                and any(f"FROM {q}" in sql for q in quoted)):
            candidates.append(statement)
    for statement in candidates:
        if "LIMIT" in statement.sql:
            return statement
    return next((s for s in candidates if "ORDER BY" in s.sql), None)


def bare_statements(statements: list[Statement]) -> list[Statement]:
    """The page's own rows: every SELECT it ran that reads the app's tables (not the session,
    user and permission lookups every page makes)."""
    return [s for s in statements
            if s.is_select and any(t.startswith(APP_TABLES) for t in tables_read(s.sql))]


def explain(statement: Statement, sizes: dict[str, int]) -> dict:
    """The plan of ``statement`` and its warnings (``checks.plan_flags``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("EXPLAIN " + statement.sql, statement.params)
            columns = [c[0] for c in cursor.description]
            rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
            plan = [{k: r.get(k) for k in ("table", "type", "key", "rows", "Extra")}
                    for r in rows]
            flags = checks.plan_flags(plan, sizes, aliases=checks.table_aliases(statement.sql))
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.params)
            plan = [r[-1] for r in cursor.fetchall()]
            flags = checks.sqlite_plan_flags(plan, sizes)
    return {"plan": plan, "flags": flags}


class BareRun:
    """``statements`` run again through a raw cursor, every row fetched, one round at a time
    (each beside one request of the page, so that both meet the machine in the same state):
    the median and p95 of the rounds, and of the main query alone."""

    def __init__(self, statements: list[Statement], main: Statement | None):
        self.statements, self.main = statements, main
        self.totals, self.mains, self.main_rows = [], [], None

    def round(self) -> None:
        total = 0.0
        with connection.cursor() as cursor:
            for statement in self.statements:
                started = time.perf_counter()
                cursor.execute(statement.sql, statement.params)
                rows = cursor.fetchall()
                ms = (time.perf_counter() - started) * 1000
                total += ms
                if statement is self.main:
                    self.mains.append(ms)
                    self.main_rows = len(rows)
        self.totals.append(total)

    def summary(self) -> dict:
        result = {"statements": len(self.statements), **summary_of(self.totals)}
        if self.mains:
            main_stats = summary_of(self.mains)
            result.update(main_median_ms=main_stats["median_ms"],
                          main_p95_ms=main_stats["p95_ms"], main_rows=self.main_rows)
        return result


def summary_of(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {"median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[max(0, int(round(len(timings) * 0.95)) - 1)], 1)}


# -- the pages --------------------------------------------------------------------------------
@dataclass
class Page:
    name: str
    url: str
    table: str | None = None  # the list's table: its main query is found and explained
    method: str = "get"
    data: dict | None = None
    default_list: bool = False  # a list's default view: its plan goes in the plans section
    first: str | None = None  # a deep page: the name of its first page


def _sample(queryset, **conditions):
    """A row in the middle of ``queryset`` by id (meeting ``conditions``), or ``None``."""
    queryset = queryset.filter(**conditions).order_by()
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None
    middle = (bounds["low"] + bounds["high"]) // 2
    return queryset.filter(pk__gte=middle).order_by("pk").first()


def _phone(row):
    resident = getattr(row, "resident", row)
    return resident.phone if resident is not None else None


@dataclass
class AdminList:
    name: str
    model: str  # the admin's URL segment
    table: str
    # (name, value of the sample row to search for)
    searches: tuple = ()
    # Filters whose every choice is a page (the queues); one choice of each other filter.
    every_choice: tuple = ()
    # The sample row: one with these fields filled, so that every search has a value, and in
    # the state of most rows of its age: a change page reads what its row's state and filled
    # fields call for, and rows alike at both scales run the same queries.
    sample_has: dict = field(default_factory=dict)
    change_page: bool = True
    deep_page: bool = False

    @property
    def url(self) -> str:
        return f"/admin/property_service/{self.model}/"


ADMIN_LISTS = [
    AdminList(
        "work orders", "workorder", "property_service_workorder",
        searches=(("number", lambda o: o.number),
                  ("number prefix", lambda o: o.number[:-2]),
                  ("unit number", lambda o: o.unit.number),
                  ("phone", _phone),
                  ("last four digits", lambda o: _phone(o)[-4:])),
        every_choice=("queue",),
        sample_has={"unit__isnull": False, "resident__isnull": False,
                    "state": WorkOrderState.CLOSED},
        deep_page=True),
    AdminList("complaints", "complaint", "property_service_complaint",
              searches=(("number", lambda c: c.number),
                        ("unit number", lambda c: c.unit.number)),
              sample_has={"unit__isnull": False, "resident__isnull": False,
                          "state": ComplaintState.CLOSED}),
    AdminList("residents", "resident", "property_service_resident",
              searches=(("phone", _phone), ("last four digits", lambda r: r.phone[-4:]),
                        ("name prefix", lambda r: r.name[:1]))),
    AdminList("units", "unit", "property_service_unit",
              searches=(("number", lambda u: u.number),)),
    AdminList("contracts", "contract", "property_service_contract",
              searches=(("number", lambda c: c.number),), change_page=False),
]


@dataclass
class ApiList:
    name: str
    path: str
    table: str
    sample_of: str | None = None  # the admin list whose sample row gives the filters' values
    filters: tuple = ()  # (parameter, value of the sample row)


API_LISTS = [
    ApiList("api work orders", "/api/v1/work-orders/", "property_service_workorder",
            "work orders", (("state", lambda o: o.state),
                            ("community", lambda o: o.community_id),
                            ("search", lambda o: o.number))),
    ApiList("api complaints", "/api/v1/complaints/", "property_service_complaint",
            "complaints", (("state", lambda c: c.state),
                           ("community", lambda c: c.community_id))),
    ApiList("api residents", "/api/v1/residents/", "property_service_resident",
            "residents", (("community", lambda r: r.community_id),)),
    ApiList("api units", "/api/v1/units/", "property_service_unit",
            "units", (("community", lambda u: u.building.community_id),)),
    ApiList("api contracts", "/api/v1/contracts/", "property_service_contract",
            "contracts", (("state", lambda c: c.state),
                          ("community", lambda c: c.community_id))),
]

# {community}: the demo's first community (锦绣花园, cs_agent's); {month}: the month of the
# latest work order (YYYY-MM); {report}: that community's management report of the month
# before the previous one (drafted for the bench when missing: the monthly job, measured below,
# drafts the previous month's itself).
OTHER_PAGES = [
    Page("complaint figures", "/admin/property_service/complaint/figures/"),
    Page("repair figures", "/admin/property_service/workorder/figures/"),
    Page("repair figures, one community and month",
         "/admin/property_service/workorder/figures/?community={community}&month={month}"),
    Page("repair figures per technician",
         "/admin/property_service/workorder/figures/?group=technician"),
    Page("repair figures per team, one month",
         "/admin/property_service/workorder/figures/?group=team&month={month}"),
    Page("api repair figures", "/api/v1/figures/work-orders/"),
    Page("api repair figures, one community and month",
         "/api/v1/figures/work-orders/?community={community}&month={month}"),
    Page("api complaint figures", "/api/v1/figures/complaints/"),
    Page("api complaint figures, one community and month",
         "/api/v1/figures/complaints/?community={community}&month={month}"),
    Page("management reports", "/admin/property_service/managementreport/"),
    Page("management report", "/admin/property_service/managementreport/{report}/change/"),
    Page("call desk, search a unit number", "/admin/property_service/calldesk/?q=1502"),
    Page("call desk, search a last four digits", "/admin/property_service/calldesk/?q=1234"),
    Page("visit plan", "/admin/property_service/visit/plan/"),
    Page("renewal dashboard", "/admin/property_service/contract/renewals/"),
]


def _filter_param(spec) -> str:
    return getattr(spec, "parameter_name", None) or spec.field_path


def filter_pages(spec: AdminList, cl) -> list[Page]:
    """One page per choice of the list's ``every_choice`` filters, and the middle choice of
    each other filter (not "all", not "empty"), as the list's own filters offer them."""
    pages = []
    for filter_spec in cl.filter_specs:
        param = _filter_param(filter_spec)
        expected = set(filter_spec.expected_parameters())
        choices = []
        for choice in filter_spec.choices(cl):
            query = dict(parse_qsl(choice["query_string"].lstrip("?")))
            if any(k in expected and v for k, v in query.items()) \
                    and not any("isnull" in k for k in query):
                choices.append((query, choice["query_string"]))
        if not choices:
            continue
        if param in spec.every_choice:
            for query, qs in choices:
                value = next(v for k, v in query.items() if k in expected)
                pages.append(Page(f"{spec.name}, {param} {value}", spec.url + qs, spec.table))
        else:
            _query, qs = choices[len(choices) // 2]
            pages.append(Page(f"{spec.name}, filter {param}", spec.url + qs, spec.table))
    return pages


def list_pages(spec: AdminList, cl, sample) -> list[Page]:
    """The pages of a list beyond its default view."""
    pages = filter_pages(spec, cl)
    if sample is None:
        return pages
    for name, value_of in spec.searches:
        value = value_of(sample)
        if value:
            pages.append(Page(f"{spec.name}, search {name}",
                              f"{spec.url}?q={value}", spec.table))
    if cl.date_hierarchy:
        at = getattr(sample, cl.date_hierarchy)
        if hasattr(at, "hour"):
            at = timezone.localtime(at)
        query = f"{cl.date_hierarchy}__year={at.year}"
        pages.append(Page(f"{spec.name}, date year", f"{spec.url}?{query}", spec.table))
        query += f"&{cl.date_hierarchy}__month={at.month}"
        pages.append(Page(f"{spec.name}, date month", f"{spec.url}?{query}", spec.table))
        query += f"&{cl.date_hierarchy}__day={at.day}"
        pages.append(Page(f"{spec.name}, date day", f"{spec.url}?{query}", spec.table))
    if spec.deep_page:
        # Four fifths of the way through the user's rows, at most page DEEP_PAGE.
        last = cl.root_queryset.count() // cl.list_per_page
        if last >= 2:
            deep = max(2, min(DEEP_PAGE, last * 4 // 5))
            pages.append(Page(f"{spec.name}, deep page", f"{spec.url}?p={deep}", spec.table,
                              first=spec.name))
    if spec.change_page:
        pages.append(Page(f"{spec.name}, change page", f"{spec.url}{sample.pk}/change/"))
    return pages


def api_pages(spec: ApiList, sample) -> list[Page]:
    """The API list's first page and a cursor page deep, unfiltered and by each filter."""
    pages = [Page(spec.name, spec.path, spec.table, default_list=True),
             Page(f"{spec.name}, cursor deep", "cursor:" + spec.path, spec.table,
                  first=spec.name)]
    if sample is None:
        return pages
    for param, value_of in spec.filters:
        value = value_of(sample)
        name, url = f"{spec.name}, {param}", f"{spec.path}?{param}={value}"
        pages.append(Page(name, url, spec.table))
        if param != "search":
            pages.append(Page(f"{name}, cursor deep", "cursor:" + url, spec.table, first=name))
    return pages


# -- measuring --------------------------------------------------------------------------------
def request(client, page: Page):
    """The response to ``page``, its body read to the end (a streamed export included: its
    time and its queries are the reading's)."""
    if page.method == "post":
        response = client.post(page.url, page.data or {})
    else:
        response = client.get(page.url)
    if getattr(response, "streaming", False):
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


# How a server renders a template (before ``setup_test_environment`` instruments it).
SERVED_RENDER = Template._render


@contextmanager
def served_templates():
    """Templates rendered as a server renders them: the test environment's instrumentation
    (a signal and a copy of the context for each template, read by the first request's
    ``response.context``) is set aside while a page is timed."""
    instrumented = Template._render
    Template._render = SERVED_RENDER
    try:
        yield
    finally:
        Template._render = instrumented


@contextmanager
def harness_set_aside():
    """What this process holds when a page's timed requests begin (the harness's own results,
    warm-up responses and samples among it) set aside from the cycle collector while they run,
    as ``config.serving.settle`` sets a serving process's objects aside once it is loaded. A
    full collection walks every object it has not been told to leave: without this, it walks
    the harness's hundred thousand or so (40-100 ms, against 15-20 ms in a serving process)
    in the middle of whichever request it falls in."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        # Back in the collector's care, so that what the harness drops meanwhile is freed.
        gc.unfreeze()


@dataclass
class Timing:
    """A page as one user, between its warm-up and its figures: what its timed requests need."""
    client: object
    page: Page
    result: dict
    statements: list
    main: Statement | None
    bare: BareRun
    repeat: int
    timings: list = field(default_factory=list)


def warm_up(client, page: Page, sizes: dict[str, int], *, timed: bool = True):
    """The page requested once (its queries recorded): its untimed figures, the response, and
    (``timed``, answered 200) what timing it needs, else ``None``."""
    recorder = Recorder()
    started = time.perf_counter()
    with connection.execute_wrapper(recorder):
        response = request(client, page)
    warm_ms = (time.perf_counter() - started) * 1000
    statements = recorder.statements
    if response.status_code != 200:
        return {"status": response.status_code}, response, None
    counts = [s for s in statements if s.is_select and "COUNT(" in s.sql.upper()]
    result = {"url": page.url, "queries": len(statements),
              "count_queries": [s.display() for s in counts]}
    if page.first:
        result["first"] = page.first
    if page.default_list:
        result["default_list"] = True
    main = main_query(statements, page.table) if page.table else None
    if page.table:
        result["main_query"] = main.sql[:1000] if main else None
        result.update(explain(main, sizes) if main else {"plan": [], "flags": []})
    if not timed:
        return result, response, None
    repeat = REPEAT if warm_ms < SLOW_MS else SLOW_REPEAT if warm_ms < VERY_SLOW_MS else 0
    timing = Timing(client, page, result, statements, main,
                    BareRun(bare_statements(statements), main), repeat,
                    [] if repeat else [warm_ms])
    return result, response, timing


def time_side_by_side(timings: list[Timing], sizes: dict[str, int]) -> None:
    """Each page's timed requests, and after each a round of its bare SQL, in turns: the pages
    given together (one page as each user) meet the machine in the same state, so that their
    ratios do not depend on how its speed drifts during the run. Then their figures."""
    with harness_set_aside():
        for turn in range(max((t.repeat for t in timings), default=0)):
            for timing in timings:
                if turn >= timing.repeat:
                    continue
                with served_templates():
                    started = time.perf_counter()
                    again = request(timing.client, timing.page)
                    timing.timings.append((time.perf_counter() - started) * 1000)
                assert again.status_code == 200, (timing.page.url, again.status_code)
                if timing.bare.statements:
                    timing.bare.round()
    for timing in timings:
        finish(timing, sizes)


def finish(timing: Timing, sizes: dict[str, int]) -> None:
    result, bare, main = timing.result, timing.bare, timing.main
    if bare.statements and not timing.repeat:
        bare.round()
    result.update(summary_of(timing.timings), repeat=timing.repeat)
    # Where the time of a slow page goes.
    result["slowest_queries"] = [s.display() for s in
                                 sorted(timing.statements, key=lambda s: -s.ms)[:3]]
    if bare.statements:
        result["bare"] = bare.summary()
        other_flags = []
        for statement in bare.statements:
            if statement is not main:
                other_flags += explain(statement, sizes)["flags"]
        result["bare"]["other_flags"] = sorted(set(other_flags))
        result["page_over_bare"] = checks.ratio(result["p95_ms"], result["bare"]["p95_ms"])
        result["meets_target"] = checks.meets_bare_target(result["p95_ms"],
                                                          result["bare"]["p95_ms"])


def measure(client, page: Page, sizes: dict[str, int], *, timed: bool = True):
    """The page's figures (``timed``: its timings and its bare SQL's too; else its queries and
    its main query's plan only) and the response of its first request."""
    result, response, timing = warm_up(client, page, sizes, timed=timed)
    if timing is not None:
        time_side_by_side([timing], sizes)
    return result, response


def cursor_page(client, url: str, depth: int, *, slow_ms: float = SLOW_MS
                ) -> tuple[str | None, int]:
    """The URL of the cursor page ``depth`` pages into ``url`` (or of the last page, when there
    are fewer), found by following ``next``, and how deep it is."""
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200 or (time.perf_counter() - started) * 1000 > slow_ms:
        return None, 0  # refused, or too slow to walk that deep
    body, reached = response.json(), 1
    while reached < depth and body.get("next"):
        url = body["next"]
        body, reached = client.get(url).json(), reached + 1
    return url, reached


def warm_caches() -> None:
    """What a running server holds after its first requests, loaded before the first page is
    measured: so that no page's query count depends on the pages requested before it (nor on
    what generating the data left in this process)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from config.serving import settle

    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models(include_auto_created=True))
    # As a serving process does once loaded (config/wsgi.py): this process's objects so far
    # (the data generator's and the benchmark's own too) set aside from the cycle collector.
    settle()


def page_values() -> dict[str, object]:
    """What the pages' URLs name (see ``OTHER_PAGES``); the report is drafted if missing."""
    from property_service.registry.models import Community
    from property_service.reports.builder import previous_month
    from property_service.reports.models import ManagementReport
    from property_service.reports.services import management_report_generate
    from property_service.workorders.models import WorkOrder

    community = Community.objects.get(code="JXHY")
    latest = WorkOrder.objects.order_by("-reported_at").values_list("reported_at", flat=True)[0]
    month = timezone.localtime(latest).date().replace(day=1)
    report_month = previous_month(previous_month(month))
    report = ManagementReport.objects.filter(community=community, month=report_month).first()
    if report is None:
        report, _new = management_report_generate(community=community, month=report_month)
    return {"community": community.pk, "month": f"{month:%Y-%m}", "report": report.pk}


def measure_pages(sizes, save, results, *, timed: bool = True,
                  cursor_depth: int = CURSOR_DEPTH) -> dict:
    """Every page as every user (``timed``: with timings and bare SQL; else queries only, and
    nothing in the result depends on how fast the machine is). The cursor pages are
    ``cursor_depth`` pages deep (or as deep as the list goes). Each page is measured as the
    users side by side (``time_side_by_side``): a restricted user's figure and the superuser's
    are taken at the same time."""
    values = page_values()
    warm_caches()
    clients = {}
    for username in USERS:
        # A page that fails answers 500 (and is so reported) instead of ending the run.
        clients[username] = Client(raise_request_exception=False)
        clients[username].force_login(get_user_model().objects.get(username=username))

    def together(pages: dict[str, Page]) -> dict[str, object]:
        """One page as each user (user -> their version of it) measured side by side: the
        responses of their warm-ups."""
        timings, responses = [], {}
        for username, page in pages.items():
            client, key, depth = clients[username], f"{username}: {page.name}", None
            if page.url.startswith("cursor:"):
                url, depth = cursor_page(client, page.url.removeprefix("cursor:"), cursor_depth,
                                         slow_ms=SLOW_MS if timed else float("inf"))
                if url is None or depth < 2:
                    results[key] = {"status": "a single page" if url else
                                    "refused, or the first page too slow to walk deep"}
                    continue
                page = Page(page.name, url, page.table, first=page.first)
            if timed:
                say(f"  {key}")
            result, response, timing = warm_up(client, page, sizes, timed=timed)
            if depth is not None:
                result["depth"] = depth
            results[key] = result
            responses[username] = response
            if timing is not None:
                timings.append(timing)
        time_side_by_side(timings, sizes)
        save()  # what is measured so far, should a long run be stopped
        return responses

    def paired(pages_of: dict[str, list[Page]]) -> None:
        """Each user's pages (user -> pages), a page measured as every user who has it."""
        names = dict.fromkeys(page.name for pages in pages_of.values() for page in pages)
        for name in names:
            together({username: page for username, pages in pages_of.items()
                      for page in pages if page.name == name})

    together({username: Page("admin home", "/admin/") for username in USERS})
    samples = {username: {} for username in USERS}
    for spec in ADMIN_LISTS:
        responses = together({username: Page(spec.name, spec.url, spec.table, default_list=True)
                              for username in USERS})
        pages_of = {}
        for username, response in responses.items():
            if response.status_code != 200:
                continue
            cl = response.context["cl"]
            sample = samples[username][spec.name] = _sample(cl.root_queryset, **spec.sample_has)
            pages_of[username] = list_pages(spec, cl, sample)
        paired(pages_of)
    for page in OTHER_PAGES:
        together({username: Page(page.name, page.url.format(**values), page.table)
                  for username in USERS})
    for spec in API_LISTS:
        paired({username: api_pages(spec, samples[username].get(spec.sample_of))
                for username in USERS})
    for username in HOME_USERS:
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username=username))
        if timed:
            say(f"  {username}: admin home")
        results[f"{username}: admin home"], _response = measure(
            client, Page("admin home", "/admin/"), sizes, timed=timed)
        save()
    return results


# The size of the measured import; the export measured for flat memory (every work order:
# 10,000 at small, 1,000,000 at large) is compare.EVERY_ORDER.
IMPORT_ROWS = 10_000


def measure_exports(sizes) -> dict:
    """Exports (and imports): their time, rows per second and memory.

    The CSV export through the admin of one community's work orders and of the latest month's,
    as each user, timed like a page; then, each in a process of its own (benchmarks/exports.py:
    rows/s, CPU time, peak RSS), the Excel and CSV exports of the same lists and of every work
    order (its peak RSS at both scales is the flat-memory target), and the Excel import of
    ``IMPORT_ROWS`` new residents (preview, then confirmation: its rows/s; rolled back)."""
    from property_service.registry.models import Community
    from property_service.workorders.models import WorkOrder

    from benchmarks.compare import EVERY_ORDER
    from benchmarks.exports import measure_export, measure_import

    results = {}
    community = Community.objects.get(code="JXHY")
    latest = WorkOrder.objects.order_by("-reported_at").values_list("reported_at", flat=True)[0]
    latest = timezone.localtime(latest)
    url = "/admin/property_service/workorder/export/"
    lists = {"one community's work orders": f"?community__id__exact={community.pk}",
             "one month's work orders": f"?reported_at__year={latest.year}"
                                        f"&reported_at__month={latest.month}"}
    exports = [Page(f"export {name} (csv)", f"{url}{query}", method="post",
                    data={"format": "1"}) for name, query in lists.items()]
    for username in USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for page in exports:
            say(f"  {username}: {page.name}")
            result, response = measure(client, page, sizes)
            if response.status_code == 200:
                # The rows exported: the CSV's records but its header.
                text = io.StringIO(response.body.decode("utf-8-sig"))
                result["rows"] = max(0, sum(1 for _ in csv.reader(text)) - 1)
                if result.get("median_ms"):
                    result["rows_per_s"] = round(result["rows"] / result["median_ms"] * 1000)
            results[f"{username}: {page.name}"] = result
    # In processes of their own: each one's peak memory is the export's.
    own = [(f"export {name} ({fmt})", query, fmt) for fmt in ("xlsx", "csv")
           for name, query in lists.items()] + [(EVERY_ORDER, "", "xlsx"),
                                                (EVERY_ORDER.replace("xlsx", "csv"), "", "csv")]
    for name, query, fmt in own:
        say(f"  admin: {name}, in a process of its own")
        results[f"admin: {name}, own process"] = {"own_process": True,
                                                  **measure_export(query=query, fmt=fmt)}
    say(f"  admin: import of {IMPORT_ROWS:,} residents (xlsx), in a process of its own")
    results[f"admin: import of {IMPORT_ROWS:,} residents (xlsx), own process"] = {
        "own_process": True, "import": True, **measure_import(rows=IMPORT_ROWS)}
    return results


@contextmanager
def clock_held(moment: datetime.datetime | None = None):
    """Every ``timezone.now()`` of this process answers ``moment`` (naive: local time; by
    default the moment this begins) until this ends. Yields the moment held."""
    real = timezone.now
    if moment is None:
        moment = real()
    elif timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = real


def measure_jobs() -> dict:
    """Each periodic job run with the clock held: its first run here, then, a second later, the
    runs after it with nothing new, its steady state ("second": the median of ``STEADY_RUNS``
    runs, each of a few milliseconds; its queries are the last run's). At the real time, the
    second run would also take up what fell due while the first ran (minutes, at the large
    scale's first chase)."""
    from property_service.schedules import SCHEDULES

    results = {}

    def stop(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    for job in SCHEDULES:
        with clock_held() as moment:
            first = run_job(job)
        # A second later: what the first run wrote at its own moment is older than the
        # steady runs' marks (``core.since``), as it is on a clock that moves.
        with clock_held(moment + datetime.timedelta(seconds=1)):
            steady = []
            for _ in range(STEADY_RUNS):
                steady.append(run_job(job))
                if not isinstance(steady[-1]["ms"], float):
                    break  # out of time
        times = [run["ms"] for run in steady]
        second = dict(steady[-1])
        if all(isinstance(ms, float) for ms in times):
            second = {**second, "ms": round(statistics.median(times), 1), "runs_ms": times}
        results[job.name] = {"first": first, "second": second}
        say(f"  job {job.name}: {first['ms']} ms, then {second['ms']} ms")
    return results


def run_job(job) -> dict:
    """One run of ``job``: its time and its statements (or how far it got in JOB_TIMEOUT)."""
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    try:
        signal.alarm(JOB_TIMEOUT)
        with connection.execute_wrapper(count):
            import_string(job.func)()
    except TimeoutError:
        return {"ms": f"> {JOB_TIMEOUT * 1000}", "queries": f"{len(executed)}+"}
    finally:
        signal.alarm(0)
    return {"ms": round((time.perf_counter() - started) * 1000, 1), "queries": len(executed)}


# -- the report -------------------------------------------------------------------------------
def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def _target(row: dict) -> str:
    meets = row.get("meets_target")
    return "–" if meets is None else "yes" if meets else "**no**"


def _page_line(name: str, user: str, row: dict) -> str:
    if "median_ms" not in row:
        return f"| {name} | {user} | – | – | – | – | – | – | – | status {row['status']} |"
    star = "*" if 0 < row["repeat"] < REPEAT else "**" if row["repeat"] == 0 else ""
    bare = row.get("bare")
    bare_cell = f"{bare['p95_ms']} ({bare['statements']})" if bare else "–"
    flags = list(row.get("flags", []))
    if bare and bare.get("other_flags"):
        flags.append("other SELECTs: " + ", ".join(bare["other_flags"]))
    ratio = row.get("page_over_bare")
    return (f"| {name} | {user} | {row['median_ms']}{star} | {row['p95_ms']} | "
            f"{row['queries']} | {len(row['count_queries'])} | {bare_cell} | "
            f"{'–' if ratio is None else ratio} | {_target(row)} | {'; '.join(flags)} |")


def by_user(pages: dict) -> list[tuple[str, dict]]:
    """The pages' figures ("user: page" -> figures) user by user, each user's in the order
    measured (the users' are measured side by side, in turns)."""
    order = {username: i for i, username in enumerate((*USERS, *HOME_USERS))}
    return sorted(pages.items(), key=lambda item: order.get(item[0].split(": ", 1)[0],
                                                            len(order)))


def markdown(results: dict) -> str:
    server = results.get("server", {})
    pool = (f", innodb_buffer_pool_size {_mib(server['innodb_buffer_pool_size'])}"
            if "innodb_buffer_pool_size" in server else "")
    rows = results["rows"]
    head = (f"Scale **{results['scale']}** on {results['database']}{pool} "
            f"({rows.get('property_service_workorder', 0):,} work orders, "
            f"{rows.get('property_service_complaint', 0):,} complaints, "
            f"{rows.get('property_service_resident', 0):,} residents, "
            f"{rows.get('property_service_unit', 0):,} units), {results['date']}. "
            f"Median and p95 of {REPEAT} requests after a warm-up ({SLOW_REPEAT} where marked *, "
            "the warm-up alone where marked **); queries of one request, of which COUNT. "
            "*Bare SQL*: every SELECT the page ran on the app's tables, run again through a "
            "raw cursor as many times, a round after each request, all rows fetched: its p95 "
            "(number of SELECTs), the "
            f"ratio page p95 ÷ bare p95, and the target (page p95 ≤ {checks.BARE_FACTOR:g}× "
            f"bare p95, or ≤ bare p95 + {checks.BARE_MARGIN_MS:g} ms). Plan warnings: of the "
            "list's main query, then of the page's other SELECTs (a table of "
            f"{checks.LARGE_TABLE_ROWS:,} rows or more is large).")
    lines = [head, "",
             "| page | user | median ms | p95 ms | queries | COUNT | bare SQL p95 ms | "
             "page ÷ bare | target | plan warnings |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for key, row in by_user(results["pages"]):
        user, name = key.split(": ", 1)
        lines.append(_page_line(name, user, row))
    lines += ["", "### The plans of the lists' default queries", "",
              "| list | user | table | type | key | rows | Extra |",
              "|---|---|---|---|---|---:|---|"]
    for key, row in by_user(results["pages"]):
        user, name = key.split(": ", 1)
        if not row.get("default_list") or not row.get("plan"):
            continue
        for step in row["plan"]:
            if isinstance(step, dict):
                lines.append(f"| {name} | {user} | {step['table']} | {step['type']} | "
                             f"{step['key'] or ''} | {step['rows']} | {step['Extra'] or ''} |")
            else:
                lines.append(f"| {name} | {user} | {step} | | | | |")
    if results.get("exports"):
        lines += ["", "| export or import | user | median ms | p95 ms | queries | figures |",
                  "|---|---|---:|---:|---:|---|"]
        for key, row in results["exports"].items():
            if row.get("own_process"):
                continue
            user, name = key.split(": ", 1) if ": " in key else ("", key)
            if "median_ms" not in row:
                others = {k: v for k, v in row.items() if k != "status"}
                lines.append(f"| {name} | {user} | – | – | – | {row.get('status', '')} "
                             f"{json.dumps(others, ensure_ascii=False) if others else ''} |")
                continue
            figures = {k: v for k, v in row.items() if k.endswith(("_per_s", "_mb", "rows"))}
            lines.append(f"| {name} | {user} | {row['median_ms']} | {row['p95_ms']} | "
                         f"{row.get('queries', '–')} | "
                         f"{', '.join(f'{k} {v}' for k, v in figures.items())} |")
    lines += own_process_table(results.get("exports", {}))
    lines += ["", "| periodic job | first run ms | queries | second run ms | queries |",
              "|---|---:|---:|---:|---:|"]
    for name, job in results["jobs"].items():
        lines.append(f"| {name} | {job['first']['ms']} | {job['first']['queries']} | "
                     f"{job['second']['ms']} | {job['second']['queries']} |")
    return "\n".join(lines) + "\n"


def own_process_table(exports: dict) -> list[str]:
    """The exports and the import measured each in a process of its own, with their target
    (``checks.rate_target``)."""
    rows = {key: row for key, row in exports.items() if row.get("own_process")}
    if not rows:
        return []
    lines = ["", "Each in a process of its own (`benchmarks/exports.py`): wall and CPU time of the "
             "request (an import: of its confirmation), peak RSS of the process and before the "
             "request. Targets: " + checks.RATE_TARGETS_TEXT + ".", "",
             "| export or import | user | rows | s | rows/s | CPU s | rows per CPU s | "
             "peak RSS MiB | RSS before MiB | queries | target |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for key, row in rows.items():
        user, name = key.removesuffix(", own process").split(": ", 1)
        if "error" in row:
            lines.append(f"| {name} | {user} | – | – | – | – | – | – | – | – | failed: "
                         f"{row['error'].strip().splitlines()[-1][:200]} |")
            continue
        meets = checks.meets_rate(row["rows_per_s"], row["rows"],
                                  imports=bool(row.get("import")))
        seconds = row.get("seconds", row.get("confirm_seconds"))
        cpu = row.get("cpu_seconds", row.get("confirm_cpu_seconds"))
        queries = row.get("queries", row.get("confirm_queries"))
        lines.append(f"| {name} | {user} | {row['rows']:,} | {seconds} | {row['rows_per_s']:,} | "
                     f"{cpu} | {row['rows_per_cpu_s']:,} | {row['peak_rss_mib']} | "
                     f"{row.get('base_rss_mib', '–')} | {queries} | "
                     f"{'–' if meets is None else 'yes' if meets else '**no**'} |")
    return lines


def database_label() -> str:
    if connection.vendor == "mysql" and connection.mysql_is_mariadb:
        return "MariaDB " + ".".join(str(n) for n in connection.mysql_version)
    return connection.vendor


def main():
    setup_test_environment()
    data = prepare_data()
    sizes = table_sizes()
    results = {"scale": SCALE, "harness": HARNESS, "database": database_label(),
               "server": server_settings(),
               "date": str(timezone.localdate()), "repeat": REPEAT, **data,
               "rows": {k: v for k, v in sizes.items() if v}}
    RESULTS.mkdir(exist_ok=True)
    # MariaDB's results are the reference; the embedded database's get their own files.
    suffix = "" if connection.vendor == "mysql" else f"-{connection.vendor}"
    results["pages"], results["exports"], results["jobs"] = {}, {}, {}

    def save():
        results["peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        written = {**results, "pages": dict(by_user(results["pages"]))}
        (RESULTS / f"{SCALE}{suffix}.json").write_text(
            json.dumps(written, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        (RESULTS / f"{SCALE}{suffix}.md").write_text(markdown(results), encoding="utf-8")

    say("pages")
    measure_pages(sizes, save, results["pages"])
    say("exports")
    results["exports"] = measure_exports(sizes)
    save()
    say("periodic jobs")
    results["jobs"] = measure_jobs()
    save()
    print(markdown(results))
    say(f"written to {RESULTS / f'{SCALE}{suffix}.json'} and .md")
    from benchmarks import compare

    written = compare.write_summary(RESULTS, suffix)
    if written:
        say(f"and the comparison to {written}")


if __name__ == "__main__":
    main()
