"""Benchmarks of the back office on generated data: page, API, export and job timings, their
queries, the COUNT queries among them and the query plan of each list's main query.

Run with `make bench` (site `bench`; SCALE=small|large, default small; on MariaDB when
DATABASE_URL is set). The data set is generated once per scale (`manage.py generate_data`) and
reused by later runs; FRESH=1 generates it again. Results are written to
benchmarks/results/<scale>.json and benchmarks/results/<scale>.md and printed.

Each page is requested once to warm up, then REPEAT times (default 20): the median, the 95th
percentile, the number of queries and the COUNT queries of one request. A page slower than
SLOW_MS (default 5000 ms) at warm-up is requested SLOW_REPEAT times only (default 3), and the
result says so: at a million rows some pages take tens of seconds.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SITE", "bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

SCALE = os.environ.get("SCALE", "small")
RESULTS = Path(__file__).parent / "results"
REPEAT = int(os.environ.get("REPEAT", "20"))
SLOW_MS = float(os.environ.get("SLOW_MS", "5000"))
SLOW_REPEAT = int(os.environ.get("SLOW_REPEAT", "3"))
# Slower still at warm-up: the warm-up is the one timing.
VERY_SLOW_MS = float(os.environ.get("VERY_SLOW_MS", "20000"))
# A job still running after this long is stopped (its transaction rolls back) and so marked.
JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", "600"))
# A table at least this large is "large" for the query-plan flags.
LARGE_TABLE_ROWS = 10_000
USERS = ("admin", "cs_agent")
DEVNULL = open(os.devnull, "w")  # noqa: SIM115


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the data set -----------------------------------------------------------------------------
def _drop_everything() -> None:
    if connection.vendor == "sqlite":
        connection.close()
        db = Path(settings.DATABASES["default"]["NAME"])
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


def prepare_data() -> dict:
    """Generate the scale's data set unless the database holds it already."""
    from property_service.benchdata import generated_scale

    try:
        current = generated_scale()
    except Exception:  # no tables yet
        current = None
    if current == SCALE and os.environ.get("FRESH") != "1":
        say(f"reusing the generated {SCALE} data set")
        return {"generated_now": False}
    say(f"generating the {SCALE} data set")
    _drop_everything()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("apply_roles", stdout=DEVNULL)
    call_command("load_standards", stdout=DEVNULL)
    call_command("generate_data", scale=SCALE, stdout=sys.stderr)
    return {"generated_now": True, "generate_seconds": round(time.perf_counter() - started, 1)}


# -- query plans ------------------------------------------------------------------------------
def table_sizes() -> dict[str, int]:
    from django.apps import apps

    sizes = {}
    for model in apps.get_app_config("property_service").get_models():
        sizes[model._meta.db_table] = model._base_manager.count()
    return sizes


def main_query(queries: list[dict], table: str) -> str | None:
    """The list's page query: the first SELECT of rows from ``table`` with a LIMIT, else (a
    list of a single page is read without one) the first with an ORDER BY."""
    quoted = (f"`{table}`", f'"{table}"')
    candidates = []
    for query in queries:
        sql = query["sql"]
        head = sql[: sql.find(" FROM ")] if " FROM " in sql else sql
        if (sql.startswith("SELECT") and "COUNT(" not in head.upper()
                and any(f"FROM {q}" in sql for q in quoted)):
            candidates.append(sql)
    for sql in candidates:
        if "LIMIT" in sql:
            return sql
    return next((sql for sql in candidates if "ORDER BY" in sql), None)


def explain(sql: str, sizes: dict[str, int]) -> dict:
    """The plan of ``sql`` and its warnings: a full scan of a large table, or a sort of
    rows of a large table (``Using filesort``, or a temporary table built while a small table
    drives a join with a large one)."""
    flags = []
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("EXPLAIN " + sql)
            columns = [c[0] for c in cursor.description]
            rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
            large_in_plan = any(sizes.get(r["table"], 0) >= LARGE_TABLE_ROWS for r in rows)
            for i, row in enumerate(rows):
                table, extra = row["table"], row.get("Extra") or ""
                large = sizes.get(table, 0) >= LARGE_TABLE_ROWS
                if row["type"] == "ALL" and large:
                    flags.append(f"type=ALL on {table} ({row['rows']} rows)")
                if "Using filesort" in extra and (large or (
                        i == 0 and "Using temporary" in extra and large_in_plan)):
                    flags.append(f"Using filesort over {table}"
                                 + (" (temporary table, join led by a small table)"
                                    if not large else ""))
            plan = [{k: r[k] for k in ("table", "type", "key", "rows", "Extra")} for r in rows]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [r[-1] for r in cursor.fetchall()]
            for detail in plan:
                match = re.match(r"SCAN (\S+)", detail)
                if match and sizes.get(match.group(1), 0) >= LARGE_TABLE_ROWS \
                        and "USING" not in detail:
                    flags.append(f"full scan of {match.group(1)}")
                if "TEMP B-TREE FOR ORDER BY" in detail:
                    flags.append("sort in a temporary b-tree (filesort)")
    return {"plan": plan, "flags": flags}


