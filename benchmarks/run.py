"""Benchmarks on the demo data (registry, work orders, complaints, contracts): latency, queries,
memory.

Run with `make bench` (site `bench`, a fresh embedded database each run). Results are written to
benchmarks/results/registry.json and printed.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
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

RESULTS = Path(__file__).parent / "results" / "registry.json"
REPEAT = 20


def fresh_database():
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        db = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("apply_roles", stdout=open(os.devnull, "w"))
    call_command("load_standards", stdout=open(os.devnull, "w"))
    started = time.perf_counter()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return time.perf_counter() - started


def measure(client, url):
    timings, queries = [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "queries": queries,
    }


def bench_renewal_scan(count: int) -> dict:
    """The nightly renewal scan over ``count`` contracts ending within the next year (about
    half of them cross a threshold): its time and number of queries."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from property_service.contracts.models import Contract
    from property_service.registry.models import Community
    from property_service.renewals.scan import run_renewal_scan

    today = timezone.localdate()
    community = Community.objects.get(code="JXHY")
    finance = get_user_model().objects.get(username="finance")
    Contract.objects.bulk_create([
        Contract(community=community, kind="other", number=f"BENCH-{i:05d}",
                 counterparty="基准测试供应商", start_date=today - datetime.timedelta(days=400),
                 end_date=today + datetime.timedelta(days=i % 365), value=1,
                 responsible=finance, state="active") for i in range(count)], batch_size=1000)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        outcome = run_renewal_scan(today=today)
    return {"contracts": count, "ms": round((time.perf_counter() - started) * 1000, 1),
            "queries": len(queries), "outcome": outcome["contract"]}


def main():
    setup_test_environment()
    load_seconds = fresh_database()
    from property_service.registry.models import Resident, Unit

    unit = Unit.objects.filter(building__community__code="JXHY").first()
    resident = Resident.objects.filter(community__code="JXHY").first()
    pages = {
        "admin unit list": "/admin/property_service/unit/",
        "admin unit list, search": "/admin/property_service/unit/?q=1201",
        "admin unit page": f"/admin/property_service/unit/{unit.pk}/change/",
        "admin resident list": "/admin/property_service/resident/",
        "admin resident page": f"/admin/property_service/resident/{resident.pk}/change/",
        "admin occupancy list": "/admin/property_service/occupancy/",
        "admin work order list": "/admin/property_service/workorder/",
        "admin work order queue: overdue": "/admin/property_service/workorder/?queue=overdue",
        "api work orders": "/api/v1/work-orders/",
        "admin complaint list": "/admin/property_service/complaint/",
        "admin complaint figures": "/admin/property_service/complaint/figures/",
        "api complaints": "/api/v1/complaints/",
        "api units (50)": "/api/v1/units/",
        "api residents (50)": "/api/v1/residents/",
        "api residents, deep cursor page": None,
    }
    results = {"load_demo_seconds": round(load_seconds, 2),
               "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
               "repeat": REPEAT, "pages": {}}
    # Contracts are for management and finance, not the customer-service desk.
    contract_pages = {
        "admin contract list": "/admin/property_service/contract/",
        "admin renewal dashboard": "/admin/property_service/contract/renewals/",
        "api contracts": "/api/v1/contracts/",
    }
    for username in ("admin", "finance"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for name, url in contract_pages.items():
            results["pages"][f"{username}: {name}"] = measure(client, url)
    for username in ("admin", "cs_agent"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for name, url in pages.items():
            if url is None:
                body = client.get("/api/v1/residents/?page_size=50").json()
                for _ in range(8):
                    body = client.get(body["next"]).json()
                url = body["next"]
            results["pages"][f"{username}: {name}"] = measure(client, url)
    from property_service.workorders.jobs import chase_work_orders

    started = time.perf_counter()
    chase_work_orders()
    results["chase_work_orders_ms"] = round((time.perf_counter() - started) * 1000, 1)
    from property_service.complaints.jobs import chase_complaints

    started = time.perf_counter()
    chase_complaints()
    results["chase_complaints_ms"] = round((time.perf_counter() - started) * 1000, 1)
    results["renewal_scan"] = bench_renewal_scan(10_000)
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
