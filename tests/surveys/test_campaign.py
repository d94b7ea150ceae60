"""A campaign per community and quarter: prepared, opened (sent to every household), answered
once per household, closed."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from property_service.core.errors import ActionError, NotAllowed
from property_service.surveys import selectors, services
from property_service.surveys.jobs import close_finished_surveys
from property_service.surveys.models import (
    Questionnaire,
    SurveyEvent,
    SurveyRecipient,
    SurveyResponse,
    fixed_q,
)
from property_service.surveys.states import State

from tests.factories.registry import UnitFactory
from tests.surveys.conftest import answers, open_survey


def test_the_default_quarterly_questionnaire_is_seeded_in_both_languages(db):
    form = Questionnaire.objects.get(code="quarterly")
    questions = list(form.questions.order_by("position"))
    assert form.title and form.title_en
    assert {q.dimension for q in questions} == {
        "customer_service", "maintenance", "security", "cleaning", "greening", "activities"}
    assert {q.kind for q in questions} == {"scale_5", "scale_10", "choice", "text"}
    assert all(q.text and q.text_en for q in questions)
    assert [q.position for q in questions] == list(range(1, len(questions) + 1))


def test_a_survey_is_prepared_as_a_draft_over_its_quarter(clock, place_a, questionnaire,
                                                           supervisor):
    survey = services.survey_create(by=supervisor, community=place_a.community,
                                    questionnaire=questionnaire, period="2026-Q4")
    assert survey.state == State.DRAFT
    assert (survey.opens_on, survey.closes_on) == (datetime.date(2026, 10, 1),
                                                   datetime.date(2026, 12, 31))
    assert "2026-Q4" in survey.title and place_a.community.name in survey.title
    assert survey.recipients.count() == 0


def test_one_survey_per_community_and_quarter(clock, place_a, questionnaire, supervisor):
    services.survey_create(by=supervisor, community=place_a.community,
                           questionnaire=questionnaire, period="2026-Q4")
    with pytest.raises(ActionError, match="already has a survey for this quarter"):
        services.survey_create(by=supervisor, community=place_a.community,
                               questionnaire=questionnaire, period="2026-Q4")


def test_a_quarter_must_be_written_as_a_quarter(clock, place_a, questionnaire, supervisor):
    with pytest.raises(ActionError) as error:
        services.survey_create(by=supervisor, community=place_a.community,
                               questionnaire=questionnaire, period="2026-13")
    assert error.value.field == "period"


def test_opening_sends_it_to_every_lived_in_unit_of_the_community(
        clock, place_a, place_b, homes_a, questionnaire, supervisor):
    UnitFactory(building=place_a.building, number="999")  # empty: nobody to ask
    survey = open_survey(place_a, questionnaire, supervisor)
    assert survey.state == State.OPEN and survey.opened_at == clock.now
    sent = set(SurveyRecipient.objects.filter(survey=survey).values_list("unit_id", flat=True))
    assert sent == {place_a.unit.pk, *(u.pk for u in homes_a)}
    assert SurveyEvent.objects.filter(survey=survey, action="open").get().comment == \
        "Sent to 4 households."


def test_an_agent_cannot_open_or_close_a_survey(clock, place_a, questionnaire, supervisor,
                                               agent_a):
    survey = services.survey_create(by=supervisor, community=place_a.community,
                                    questionnaire=questionnaire, period="2026-Q4")
    with pytest.raises(NotAllowed):
        services.survey_transition(survey_id=survey.pk, user=agent_a, action="open")
    survey.refresh_from_db()
    assert survey.state == State.DRAFT and survey.recipients.count() == 0


def test_a_manager_of_another_community_cannot_reach_the_survey(clock, place_a, place_b,
                                                                questionnaire, supervisor,
                                                                make_staff):
    survey = services.survey_create(by=supervisor, community=place_a.community,
                                    questionnaire=questionnaire, period="2026-Q4")
    manager_b = make_staff("Property Manager", communities=[place_b.community])
    with pytest.raises(NotAllowed, match="does not exist"):
        services.survey_transition(survey_id=survey.pk, user=manager_b, action="open")
    with pytest.raises(NotAllowed):
        services.survey_create(by=manager_b, community=place_a.community,
                               questionnaire=questionnaire, period="2027-Q1")


def test_staff_record_a_households_answers_taken_by_phone(survey_a, place_a, questionnaire,
                                                         agent_a):
    response = services.survey_record_response(
        by=agent_a, survey_id=survey_a.pk, unit=place_a.unit, channel="phone",
        resident=place_a.resident, answers=answers(questionnaire, q1=5, q2="fast", q3=8, q4=4,
                                                   q5="电梯等太久"))
    assert (response.channel, response.recorded_by, response.resident) == (
        "phone", agent_a, place_a.resident)
    assert response.answers.count() == 5
    assert SurveyEvent.objects.filter(survey=survey_a, action="response").exists()


def test_one_response_per_household(survey_a, place_a, questionnaire, agent_a, supervisor):
    given = answers(questionnaire, q1=5, q2="fast", q3=8, q4=4)
    services.survey_record_response(by=agent_a, survey_id=survey_a.pk, unit=place_a.unit,
                                    channel="phone", answers=given)
    with pytest.raises(ActionError, match="already answered"):
        services.survey_record_response(by=supervisor, survey_id=survey_a.pk,
                                        unit=place_a.unit, channel="paper", answers=given)
    assert SurveyResponse.objects.count() == 1


def test_the_database_holds_one_response_per_household_too(survey_a, place_a):
    SurveyResponse.objects.create(survey=survey_a, unit=place_a.unit, channel="paper")
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey_a, unit=place_a.unit, channel="phone")


def test_bad_answers_store_nothing(survey_a, place_a, questionnaire, agent_a):
    with pytest.raises(services.AnswersRefused) as error:
        services.survey_record_response(
            by=agent_a, survey_id=survey_a.pk, unit=place_a.unit, channel="phone",
            answers=answers(questionnaire, q1=9, q2="fast", q4=4))
    q = questionnaire.q
    assert error.value.errors == {str(q[1].pk): ["Give a whole number from 1 to 5."],
                                  str(q[3].pk): ["Answer this question."]}
    assert SurveyResponse.objects.count() == 0


def test_staff_say_how_the_answers_were_taken(survey_a, place_a, questionnaire, agent_a):
    with pytest.raises(ActionError) as error:
        services.survey_record_response(
            by=agent_a, survey_id=survey_a.pk, unit=place_a.unit, channel="portal",
            answers=answers(questionnaire, q1=5, q2="fast", q3=8, q4=4))
    assert error.value.field == "channel"


def test_a_unit_the_survey_was_not_sent_to_is_refused(survey_a, place_a, questionnaire,
                                                     agent_a):
    empty = UnitFactory(building=place_a.building, number="998")
    with pytest.raises(ActionError, match="not sent to this unit"):
        services.survey_record_response(
            by=agent_a, survey_id=survey_a.pk, unit=empty, channel="phone",
            answers=answers(questionnaire, q1=5, q2="fast", q3=8, q4=4))


def test_a_closed_survey_takes_no_more_answers(survey_a, place_a, questionnaire, agent_a,
                                              supervisor):
    services.survey_transition(survey_id=survey_a.pk, user=supervisor, action="close")
    with pytest.raises(ActionError, match="closed"):
        services.survey_record_response(
            by=agent_a, survey_id=survey_a.pk, unit=place_a.unit, channel="phone",
            answers=answers(questionnaire, q1=5, q2="fast", q3=8, q4=4))


def test_the_daily_job_closes_surveys_past_their_closing_day_once(clock, survey_a):
    assert close_finished_surveys() == 0
    clock.set("2027-01-01 00:40")
    assert close_finished_surveys() == 1
    assert close_finished_surveys() == 0
    survey_a.refresh_from_db()
    assert survey_a.state == State.CLOSED


def test_a_questionnaire_is_fixed_once_a_survey_using_it_has_answers(
        survey_a, place_a, questionnaire, agent_a):
    assert not questionnaire.is_fixed()
    assert not Questionnaire.objects.filter(fixed_q(), pk=questionnaire.pk).exists()
    services.survey_record_response(by=agent_a, survey_id=survey_a.pk, unit=place_a.unit,
                                    channel="phone",
                                    answers=answers(questionnaire, q1=5, q2="fast", q3=8, q4=4))
    assert questionnaire.is_fixed()
    assert Questionnaire.objects.filter(fixed_q(), pk=questionnaire.pk).exists()


def test_the_figures_read_from_the_database(survey_a, place_a, homes_a, questionnaire,
                                            agent_a):
    # The scoring test's data set, stored: 3 of 4 households.
    for unit, given in zip([place_a.unit, *homes_a[:2]], [
            answers(questionnaire, q1=5, q2="fast", q3=8, q4=4, q5="电梯等太久"),
            answers(questionnaire, q1=3, q2="never", q3=6, q4=2),
            answers(questionnaire, q1=4, q2="same_day", q3=9, q4=1, q5="")], strict=True):
        services.survey_record_response(by=agent_a, survey_id=survey_a.pk, unit=unit,
                                        channel="paper", answers=given)
    figures = selectors.figures_of([survey_a])[survey_a.pk]
    assert (figures.sent, figures.responded, figures.response_rate) == (4, 3, 75.0)
    assert figures.dimensions == {"customer_service": 80.0, "maintenance": 76.7,
                                  "cleaning": 33.3}
    assert figures.score == 63.3
    assert [row["text"] for row in selectors.texts_of(survey_a)] == ["电梯等太久"]
