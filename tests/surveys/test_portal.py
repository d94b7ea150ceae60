"""A resident answers their household's survey in the portal: only their own community's open
survey, once."""

from property_service.surveys import services
from property_service.surveys.models import SurveyResponse

from tests.surveys.conftest import answers, open_survey


def form_of(questionnaire, **values) -> dict:
    return {f"q{item['question']}": item.get("value", item.get("option", item.get("text")))
            for item in answers(questionnaire, **values)}


def test_a_resident_sees_their_communitys_open_survey_only(
        client, survey_a, place_b, questionnaire, supervisor, resident_a, resident_b):
    survey_b = open_survey(place_b, questionnaire, supervisor)
    client.force_login(resident_a)
    page = client.get("/portal/surveys/").content.decode()
    assert f"/portal/surveys/{survey_a.pk}/" in page
    assert f"/portal/surveys/{survey_b.pk}/" not in page
    assert survey_a.title in client.get("/portal/").content.decode()
    # Another household's survey is "not found".
    assert client.get(f"/portal/surveys/{survey_b.pk}/{place_b.unit.pk}/").status_code == 404
    assert client.get(f"/portal/surveys/{survey_a.pk}/{place_b.unit.pk}/").status_code == 404


def test_a_draft_survey_is_not_shown(client, clock, place_a, questionnaire, supervisor,
                                     resident_a):
    draft = services.survey_create(by=supervisor, community=place_a.community,
                                   questionnaire=questionnaire, period="2026-Q4")
    client.force_login(resident_a)
    assert draft.title not in client.get("/portal/surveys/").content.decode()
    assert client.get(f"/portal/surveys/{draft.pk}/{place_a.unit.pk}/").status_code == 404


def test_a_resident_answers_once(client, survey_a, place_a, questionnaire, resident_a):
    client.force_login(resident_a)
    url = f"/portal/surveys/{survey_a.pk}/{place_a.unit.pk}/"
    assert 'id="survey-form"' in client.get(url).content.decode()
    response = client.post(url, form_of(questionnaire, q1=4, q2="fast", q3=9, q4=5, q5="很好"))
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert (stored.channel, stored.unit, stored.resident, stored.recorded_by) == (
        "portal", place_a.unit, place_a.resident, None)
    assert stored.answers.count() == 5
    # Not offered again; a second post changes nothing.
    assert f"/portal/surveys/{survey_a.pk}/" not in client.get("/portal/surveys/").content.decode()
    again = client.post(url, form_of(questionnaire, q1=1, q2="fast", q3=0, q4=1))
    assert 'id="survey-answered"' in again.content.decode()
    assert SurveyResponse.objects.count() == 1 and stored.answers.get(
        question=questionnaire.q[1]).value == 4


def test_a_missing_answer_is_shown_beside_its_question(client, survey_a, place_a,
                                                       questionnaire, resident_a):
    client.force_login(resident_a)
    response = client.post(f"/portal/surveys/{survey_a.pk}/{place_a.unit.pk}/",
                           form_of(questionnaire, q1=4, q2="fast", q4=5))
    assert response.status_code == 400
    assert "Answer this question." in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_a_closed_survey_refuses_answers(client, survey_a, place_a, questionnaire, supervisor,
                                        resident_a):
    services.survey_transition(survey_id=survey_a.pk, user=supervisor, action="close")
    client.force_login(resident_a)
    url = f"/portal/surveys/{survey_a.pk}/{place_a.unit.pk}/"
    response = client.post(url, form_of(questionnaire, q1=4, q2="fast", q3=9, q4=5))
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_a_resident_cannot_answer_for_another_household_through_the_service(
        survey_a, place_a, homes_a, questionnaire, resident_a):
    import pytest
    from property_service.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.survey_record_response(by=resident_a, survey_id=survey_a.pk, unit=homes_a[0],
                                        channel="portal",
                                        answers=answers(questionnaire, q1=5, q2="fast", q3=8,
                                                        q4=4))
