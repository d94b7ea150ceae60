"""The scale targets read off the benchmark's results: large ÷ small per page, the same query
count at both scales, deep page ÷ first page, restricted user ÷ superuser, and how many pages
meet their bare-SQL target. Written to benchmarks/results/summary.md by `make bench` once a
scale's results are in (both scales' figures where both exist), or by hand:

    uv run --no-sync python -m benchmarks.compare
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks import checks

RESULTS = Path(__file__).parent / "results"
SUPERUSER, RESTRICTED = "admin", "cs_agent"


def _timed(pages: dict) -> dict:
    return {key: row for key, row in pages.items() if "p95_ms" in row}


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "–"
    return "yes" if value <= limit else "**no**"


def _named(keys: list[str], limit: int = 10) -> str:
    """The keys, when few enough to read in one line (the tables have them all)."""
    return f" ({', '.join(keys)})" if 0 < len(keys) <= limit else ""


def _tally(values: list[float | None], limit: float) -> str:
    known = [v for v in values if v is not None]
    within = sum(v <= limit for v in known)
    return f"{within} of {len(known)} within {limit:g}×"


def across_scales(small: dict, large: dict) -> list[str]:
    small_pages, large_pages = small["pages"], large["pages"]
    lines = ["| page | user | small p95 ms | large p95 ms | large ÷ small | ≤ "
             f"{checks.LARGE_OVER_SMALL:g}× | queries small | queries large | same count |",
             "|---|---|---:|---:|---:|---|---:|---:|---|"]
    ratios, same = [], []
    for key, big in large_pages.items():
        little = small_pages.get(key)
        if little is None or "queries" not in big or "queries" not in little:
            continue
        user, name = key.split(": ", 1)
        r = checks.ratio(big.get("p95_ms"), little.get("p95_ms"))
        ratios.append(r)
        equal = big["queries"] == little["queries"]
        same.append(equal)
        lines.append(f"| {name} | {user} | {little.get('p95_ms', '–')} | "
                     f"{big.get('p95_ms', '–')} | {'–' if r is None else r} | "
                     f"{_verdict(r, checks.LARGE_OVER_SMALL)} | {little['queries']} | "
                     f"{big['queries']} | {'yes' if equal else '**no**'} |")
    head = [f"Large ÷ small p95: {_tally(ratios, checks.LARGE_OVER_SMALL)}; "
            f"the same query count at both scales: {sum(same)} of {len(same)} pages.", ""]
    return head + lines


def jobs_across_scales(small: dict, large: dict) -> list[str]:
    """Each periodic job's run after the first (nothing new: its steady state) at both scales."""
    lines = [f"| periodic job | small ms | large ms | large ÷ small | ≤ "
             f"{checks.LARGE_OVER_SMALL:g}× |", "|---|---:|---:|---:|---|"]
    ratios = []
    for name, big in large.get("jobs", {}).items():
        little = small.get("jobs", {}).get(name)
        if little is None:
            continue
        values = [run["second"]["ms"] for run in (little, big)]
        if not all(isinstance(v, int | float) for v in values):
            lines.append(f"| {name} | {values[0]} | {values[1]} | – | – |")
            continue
        r = checks.ratio(values[1], values[0])
        ratios.append(r)
        lines.append(f"| {name} | {values[0]} | {values[1]} | {r} | "
                     f"{_verdict(r, checks.LARGE_OVER_SMALL)} |")
    return [f"Periodic jobs, large ÷ small: {_tally(ratios, checks.LARGE_OVER_SMALL)}.",
            ""] + lines


def deep_pages(results: dict) -> list[str]:
    pages = _timed(results["pages"])
    lines = [f"| page | user | depth | first p95 ms | deep p95 ms | deep ÷ first | ≤ "
             f"{checks.DEEP_OVER_FIRST:g}× |", "|---|---|---|---:|---:|---:|---|"]
    ratios = []
    for key, row in pages.items():
        if not row.get("first"):
            continue
        user, name = key.split(": ", 1)
        first = pages.get(f"{user}: {row['first']}")
        if first is None:
            continue
        r = checks.ratio(row["p95_ms"], first["p95_ms"])
        ratios.append(r)
        depth = row.get("depth") or row["url"].rsplit("p=", 1)[-1]
        lines.append(f"| {name} | {user} | {depth} | {first['p95_ms']} | {row['p95_ms']} | "
                     f"{r} | {_verdict(r, checks.DEEP_OVER_FIRST)} |")
    return [f"Deep page ÷ first page: {_tally(ratios, checks.DEEP_OVER_FIRST)}.", ""] + lines