# -- measuring --------------------------------------------------------------------------------
def request(client, method: str, url: str, data=None):
    if method == "post":
        return client.post(url, data or {})
    return client.get(url)


def measure(client, url: str, *, method: str = "get", data=None, table: str | None = None,
            sizes=None) -> dict:
    connection.queries_log.clear()  # it keeps 9000 at most: room for this request's
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = request(client, method, url, data)
    warm_ms = (time.perf_counter() - started) * 1000
    # Read now: the next request clears the connection's query log.
    queries = list(captured.captured_queries)
    if response.status_code != 200:
        return {"status": response.status_code}
    repeat = REPEAT if warm_ms < SLOW_MS else SLOW_REPEAT if warm_ms < VERY_SLOW_MS else 0
    timings = [] if repeat else [warm_ms]
    for _ in range(repeat):
        started = time.perf_counter()
        response = request(client, method, url, data)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    counts = [q for q in queries if "COUNT(" in q["sql"].upper()]
    result = {
        "url": url,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(round(len(timings) * 0.95)) - 1)], 1),
        "repeat": repeat,  # 0: timed once, at the warm-up
        "queries": len(queries),
        "count_queries": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:400]}
                          for q in counts],
        # Where the time of a slow page goes.
        "slowest_queries": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:400]}
                            for q in sorted(queries, key=lambda q: -float(q["time"]))[:3]],
    }
    if table:
        sql = main_query(queries, table)
        result["main_query"] = sql[:1000] if sql else None
        result.update(explain(sql, sizes) if sql else {"plan": [], "flags": []})
    return result


def cursor_page(client, url: str, pages: int) -> str | None:
    started = time.perf_counter()
    body = client.get(url).json()
    if (time.perf_counter() - started) * 1000 > SLOW_MS:
        return None  # too slow to walk that deep
    for _ in range(pages - 1):
        if not body.get("next"):
            return None
        body = client.get(body["next"]).json()
    return body.get("next")


