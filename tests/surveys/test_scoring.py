"""The survey's rules as pure functions, on a data set worked out by hand."""

import datetime

import pytest
from property_service.surveys import scoring
from property_service.surveys.quarters import parse_quarter, quarter_bounds, quarter_of
from property_service.surveys.scoring import AnswerRow, QuestionSpec, check_answers

CS, REPAIRS, CLEANING = "customer_service", "maintenance", "cleaning"


def test_scale_answers_are_normalised_to_100():
    assert [scoring.normalised("scale_5", v) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert [scoring.normalised("scale_10", v) for v in (0, 7, 10)] == [0, 70, 100]


def test_a_choice_scores_its_options_score_or_nothing():
    assert scoring.normalised("choice", option_score=75) == 75
    assert scoring.normalised("choice", option_score=None) is None
    assert scoring.normalised("text") is None


# Three households of four answered. Customer service: 100, 100, 50, 75 (a choice with no
# score left out), 75 → 80.0; repairs: 80, 60, 90 → 76.666… → 76.7; cleaning: 75, 25, 0 →
# 33.333… → 33.3; overall: the mean of the three dimensions, 63.3.
DATA = [
    AnswerRow(CS, "scale_5", value=5), AnswerRow(CS, "choice", option_score=100),
    AnswerRow(REPAIRS, "scale_10", value=8), AnswerRow(CLEANING, "scale_5", value=4),
    AnswerRow(CS, "text", text="电梯等太久"),
    AnswerRow(CS, "scale_5", value=3), AnswerRow(CS, "choice", option_score=None),
    AnswerRow(REPAIRS, "scale_10", value=6), AnswerRow(CLEANING, "scale_5", value=2),
    AnswerRow(CS, "scale_5", value=4), AnswerRow(CS, "choice", option_score=75),
    AnswerRow(REPAIRS, "scale_10", value=9), AnswerRow(CLEANING, "scale_5", value=1),
    AnswerRow(CS, "text", text="  "),
]


def test_the_figures_of_a_known_data_set():
    figures = scoring.figures(DATA, responded=3, sent=4)
    assert figures.response_rate == 75.0
    assert figures.dimensions == {CS: 80.0, REPAIRS: 76.7, CLEANING: 33.3}
    assert figures.score == 63.3
    assert figures.texts == ["电梯等太久"]


def test_grouped_answers_count_as_often_as_they_were_given():
    grouped = [AnswerRow(CS, "scale_5", value=5, count=3), AnswerRow(CS, "scale_5", value=1)]
    assert scoring.figures(grouped, responded=4, sent=4).dimensions == {CS: 75.0}


def test_the_overall_score_weighs_every_dimension_the_same():
    # Four customer-service answers of 100 and one repairs answer of 0: 50, not 80.
    rows = [AnswerRow(CS, "scale_5", value=5, count=4), AnswerRow(REPAIRS, "scale_10", value=0)]
    assert scoring.figures(rows, responded=1, sent=1).score == 50.0


def test_nothing_sent_or_answered_has_no_rate_and_no_score():
    figures = scoring.figures([], responded=0, sent=0)
    assert (figures.response_rate, figures.score, figures.dimensions) == (None, None, {})
    assert scoring.response_rate(2, 3) == 66.7


QUESTIONS = [QuestionSpec(1, CS, "scale_5"),
             QuestionSpec(2, CS, "choice", options={7: 100, 8: None}),
             QuestionSpec(3, REPAIRS, "scale_10"), QuestionSpec(4, CS, "text", required=False)]


def test_complete_answers_are_accepted_in_the_questionnaires_order():
    clean, errors = check_answers(QUESTIONS, [
        {"question": 3, "value": "10"}, {"question": 1, "value": 1}, {"question": 2, "option": 8},
        {"question": 4, "text": " 好 "}])
    assert errors == {}
    assert [(a.question, a.value, a.option, a.text) for a in clean] == [
        (1, 1, None, ""), (2, None, 8, ""), (3, 10, None, ""), (4, None, None, "好")]


def test_an_optional_question_may_be_left_empty():
    clean, errors = check_answers(QUESTIONS, [
        {"question": 1, "value": 5}, {"question": 2, "option": 7}, {"question": 3, "value": 0},
        {"question": 4, "text": ""}])
    assert errors == {} and len(clean) == 3


def test_every_required_question_must_be_answered():
    _clean, errors = check_answers(QUESTIONS, [{"question": 1, "value": 5}])
    assert set(errors) == {"2", "3"}
    assert errors["2"] == ["Answer this question."]


@pytest.mark.parametrize("question, given, key", [
    (1, {"value": 0}, "value"), (1, {"value": 6}, "value"), (3, {"value": 11}, "value"),
    (3, {"value": -1}, "value"), (1, {"value": "4.5"}, "value"), (1, {"value": True}, "value"),
    (2, {"option": 99}, "option"), (2, {"option": "x"}, "option"),
])
def test_a_value_out_of_range_or_a_foreign_option_is_refused(question, given, key):
    base = {1: {"question": 1, "value": 3}, 2: {"question": 2, "option": 7},
            3: {"question": 3, "value": 5}}
    base[question] = {"question": question, **given}
    _clean, errors = check_answers(QUESTIONS, list(base.values()))
    assert list(errors) == [str(question)]


def test_a_question_of_another_questionnaire_or_answered_twice_is_refused():
    _clean, errors = check_answers(QUESTIONS, [
        {"question": 1, "value": 3}, {"question": 1, "value": 4}, {"question": 2, "option": 7},
        {"question": 3, "value": 5}, {"question": 42, "value": 1}])
    assert errors == {"1": ["This question is answered twice."],
                      "42": ["This question is not part of the survey."]}


def test_quarters():
    assert quarter_of(datetime.date(2026, 11, 25)) == "2026-Q4"
    assert quarter_of(datetime.date(2027, 3, 31)) == "2027-Q1"
    assert quarter_bounds("2026-Q4") == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert quarter_bounds("2027-Q1") == (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31))
    assert parse_quarter("2026-Q5") is None and parse_quarter("２０２６-Q1") is None
