"""The benchmark's verdicts (benchmarks/checks.py): which query plans are flagged, how query
counts compare with the baseline, the targets. Pure functions: no database needed."""

from benchmarks import checks
from benchmarks.compare import (
    EVERY_ORDER,
    across_scales,
    deep_pages,
    export_targets,
    exports_by_scale,
    jobs_across_scales,
    restricted_pages,
    summary,
)

WO = "property_service_workorder"
SIZES = {WO: 1_000_000, "property_service_community": 50, "property_service_unit": 100_000}


def row(table, type_, rows, extra="", key=None):
    return {"table": table, "type": type_, "key": key, "rows": rows, "Extra": extra}


def test_a_full_scan_of_a_large_table_is_flagged():
    flags = checks.plan_flags([row(WO, "ALL", 998_000, "Using where")], SIZES)
    assert flags == [f"type=ALL on {WO} (998000 rows)"]


def test_a_read_through_an_index_is_not_flagged():
    plan = [row(WO, "index", 50, "Using index", key="workorder_reported_idx")]
    assert checks.plan_flags(plan, SIZES) == []
    plan = [row(WO, "ref", 20_000, "Using where", key="workorder_community_rep_idx")]
    assert checks.plan_flags(plan, SIZES) == []


def test_a_full_scan_of_a_small_table_is_not_flagged():
    plan = [row("property_service_community", "ALL", 50), row(WO, "ref", 20_000, key="x")]
    assert checks.plan_flags(plan, SIZES) == []


def test_sorting_a_large_share_of_a_large_table_is_flagged_a_few_rows_are_not():
    many = [row(WO, "ref", 200_000, "Using where; Using filesort", key="state")]
    assert checks.plan_flags(many, SIZES) == [f"Using filesort over {WO} (200000 rows)"]
    few = [row(WO, "range", 3, "Using index condition; Using filesort", key="number")]
    assert checks.plan_flags(few, SIZES) == []


def test_a_join_led_by_a_small_table_into_a_sorted_temporary_table_is_flagged():
    plan = [row("property_service_community", "ALL", 50, "Using temporary; Using filesort"),
            row(WO, "ref", 20_000, key="community_id")]
    assert checks.plan_flags(plan, SIZES) == [
        "Using filesort over property_service_community (temporary table, join led by a "
        "small table)"]
    # The same plan over small tables only is no problem.
    assert checks.plan_flags(plan[:1], SIZES) == []


def test_a_join_led_by_a_small_table_into_a_few_rows_is_not_flagged():
    # Two buildings' units: about 70 rows sorted, of 100,000.
    plan = [row("property_service_building", "range", 2, "Using where; Using temporary; "
                "Using filesort", key="PRIMARY"),
            row("property_service_community", "eq_ref", 1, key="PRIMARY"),
            row("property_service_unit", "ref", 35, "Using index", key="building_number")]
    assert checks.plan_flags(plan, SIZES) == []
    # Every unit of the company's buildings: sorted all the same.
    plan[0] = row("property_service_building", "index", 1_400, "Using temporary; "
                  "Using filesort", key="PRIMARY")
    assert checks.plan_flags(plan, SIZES) == [
        "Using filesort over property_service_building (temporary table, join led by a "
        "small table)"]


def test_an_alias_counts_as_its_table():
    sql = (f"SELECT * FROM `{WO}` INNER JOIN `property_service_unit` T5 ON "
           f"(`{WO}`.`unit_id` = T5.`id`)")
    aliases = checks.table_aliases(sql)
    assert aliases == {"T5": "property_service_unit"}
    plan = [row(WO, "index", 50, key="PRIMARY"), row("T5", "ALL", 99_000)]
    assert checks.plan_flags(plan, SIZES, aliases=aliases) == [
        "type=ALL on property_service_unit (99000 rows)"]


def test_sqlite_plans_are_flagged_the_same_way():
    assert checks.sqlite_plan_flags([f"SCAN {WO}"], SIZES) == [f"full scan of {WO}"]
    assert checks.sqlite_plan_flags([f"SCAN {WO} USING INDEX workorder_reported_idx"],
                                    SIZES) == []
    assert checks.sqlite_plan_flags([f"SEARCH {WO} USING INDEX workorder_state (state=?)",
                                     "USE TEMP B-TREE FOR ORDER BY"], SIZES) == [
        "sort in a temporary b-tree (filesort)"]
    # Sorting rows of small tables only is no warning.
    assert checks.sqlite_plan_flags(["SCAN property_service_community",
                                     "USE TEMP B-TREE FOR ORDER BY"], SIZES) == []


def test_more_queries_than_the_baseline_is_a_regression_equal_or_fewer_pass():
    baseline = {"admin: work orders": 12, "admin: units": 7, "cs_agent: contracts": "status 403"}
    assert checks.count_regressions(
        {"admin: work orders": 12, "admin: units": 5, "cs_agent: contracts": "status 403"},
        baseline) == []
    assert checks.count_regressions(
        {"admin: work orders": 13, "admin: units": 7, "cs_agent: contracts": "status 403"},
        baseline) == ["admin: work orders: 13 queries, baseline 12"]


def test_a_page_that_stops_answering_or_has_no_baseline_is_named():
    baseline = {"admin: work orders": 12, "admin: units": 7}
    problems = checks.count_regressions(
        {"admin: work orders": "status 500", "admin: new page": 3}, baseline)
    assert sorted(problems) == [
        "admin: new page: 3 queries, no baseline for this page (make bench-baseline)",
        "admin: units: not measured any more, baseline 7",
        "admin: work orders: status 500, baseline 12",
    ]


