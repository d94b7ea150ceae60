"""The scale targets read off the benchmark's results: large ÷ small per page, the same query
count at both scales, deep page ÷ first page, restricted user ÷ superuser, how many pages
meet their bare-SQL target, and the exports' and import's rows/s and memory. Written to
benchmarks/results/summary.md by `make bench` once a scale's results are in (both scales'
figures where both exist), or by hand:

    uv run --no-sync python -m benchmarks.compare
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks import checks

RESULTS = Path(__file__).parent / "results"
SUPERUSER, RESTRICTED = "admin", "cs_agent"
# The export whose memory is compared across scales (benchmarks/run.py measures it).
EVERY_ORDER = "export every work order (xlsx)"


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


def _own_process(results: dict) -> dict:
    return {key: row for key, row in results.get("exports", {}).items()
            if row.get("own_process")}


def export_targets(results: dict) -> str:
    """How many of the exports and imports measured in their own process meet their rows/s."""
    verdicts = {key.removesuffix(", own process"): _rate_verdict(row)
                for key, row in _own_process(results).items()}
    held = {key: meets for key, meets in verdicts.items() if meets is not None}
    if not held:
        return ""
    missed = [key for key, meets in held.items() if not meets]
    return (f"Exports and imports at their target ({checks.RATE_TARGETS_TEXT}): "
            f"{len(held) - len(missed)} of {len(held)}" + (f"; not{_named(missed)}" if missed
                                                            else "") + ".")


def _rate_verdict(row: dict) -> bool | None:
    if "rows_per_s" not in row:
        return False  # the measurement failed
    return checks.meets_rate(row["rows_per_s"], row["rows"], imports=bool(row.get("import")))


def exports_by_scale(by_scale: dict[str, dict]) -> list[str]:
    """The exports and imports measured in their own process at each scale: rows/s, rows per
    CPU second, peak RSS; and whether the export of every work order takes as much memory at
    the large scale as at the small one (``checks.memory_is_flat``)."""
    keys = list(dict.fromkeys(key for results in by_scale.values()
                              for key in _own_process(results)))
    if not keys:
        return []
    scales = list(by_scale)
    lines = ["| export or import | " + " | ".join(
        f"{scale} rows | {scale} rows/s | {scale} rows per CPU s | {scale} peak RSS MiB"
        for scale in scales) + " |", "|---|" + "---:|---:|---:|---:|" * len(scales)]
    for key in keys:
        cells = []
        for scale in scales:
            row = _own_process(by_scale[scale]).get(key, {})
            if "rows_per_s" not in row:
                cells.append("– | – | – | –" if not row else "failed | – | – | –")
                continue
            verdict = " **(below target)**" if _rate_verdict(row) is False else ""
            cells.append(f"{row['rows']:,} | {row['rows_per_s']:,}{verdict} | "
                         f"{row['rows_per_cpu_s']:,} | {row['peak_rss_mib']}")
        lines.append(f"| {key.removesuffix(', own process')} | " + " | ".join(cells) + " |")
    every = [_own_process(by_scale.get(scale, {})).get(f"admin: {EVERY_ORDER}, own process", {})
             for scale in ("small", "large")]
    if all("peak_rss_mib" in row for row in every):
        small, large = every
        flat = checks.memory_is_flat(small["peak_rss_mib"], large["peak_rss_mib"])
        lines += ["", f"Memory of the export of every work order: {small['peak_rss_mib']} MiB "
                      f"for {small['rows']:,} rows, {large['peak_rss_mib']} MiB for "
                      f"{large['rows']:,}: within {checks.FLAT_MEMORY_MIB:g} MiB: "
                      f"{'yes' if flat else '**no**'}."]
    return lines


def summary(by_scale: dict[str, dict]) -> str:
    lines = ["# Benchmark summary: the scale targets", ""]
    for scale, results in by_scale.items():
        lines += [f"Scale **{scale}** ({results['database']}, {results['date']}): "
                  + bare_targets(results) + " " + orientation(results)
                  + (" " + export_targets(results) if export_targets(results) else ""), ""]
    both = "small" in by_scale and "large" in by_scale
    if both and by_scale["small"].get("harness") != by_scale["large"].get("harness"):
        lines += ["The two scales' results come from different versions of the benchmark: "
                  "run both again to compare them.", ""]
    elif both:
        lines += ["## Large ÷ small", ""] + across_scales(by_scale["small"], by_scale["large"])
        lines += [""] + jobs_across_scales(by_scale["small"], by_scale["large"]) + [""]
    exports = exports_by_scale(by_scale)
    if exports:
        lines += ["## Exports and imports", ""] + exports + [""]
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
