"""The report's four sections, exact on a known month of community A."""

import pytest
from property_service.reports.builder import build_report, sections
from property_service.reports.rules import recommendations_text

from .conftest import NOVEMBER, with_targets


def problem(report, name):
    return report["problems"][name]


def figure(report, area, key):
    return next(r for r in report["analysis"] if (r["area"], r["key"]) == (area, key))


def test_the_background_counts_the_months_orders_and_complaints_against_last_month(
        month_of_a):
    report = build_report(month_of_a, NOVEMBER)
    background = report["background"]
    assert (report["month"], report["previous_month"]) == ("2026-11", "2026-10")
    assert background["work_orders"] == {"this": 5, "last": 2}
    assert background["complaints"] == {"this": 3, "last": 1}
    assert background["work_order_categories"] == [
        {"name": "电路", "this": 3, "last": 1},
        {"name": "管道疏通", "this": 2, "last": 1},
    ]
    assert background["complaint_subjects"] == [
        {"code": "repairs", "this": 2, "last": 1},
        {"code": "noise", "this": 1, "last": 0},
    ]


def test_the_problems_are_the_late_orders_repeats_reopened_complaints_and_what_recurs(
        month_of_a):
    report = build_report(month_of_a, NOVEMBER)
    assert problem(report, "late_responses") == {"count": 1, "items": ["WO-R-0002"]}
    assert problem(report, "late_completions") == {
        "count": 3, "items": ["WO-R-0002", "WO-R-0003", "WO-R-0004"]}
    assert problem(report, "late_complaints")["count"] == 1
    assert problem(report, "repeats") == {"count": 1, "items": ["WO-R-0003"]}
    assert problem(report, "reopened_complaints")["count"] == 1
    # Units with at least 2 orders (a cancelled one was still a call), categories with at
    # least 3, complaint subjects with at least 2.
    assert problem(report, "recurring_units") == {
        "count": 2, "items": [["AAA-1栋 1-301", 3], ["AAA-1栋 2-502", 2]]}
    assert problem(report, "recurring_categories") == {
        "count": 1, "items": [["电路", 3]]}
    assert problem(report, "recurring_subjects") == {"count": 1, "items": [["repairs", 2]]}


def test_the_analysis_sets_each_figure_against_its_target_and_last_month(month_of_a):
    report = build_report(month_of_a, NOVEMBER)
    completion = figure(report, "work_orders", "on_time_completion_rate")
    # 1 of the 4 not cancelled completed in time; in October both.
    assert (completion["value"], completion["previous"], completion["direction"],
            completion["improved"]) == (25.0, 100.0, "down", False)
    assert completion["target"] is None and completion["met"] is None
    assert completion["params"]["worst_team"] == "Team West"  # 0 of 2
    assert completion["params"]["worst_team_value"] == 0.0
    assert completion["params"]["worst_category"] == "管道疏通"
    satisfaction = figure(report, "work_orders", "mean_satisfaction")
    assert (satisfaction["value"], satisfaction["target"], satisfaction["met"]) == (
        70.0, 85, False)  # (5 + 2) / 2 * 20
    on_time = figure(report, "complaints", "on_time_rate")
    assert (on_time["value"], on_time["target"], on_time["met"], on_time["direction"]) == (
        66.7, 95, False, "down")
    assert on_time["params"]["worst_subject"] == "Repairs"  # 1 of 2; noise 1 of 1
    complaint_satisfaction = figure(report, "complaints", "mean_satisfaction")
    assert (complaint_satisfaction["value"], complaint_satisfaction["met"],
            complaint_satisfaction["direction"]) == (90.0, True, "down")
    reopened = figure(report, "complaints", "reopen_rate")
    # Lower is better: up from 0 is worse.
    assert (reopened["value"], reopened["previous"], reopened["improved"]) == (50.0, 0.0, False)


def test_recommendations_are_drafted_for_missed_targets_and_found_problems_only(month_of_a):
    report = build_report(month_of_a, NOVEMBER)
    assert [r["sentence"] for r in report["recommendations"]] == [
        "work_orders_satisfaction_missed", "complaints_on_time_missed",
        "complaints_resolution_missed", "repeats_found", "recurring_units_found",
        "recurring_categories_found", "reopened_complaints_found"]
    text = recommendations_text(report["recommendations"])
    assert text.startswith("1. Repair satisfaction: 70.0 out of 100 against a target of 85.")
    assert "least happy with is 电路 (70.0), the team Team East (70.0)" in text


@pytest.mark.parametrize(("target", "drafted"), [(95, True), (25, False)])
def test_a_missed_on_time_completion_target_names_the_worst_category_and_team(
        month_of_a, settings, tmp_path, target, drafted):
    with_targets(settings, tmp_path, on_time_completion_rate=target)
    report = build_report(month_of_a, NOVEMBER)
    sentences = [r["sentence"] for r in report["recommendations"]]
    assert ("work_orders_completion_missed" in sentences) is drafted
    if drafted:
        assert recommendations_text(report["recommendations"][:1]) == (
            "1. Orders completed on time: 25.0% against a target of 95%. The category that "
            "did worst is 管道疏通 (0.0%) and the team Team West (0.0%): review "
            "their scheduling, staffing and spare parts.")


def test_the_sections_label_every_row_in_the_active_language(month_of_a):
    report = build_report(month_of_a, NOVEMBER)
    shown = sections(report, "1. Fix it.")
    assert [r["label"] for r in shown["problems"]][:2] == [
        "Orders not responded to on time", "Orders not completed on time"]
    completion = next(r for r in shown["analysis"] if r["key"] == "on_time_completion_rate")
    assert (completion["label"], completion["direction_label"]) == (
        "Completed on time (%)", "down, worse")
    assert shown["recommendations"] == ["1. Fix it."]
