"""Throughput and memory of the back office's exports and imports, each measured in a fresh
process (its peak resident memory is the request's, not that of whatever ran before).

    from benchmarks.exports import measure_export, measure_import
    measure_export(query="?community__id__exact=3")        # work orders, xlsx, as "admin"
    measure_export(model="resident", fmt="csv")
    measure_import(rows=10_000)                              # rolled back afterwards

Or from a shell (SITE and DATABASE_URL as for `make bench`):
    uv run --no-sync python -m benchmarks.exports export workorder xlsx '?community__id__exact=3'
    uv run --no-sync python -m benchmarks.exports import 10000

Each returns a dict: rows, seconds, rows_per_s, cpu_seconds and rows_per_cpu_s (this process's
CPU time, steadier than wall time on a busy machine), queries, peak_rss_mib (the process's
peak) and base_rss_mib (its peak before the request, after Django and a first small export).
An import is run through the admin's import page (preview, then confirm) inside a transaction
that is rolled back at the end, so it leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FORMATS = {"xlsx": "0", "csv": "1"}  # IMPORT_EXPORT_FORMATS order
ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> dict:
    env = {**os.environ, "SITE": os.environ.get("SITE", "bench")}
    done = subprocess.run([sys.executable, "-m", "benchmarks.exports", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_export(model: str = "workorder", fmt: str = "xlsx", query: str = "",
                   username: str = "admin") -> dict:
    """Export the admin list of ``model`` (filtered by ``query``, e.g.
    ``?community__id__exact=3``) as ``username`` sees it."""
    return _run("export", model, fmt, query, username)


def measure_import(rows: int = 10_000, username: str = "admin") -> dict:
    """Import ``rows`` new residents from an xlsx file through the admin (preview + confirm);
    rolled back afterwards."""
    return _run("import", str(rows), username)


# -- in the measuring process -----------------------------------------------------------------
def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mib() -> float:
    """This process's peak resident memory (MiB): Linux's ``VmHWM``, which starts afresh with
    the process's own memory. ``getrusage``'s ``ru_maxrss`` does not: it keeps the peak of the
    parent it was forked from (the benchmark's own process, hundreds of MiB at the large
    scale), so a small export would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


class _Counter:
    """Counts the queries run on the connection (without keeping them)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _xlsx(rows: list[list]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _body(response, target=None) -> int:
    """Read the response as a browser does, into ``target`` (a file) if given; its size."""
    chunks = response.streaming_content if response.streaming else [response.content]
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return size


def _count_rows(target, fmt: str) -> int:
    import io

    target.seek(0)
    if fmt == "csv":
        import csv

        return sum(1 for _ in csv.reader(io.TextIOWrapper(target, encoding="utf-8"))) - 1
    import openpyxl

    sheet = openpyxl.load_workbook(target, read_only=True).active
    return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1


def _export(model: str, fmt: str, query: str, username: str) -> dict:
    import tempfile
    import time

    from django.db import connection

    client = _client(username)
    url = f"/admin/property_service/{model}/export/"
    # A first tiny export loads the code and templates an export needs.
    _body(client.post(url + "?id__exact=0", {"format": FORMATS[fmt]}))
    base = _peak_rss_mib()
    started, cpu = time.perf_counter(), _cpu_seconds()
    queries = _Counter()
    # The file goes to disk as it arrives, as a browser saves it: not into this process's memory.
    target = tempfile.TemporaryFile()
    with connection.execute_wrapper(queries):
        response = client.post(url + query, {"format": FORMATS[fmt]})
        size = _body(response, target)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    peak = _peak_rss_mib()
    assert response.status_code == 200, response.status_code
    rows = _count_rows(target, fmt)
    return {"model": model, "format": fmt, "query": query, "rows": rows,
            "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            # This process's CPU time: a figure less sensitive to a busy machine.
            "cpu_seconds": round(cpu, 2), "rows_per_cpu_s": round(rows / cpu),
            "queries": queries.count, "bytes": size, "base_rss_mib": base,
            "peak_rss_mib": peak}


def _id_number(serial: int) -> str:
    from property_service.core.validators import id_number_check_code

    # Born 1950-2009, any day of the year's first 28 of each month: unlikely to exist already.
    year, month, day = 1950 + serial % 60, 1 + serial // 60 % 12, 1 + serial // 720 % 28
    first17 = f"990101{year:04d}{month:02d}{day:02d}{serial // 20160 % 1000:03d}"
    return first17 + id_number_check_code(first17)


def _import(count: int, username: str) -> dict:
    import time

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from property_service.access.scoping import scope
    from property_service.registry.models import Community, Resident

    client = _client(username)
    user = get_user_model().objects.get(username=username)
    community = scope(Community.objects.order_by("pk"), user).first()
    rows = [["community", "name", "phone", "id_number", "email", "language", "note"]]
    rows += [[community.code, f"导入测试{n}", f"139{n:08d}", _id_number(n), "", "", ""]
             for n in range(count)]
    content = _xlsx(rows)
    url = "/admin/property_service/resident/"
    result = {"rows": count}
    with transaction.atomic():
        before = Resident.objects.count()
        started = time.perf_counter()
        queries = _Counter()
        with connection.execute_wrapper(queries):
            preview = client.post(url + "import/", {
                "import_file": SimpleUploadedFile("residents.xlsx", content),
                "format": FORMATS["xlsx"]})
        result["preview_seconds"] = round(time.perf_counter() - started, 2)
        result["preview_queries"] = queries.count
        assert preview.status_code == 200, preview.status_code
        confirm = preview.context["confirm_form"].initial
        started, cpu = time.perf_counter(), _cpu_seconds()
        queries = _Counter()
        with connection.execute_wrapper(queries):
            done = client.post(url + "process_import/", confirm)
        result["confirm_seconds"] = round(time.perf_counter() - started, 2)
        result["confirm_cpu_seconds"] = round(_cpu_seconds() - cpu, 2)
        result["confirm_queries"] = queries.count
        assert done.status_code == 302, done.status_code
        result["imported"] = Resident.objects.count() - before
        transaction.set_rollback(True)
    result["rows_per_s"] = round(count / result["confirm_seconds"])
    result["rows_per_cpu_s"] = round(count / result["confirm_cpu_seconds"])
    result["preview_rows_per_s"] = round(count / result["preview_seconds"])
    result["peak_rss_mib"] = _peak_rss_mib()
    return result


def main(argv: list[str]) -> None:
    _setup()
    if argv[0] == "export":
        model, fmt, query, username = argv[1:] + ["workorder", "xlsx", "", "admin"][len(argv) - 1:]
        result = _export(model, fmt, query, username)
    else:
        count = int(argv[1]) if len(argv) > 1 else 10_000
        result = _import(count, argv[2] if len(argv) > 2 else "admin")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