def restricted_pages(results: dict) -> list[str]:
    pages = _timed(results["pages"])
    lines = [f"| page | {SUPERUSER} p95 ms | {RESTRICTED} p95 ms | {RESTRICTED} ÷ {SUPERUSER} "
             f"| ≤ {checks.RESTRICTED_OVER_SUPERUSER:g}× |", "|---|---:|---:|---:|---|"]
    ratios = []
    for key, row in pages.items():
        user, name = key.split(": ", 1)
        if user != SUPERUSER or f"{RESTRICTED}: {name}" not in pages:
            continue
        restricted = pages[f"{RESTRICTED}: {name}"]
        r = checks.ratio(restricted["p95_ms"], row["p95_ms"])
        ratios.append(r)
        lines.append(f"| {name} | {row['p95_ms']} | {restricted['p95_ms']} | {r} | "
                     f"{_verdict(r, checks.RESTRICTED_OVER_SUPERUSER)} |")
    return [f"Restricted user ÷ superuser: "
            f"{_tally(ratios, checks.RESTRICTED_OVER_SUPERUSER)}.", ""] + lines


def bare_targets(results: dict) -> str:
    verdicts = [row.get("meets_target") for row in _timed(results["pages"]).values()]
    known = [v for v in verdicts if v is not None]
    missed = [key for key, row in _timed(results["pages"]).items()
              if row.get("meets_target") is False]
    flagged = [key for key, row in results["pages"].items() if row.get("flags")]
    text = (f"Page p95 ≤ {checks.BARE_FACTOR:g}× bare SQL p95 (or ≤ +{checks.BARE_MARGIN_MS:g} "
            f"ms): {sum(known)} of {len(known)} pages"
            + (f"; not{_named(missed)}" if 0 < len(missed) <= 10 else "") + ". "
            f"Lists whose main query scans or sorts a large table: {len(flagged)}"
            + _named(flagged) + ".")
    return text


def orientation(results: dict) -> str:
    """The pages over the orientation figures for this machine: lists 300 ms, API 150 ms."""
    over = []
    for key, row in _timed(results["pages"]).items():
        name = key.split(": ", 1)[1]
        if "main_query" not in row:
            continue  # not a list
        limit = checks.API_MS if name.startswith("api ") else checks.LIST_MS
        if row["p95_ms"] > limit:
            over.append(f"{key} ({row['p95_ms']:g} ms)")
    return (f"Lists over {checks.LIST_MS:g} ms p95 or API lists over {checks.API_MS:g} ms: "
            f"{len(over)}" + _named(over) + ".")


def summary(by_scale: dict[str, dict]) -> str:
    lines = ["# Benchmark summary: the scale targets", ""]
    for scale, results in by_scale.items():
        lines += [f"Scale **{scale}** ({results['database']}, {results['date']}): "
                  + bare_targets(results) + " " + orientation(results), ""]
    both = "small" in by_scale and "large" in by_scale
    if both and by_scale["small"].get("harness") != by_scale["large"].get("harness"):
        lines += ["The two scales' results come from different versions of the benchmark: "
                  "run both again to compare them.", ""]
    elif both:
        lines += ["## Large ÷ small", ""] + across_scales(by_scale["small"], by_scale["large"])
        lines += [""] + jobs_across_scales(by_scale["small"], by_scale["large"]) + [""]
    for scale, results in by_scale.items():
        lines += [f"## Deep page ÷ first page ({scale})", ""] + deep_pages(results) + [""]
        lines += [f"## Restricted ÷ superuser ({scale})", ""] + restricted_pages(results)
        lines.append("")
    return "\n".join(lines)


def write_summary(directory: Path = RESULTS, suffix: str = "") -> Path | None:
    by_scale = {}
    for scale in ("small", "large"):
        path = directory / f"{scale}{suffix}.json"
        if path.exists():
            results = json.loads(path.read_text(encoding="utf-8"))
            if "pages" in results:
                by_scale[scale] = results
    if not by_scale:
        return None
    target = directory / f"summary{suffix}.md"
    target.write_text(summary(by_scale), encoding="utf-8")
    return target


if __name__ == "__main__":
    written = write_summary(RESULTS, sys.argv[1] if len(sys.argv) > 1 else "")
    print(written or "no results to compare", file=sys.stderr)
