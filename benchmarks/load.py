"""A load run (`make load`): gunicorn (config/gunicorn.conf.py) serving the site on 127.0.0.1,
locust (benchmarks/locustfile.py) sending it mixed traffic headless for a bounded time, then
both stopped. Writes benchmarks/results/load-<scale>.json and .md: per request and per group
(staff, portal, api) the requests, failures, throughput and p50/p95; exits non-zero when any
request failed or the server did not start.

The site's database must hold a generated data set (`manage.py generate_data --scale small`);
its scale names the results. Settings from the environment: LOAD_USERS (20), LOAD_SPAWN_RATE
(5 users/s), LOAD_RUN_TIME (3m), LOAD_PORT (8765), GUNICORN_WORKERS (gunicorn.conf's default).
Only 127.0.0.1 is ever a target.
"""

from __future__ import annotations

import json
import math
import os
import platform
import runpy
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
GROUPS = ("staff", "portal", "api")


def _scale() -> str:
    """The generated data set's scale, read from the site's database."""
    code = ("import django; django.setup(); "
            "from property_service.benchdata import generated_scale; print(generated_scale())")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE":
                                            "config.settings"}, timeout=120)
    if result.returncode != 0:
        sys.exit(f"The site's database could not be read:\n{result.stderr[-2000:]}")
    scale = result.stdout.strip().splitlines()[-1]
    if scale == "None":
        sys.exit("The site's database holds no generated data: run "
                 "`manage.py generate_data --scale small` on it first (see the README).")
    return scale


def _wait_until_serving(url: str, server: subprocess.Popen, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/health/", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers (503: a part is down, which the run will show)
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer on {url} within {seconds} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def percentile(times: list[float], share: float) -> float | None:
    """The nearest-rank percentile of ``times`` (``share`` of 1)."""
    if not times:
        return None
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarize(samples: list[tuple[str, float, bool]], seconds: float) -> dict:
    """Per request name and per group (the name's prefix): requests, failures, req/s, p50, p95
    (ms)."""
    by_name, by_group = defaultdict(list), defaultdict(list)
    for name, milliseconds, ok in samples:
        by_name[name].append((milliseconds, ok))
        by_group[name.split(":", 1)[0]].append((milliseconds, ok))

    def row(entries):
        times = [ms for ms, _ok in entries]
        return {"requests": len(entries), "failures": sum(not ok for _ms, ok in entries),
                "req_per_s": round(len(entries) / seconds, 2) if seconds else None,
                "p50_ms": _round(percentile(times, 0.50)),
                "p95_ms": _round(percentile(times, 0.95))}

    everything = [(ms, ok) for _name, ms, ok in samples]
    return {"total": row(everything),
            "groups": {group: row(by_group[group]) for group in GROUPS if group in by_group},
            "requests": {name: row(entries) for name, entries in sorted(by_name.items())}}


def _round(value):
    return None if value is None else round(value)


def markdown(result: dict) -> str:
    run = result["run"]
    lines = [
        f"# Load run, {result['scale']} data set",
        "",
        f"{run['started']}, {run['seconds']} s: {run['users']} users (spawned {run['spawn_rate']}/s"
        f"; staff 3 : portal 2 : api 2), gunicorn with {run['gunicorn_workers']} workers on "
        f"{run['machine']} (load average {run['load_average'][0]} before, "
        f"{run['load_average'][1]} after), database {run['database']}. Times in ms.",
        "",
        "| group | requests | failures | req/s | p50 | p95 |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in [*result["groups"].items(), ("all", result["total"])]:
        lines.append(f"| {name} | {row['requests']} | {row['failures']} | {row['req_per_s']} "
                     f"| {row['p50_ms']} | {row['p95_ms']} |")
    lines += ["", "| request | requests | failures | req/s | p50 | p95 |",
              "|---|---|---|---|---|---|"]
    for name, row in result["requests"].items():
        lines.append(f"| {name} | {row['requests']} | {row['failures']} | {row['req_per_s']} "
                     f"| {row['p50_ms']} | {row['p95_ms']} |")
    if result.get("errors"):
        lines += ["", "Failures:", ""] + [f"- {error}" for error in result["errors"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    scale = _scale()
    users = int(os.environ.get("LOAD_USERS", "20"))
    spawn_rate = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
    run_time = os.environ.get("LOAD_RUN_TIME", "3m")
    port = int(os.environ.get("LOAD_PORT", "8765"))
    url = f"http://127.0.0.1:{port}"
    workers = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["workers"]

    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        folder = Path(folder)
        samples_file, csv_prefix = folder / "samples.json", folder / "locust"
        server_log = (folder / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"], cwd=ROOT,
            env={**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_until_serving(url, server)
            print(f"load: {users} users for {run_time} on {url} ({scale} data set)", flush=True)
            started, load_before = time.time(), os.getloadavg()[0]
            locust = subprocess.run(
                [sys.executable, "-m", "locust", "-f", "benchmarks/locustfile.py", "--headless",
                 "--host", url, "-u", str(users), "-r", str(spawn_rate), "--run-time", run_time,
                 "--stop-timeout", "10", "--only-summary", "--csv", str(csv_prefix),
                 "--loglevel", "WARNING"],
                cwd=ROOT, env={**os.environ, "LOAD_SAMPLES": str(samples_file)},
                timeout=_seconds(run_time) + 300)
            seconds, load_after = time.time() - started, os.getloadavg()[0]
        finally:
            _stop(server)
            server_log.close()
        samples = json.loads(samples_file.read_text()) if samples_file.exists() else []
        failures_csv = Path(f"{csv_prefix}_failures.csv")
        errors = failures_csv.read_text().splitlines()[1:] if failures_csv.exists() else []
        server_errors = [line for line in (folder / "gunicorn.log").read_text().splitlines()
                         if "Traceback" in line or "[ERROR]" in line]

    database = os.environ.get("DATABASE_URL", "")
    result = {
        "scale": scale,
        "run": {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
                "seconds": round(seconds), "users": users, "spawn_rate": spawn_rate,
                "run_time": run_time,
                "gunicorn_workers": workers,
                "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}",
                # The machine's load average (1 min) before and after: others' work included.
                "load_average": [round(load_before, 1), round(load_after, 1)],
                "database": "MariaDB" if database.startswith("mysql") else
                            (database.split(":", 1)[0] or "SQLite")},
        **summarize(samples, seconds),
        "errors": errors + server_errors[:20],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"load-{scale}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"load-{scale}.md").write_text(markdown(result))
    print(markdown(result))
    failed = result["total"]["failures"] or locust.returncode != 0 or not samples
    if failed:
        print(f"load: FAILED ({result['total']['failures']} failed requests, locust exit "
              f"{locust.returncode})", file=sys.stderr)
    return 1 if failed else 0


def _seconds(run_time: str) -> int:
    """Locust's ``--run-time`` (``90``, ``3m``, ``1h30m``, ``2m30s``) in seconds."""
    total, number = 0, ""
    for char in run_time:
        if char.isdigit():
            number += char
        else:
            total += int(number or 0) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
    return total + int(number or 0)


if __name__ == "__main__":
    sys.exit(main())