def test_a_new_plan_warning_is_a_regression_a_known_one_is_not():
    known = {"cs_agent: api work orders": [f"Using filesort over {WO}"]}
    flags = {"cs_agent: api work orders": [f"Using filesort over {WO} (2043 rows)"]}
    assert checks.flag_regressions(flags, known) == []
    # A sort is named, not failed (it follows the sampled statistics); a full scan fails.
    flags["admin: units"] = [f"Using filesort over {WO} (5000 rows)"]
    assert checks.flag_regressions(flags, known) == []
    flags["admin: work orders"] = [f"type=ALL on {WO} (9964 rows)"]
    assert checks.flag_regressions(flags, known) == [
        f"admin: work orders: main query plan: type=ALL on {WO} (9964 rows)"]


def test_the_bare_sql_target():
    assert checks.meets_bare_target(90, 30) is True  # 3x
    assert checks.meets_bare_target(91, 30) is False
    assert checks.meets_bare_target(55, 5) is True  # within 50 ms
    assert checks.meets_bare_target(56, 5) is False
    assert checks.meets_bare_target(10, None) is None


def _results(pages):
    return {"database": "MariaDB", "date": "2026-11-25", "pages": pages}


def test_the_summary_compares_scales_deep_pages_and_users():
    small = _results({"admin: work orders": {"p95_ms": 100, "queries": 8}})
    large = _results({"admin: work orders": {"p95_ms": 200, "queries": 9}})
    text = "\n".join(across_scales(small, large))
    assert "0 of 1 within 1.5×" in text and "same query count at both scales: 0 of 1" in text
    large["pages"]["admin: work orders"] = {"p95_ms": 140, "queries": 8}
    text = "\n".join(across_scales(small, large))
    assert "1 of 1 within 1.5×" in text and "same query count at both scales: 1 of 1" in text

    pages = {"admin: api": {"p95_ms": 100, "queries": 3},
             "admin: api, cursor deep": {"p95_ms": 130, "queries": 3, "first": "api",
                                         "depth": 50, "url": "/api/?cursor=x"},
             "cs_agent: api": {"p95_ms": 160, "queries": 5}}
    assert "Deep page ÷ first page: 0 of 1 within 1.2×" in "\n".join(
        deep_pages(_results(pages)))
    assert "Restricted user ÷ superuser: 0 of 1 within 1.5×" in "\n".join(
        restricted_pages(_results(pages)))
    pages["cs_agent: api"]["p95_ms"] = 150
    pages["admin: api, cursor deep"]["p95_ms"] = 120
    assert "1 of 1 within 1.2×" in "\n".join(deep_pages(_results(pages)))
    assert "1 of 1 within 1.5×" in "\n".join(restricted_pages(_results(pages)))


def test_the_summary_compares_the_jobs_steady_runs_across_scales():
    def job(ms):
        return {"chase": {"first": {"ms": 5000, "queries": 9}, "second": {"ms": ms, "queries": 2}}}

    small, large = {"jobs": job(100)}, {"jobs": job(160)}
    assert "0 of 1 within 1.5×" in "\n".join(jobs_across_scales(small, large))
    large = {"jobs": job(150)}
    assert "1 of 1 within 1.5×" in "\n".join(jobs_across_scales(small, large))


def test_results_of_different_benchmark_versions_are_not_compared():
    small = {**_results({"admin: work orders": {"p95_ms": 100, "queries": 8}}), "harness": 2}
    large = _results({"admin: work orders": {"p95_ms": 900, "queries": 9}})
    assert "different versions" in summary({"small": small, "large": large})
    assert "## Large ÷ small" not in summary({"small": small, "large": large})
    large["harness"] = 2
    assert "## Large ÷ small" in summary({"small": small, "large": large})


def _measured(rows_per_s, peak, *, rows=10_000, imports=False):
    return {"own_process": True, "rows": rows, "rows_per_s": rows_per_s,
            "rows_per_cpu_s": rows_per_s * 2, "peak_rss_mib": peak,
            **({"import": True} if imports else {})}


def test_exports_and_imports_are_held_to_their_rows_per_second():
    assert checks.meets_rate(10_000, 10_000) and not checks.meets_rate(9_999, 10_000)
    assert checks.meets_rate(2_000, 10_000, imports=True)
    assert not checks.meets_rate(1_999, 10_000, imports=True)
    # A small export is mostly the request's fixed cost: not held to the rate.
    assert checks.meets_rate(500, 9_999) is None
    results = {"exports": {"admin: export all (xlsx), own process": _measured(12_000, 90),
                           "admin: import (xlsx), own process": _measured(1_500, 300,
                                                                          imports=True),
                           "admin: export (csv)": {"median_ms": 10}}}
    text = export_targets(results)
    assert "1 of 2" in text and "(admin: import (xlsx))" in text
    assert "below target" in "\n".join(exports_by_scale({"small": results}))


def test_the_export_of_every_order_must_take_as_much_memory_at_both_scales():
    assert checks.memory_is_flat(88, 138) and not checks.memory_is_flat(88, 139)
    key = f"admin: {EVERY_ORDER}, own process"
    small = {"exports": {key: _measured(20_000, 88.0)}}
    large = {"exports": {key: _measured(20_000, 150.0, rows=1_000_000)}}
    assert "within 50 MiB: **no**" in "\n".join(exports_by_scale({"small": small,
                                                                   "large": large}))
    large["exports"][key]["peak_rss_mib"] = 120.0
    assert "within 50 MiB: yes" in "\n".join(exports_by_scale({"small": small,
                                                                "large": large}))
