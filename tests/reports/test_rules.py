"""The report's rules as small pure functions: which way a figure moved, whether it met its
target, which group did worst, and which recommendations the rules draft."""

from property_service.reports.rules import (
    Rule,
    direction,
    drafted,
    improved,
    meets,
    recommendation_rules,
    recommendations_text,
    worst,
)


def test_a_figure_moves_up_down_or_not_and_only_known_values_move():
    assert [direction(2, 1), direction(1, 2), direction(1, 1)] == ["up", "down", "same"]
    assert direction(None, 1) is None and direction(1, None) is None


def test_a_move_is_better_or_worse_by_which_way_the_figure_is_better():
    assert improved(90, 80, higher_is_better=True) is True
    assert improved(90, 80, higher_is_better=False) is False  # more rework is worse
    assert improved(80, 80, higher_is_better=True) is None


def test_a_target_is_a_floor_or_a_ceiling():
    assert meets(95, 95, higher_is_better=True) is True
    assert meets(94.9, 95, higher_is_better=True) is False
    assert meets(5, 5, higher_is_better=False) is True
    assert meets(5.1, 5, higher_is_better=False) is False
    assert meets(None, 95, higher_is_better=True) is None
    assert meets(50, None, higher_is_better=True) is None


def test_the_worst_group_is_the_lowest_or_highest_known_value_ties_by_name():
    rows = [("B", 50.0), ("A", 50.0), ("C", None), ("D", 70.0)]
    assert worst(rows, higher_is_better=True) == ("A", 50.0)
    assert worst(rows, higher_is_better=False) == ("D", 70.0)
    assert worst([("C", None)], higher_is_better=True) is None


RULES = [Rule(sentence="complaints_on_time_missed", missed="complaints.on_time_rate"),
         Rule(sentence="repeats_found", problem="repeats"),
         Rule(sentence="all_targets_met", otherwise=True)]


def analysis(met):
    return [{"area": "complaints", "key": "on_time_rate", "value": 90.0, "target": 95,
             "met": met, "params": {"worst_subject": "Noise", "worst_subject_value": 80.0}}]


def test_a_missed_target_drafts_its_sentence_and_a_met_one_does_not():
    found = drafted(RULES, analysis=analysis(False), problems={})
    assert found == [{"sentence": "complaints_on_time_missed", "params": {
        "value": 90.0, "target": 95, "worst_subject": "Noise", "worst_subject_value": 80.0}}]
    assert recommendations_text(found) == (
        "1. Complaints handled on time: 90.0% against a target of 95%. The subject handled "
        "late most is Noise (80.0%): hand such complaints over and contact the resident "
        "sooner.")
    assert [r["sentence"] for r in drafted(RULES, analysis=analysis(True), problems={})] == [
        "all_targets_met"]
    # Without a target (met is None) nothing is missed either.
    assert [r["sentence"] for r in drafted(RULES, analysis=analysis(None), problems={})] == [
        "all_targets_met"]


def test_a_problem_found_drafts_its_sentence_with_its_count_and_examples():
    found = drafted(RULES, analysis=analysis(True), problems={
        "repeats": {"count": 2, "examples": ["WO-1", "WO-2"]}})
    assert recommendations_text(found) == (
        "1. 2 repeated reports (WO-1, WO-2): find and fix the cause of the fault rather than "
        "repairing it again.")
    assert drafted(RULES, analysis=analysis(True), problems={
        "repeats": {"count": 0, "examples": []}})[0]["sentence"] == "all_targets_met"


def test_a_sentence_lacking_a_group_says_so_with_a_dash():
    found = [{"sentence": "work_orders_completion_missed",
              "params": {"value": 80.0, "target": 95}}]
    assert "The category that did worst is — (—%)" in recommendations_text(found)


def test_every_rule_of_the_data_names_a_known_sentence_and_one_condition():
    rules = recommendation_rules()
    assert rules
    for rule in rules:
        assert [rule.missed is not None, rule.problem is not None, rule.otherwise].count(
            True) == 1