def pages_to_measure(user) -> list[tuple[str, str, dict]]:
    from property_service.access.scoping import scope
    from property_service.registry.models import Community, Resident
    from property_service.workorders.models import WorkOrder
    from property_service.workorders.selectors import queue_conditions

    # A deep page: four fifths of the way through the user's orders (50 a page).
    deep = max(2, min(100, scope(WorkOrder.objects.all(), user).count() // 50 * 4 // 5))
    order = WorkOrder.objects.filter(community__code="JXHY").order_by("pk")[
        WorkOrder.objects.filter(community__code="JXHY").count() // 2]
    resident = Resident.objects.filter(community__code="JXHY").order_by("pk").first()
    community = Community.objects.get(code="JXHY")
    month = timezone.localtime(order.reported_at)
    wo = "/admin/property_service/workorder/"
    pages = [
        ("admin home", "/admin/", {}),
        ("work orders", wo, {"table": "property_service_workorder"}),
    ]
    for queue in queue_conditions(user, timezone.now()):
        pages.append((f"work orders, queue {queue}", f"{wo}?queue={queue}",
                      {"table": "property_service_workorder"}))
    pages += [
        ("work orders, state in progress", f"{wo}?state__exact=in_progress",
         {"table": "property_service_workorder"}),
        ("work orders, search by number", f"{wo}?q={order.number}",
         {"table": "property_service_workorder"}),
        ("work orders, one month", f"{wo}?reported_at__year={month.year}"
                                   f"&reported_at__month={month.month}",
         {"table": "property_service_workorder"}),
        (f"work orders, page {deep}", f"{wo}?p={deep}",
         {"table": "property_service_workorder"}),
        ("complaints", "/admin/property_service/complaint/",
         {"table": "property_service_complaint"}),
        ("complaint figures", "/admin/property_service/complaint/figures/", {}),
        ("residents", "/admin/property_service/resident/",
         {"table": "property_service_resident"}),
        ("residents, search by phone", f"/admin/property_service/resident/?q={resident.phone}",
         {"table": "property_service_resident"}),
        ("units", "/admin/property_service/unit/", {"table": "property_service_unit"}),
        ("contracts", "/admin/property_service/contract/",
         {"table": "property_service_contract"}),
        ("renewal dashboard", "/admin/property_service/contract/renewals/", {}),
        ("api work orders", "/api/v1/work-orders/", {"table": "property_service_workorder"}),
        ("api work orders, cursor page 50", "cursor:/api/v1/work-orders/",
         {"table": "property_service_workorder"}),
        ("api complaints", "/api/v1/complaints/", {"table": "property_service_complaint"}),
        ("api residents", "/api/v1/residents/", {"table": "property_service_resident"}),
        ("api residents, cursor page 50", "cursor:/api/v1/residents/",
         {"table": "property_service_resident"}),
        ("api units", "/api/v1/units/", {"table": "property_service_unit"}),
        ("api contracts", "/api/v1/contracts/", {"table": "property_service_contract"}),
        ("export one community's work orders (csv)",
         f"{wo}export/?community__id__exact={community.pk}",
         {"method": "post", "data": {"format": "1"}}),
    ]
    return pages


def measure_pages(sizes, save, results) -> dict:
    for username in USERS:
        client = Client()
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        for name, url, options in pages_to_measure(user):
            if url.startswith("cursor:"):
                url = cursor_page(client, url.removeprefix("cursor:"), 50)
                if url is None:
                    results[f"{username}: {name}"] = {
                        "status": f"fewer than 50 pages, or the first slower than {SLOW_MS:.0f} ms"}
                    continue
            say(f"  {username}: {name}")
            results[f"{username}: {name}"] = measure(client, url, sizes=sizes, **options)
            save()  # what is measured so far, should a long run be stopped
    return results


def measure_jobs() -> dict:
    """Each periodic job, run twice: its first run here and the one after (nothing new)."""
    from property_service.schedules import SCHEDULES

    results = {}

    def stop(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    for job in SCHEDULES:
        runs = []
        for _ in range(2):
            executed = []

            def count(execute, sql, params, many, context, executed=executed):
                executed.append(1)
                return execute(sql, params, many, context)

            started = time.perf_counter()
            try:
                signal.alarm(JOB_TIMEOUT)
                with connection.execute_wrapper(count):
                    import_string(job.func)()
            except TimeoutError:
                runs.append({"ms": f"> {JOB_TIMEOUT * 1000}", "queries": f"{len(executed)}+"})
                continue
            finally:
                signal.alarm(0)
            runs.append({"ms": round((time.perf_counter() - started) * 1000, 1),
                         "queries": len(executed)})
        results[job.name] = {"first": runs[0], "second": runs[1]}
        say(f"  job {job.name}: {runs[0]['ms']} ms, then {runs[1]['ms']} ms")
    return results


# -- the report -------------------------------------------------------------------------------
def markdown(results: dict) -> str:
    head = (f"Scale **{results['scale']}** on {results['database']} "
            f"({results['rows']['property_service_workorder']:,} work orders, "
            f"{results['rows']['property_service_complaint']:,} complaints, "
            f"{results['rows']['property_service_resident']:,} residents, "
            f"{results['rows']['property_service_unit']:,} units), {results['date']}. "
            f"Median and p95 of {REPEAT} requests after a warm-up ({SLOW_REPEAT} where marked *, "
            "the warm-up alone where marked **); "
            "queries of one request, of which COUNT; plan warnings of the list's main query.")
    lines = [head, "", "| page | user | median ms | p95 ms | queries | COUNT | plan warnings |",
             "|---|---|---:|---:|---:|---:|---|"]
    for key, row in results["pages"].items():
        user, name = key.split(": ", 1)
        if "median_ms" not in row:
            lines.append(f"| {name} | {user} | – | – | – | – | status {row['status']} |")
            continue
        star = "*" if 0 < row["repeat"] < REPEAT else "**" if row["repeat"] == 0 else ""
        flags = "; ".join(row.get("flags", [])) or ""
        lines.append(f"| {name} | {user} | {row['median_ms']}{star} | {row['p95_ms']} | "
                     f"{row['queries']} | {len(row['count_queries'])} | {flags} |")
    lines += ["", "| periodic job | first run ms | queries | second run ms | queries |",
              "|---|---:|---:|---:|---:|"]
    for name, job in results["jobs"].items():
        lines.append(f"| {name} | {job['first']['ms']} | {job['first']['queries']} | "
                     f"{job['second']['ms']} | {job['second']['queries']} |")
    return "\n".join(lines) + "\n"


def main():
    setup_test_environment()
    data = prepare_data()
    sizes = table_sizes()
    database = connection.vendor
    if database == "mysql" and connection.mysql_is_mariadb:
        database = "MariaDB " + ".".join(str(n) for n in connection.mysql_version)
    results = {"scale": SCALE, "database": database, "date": str(timezone.localdate()),
               "repeat": REPEAT, **data,
               "rows": {k: v for k, v in sizes.items() if v}}
    RESULTS.mkdir(exist_ok=True)
    # MariaDB's results are the reference; the embedded database's get their own files.
    suffix = "" if connection.vendor == "mysql" else f"-{connection.vendor}"
    results["pages"], results["jobs"] = {}, {}

    def save():
        results["peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        (RESULTS / f"{SCALE}{suffix}.json").write_text(
            json.dumps(results, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        (RESULTS / f"{SCALE}{suffix}.md").write_text(markdown(results), encoding="utf-8")

    say("pages")
    measure_pages(sizes, save, results["pages"])
    say("periodic jobs")
    results["jobs"] = measure_jobs()
    save()
    print(markdown(results))
    say(f"written to {RESULTS / f'{SCALE}{suffix}.json'} and .md")


if __name__ == "__main__":
    main()
