"""The surveys and survey-responses resources: figures in the answer, rights per role,
answers validated with field errors and nothing stored, rows scoped by community."""

from property_service.surveys import services
from property_service.surveys.models import Survey, SurveyResponse

from tests.surveys.conftest import answers, open_survey

URL, RESPONSES = "/api/v1/surveys/", "/api/v1/survey-responses/"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def record(survey, unit, form, by, **values):
    return services.survey_record_response(by=by, survey_id=survey.pk, unit=unit,
                                           channel="paper", answers=answers(form, **values))


def test_a_survey_reads_with_its_figures(client, survey_a, place_a, homes_a, questionnaire,
                                         agent_a, manager_a):
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4)
    record(survey_a, homes_a[0], questionnaire, agent_a, q1=3, q2="never", q3=6, q4=2)
    client.force_login(manager_a)
    row = client.get(URL).json()["results"][0]
    assert (row["id"], row["state"], row["period"]) == (survey_a.pk, "open", "2026-Q4")
    assert (row["households_sent"], row["households_answered"], row["response_rate"]) == (4, 2,
                                                                                         50.0)
    # Customer service 100, 100, 50 → 83.3; repairs 80, 60 → 70; cleaning 75, 25 → 50.
    dims = {d["code"]: d["score"] for d in row["dimensions"]}
    assert dims["customer_service"] == 83.3 and dims["maintenance"] == 70.0
    assert dims["cleaning"] == 50.0 and dims["greening"] is None
    assert row["score"] == 67.8 and row["target"] == 85
    assert [q["kind"] for q in row["questions"]] == ["scale_5", "choice", "scale_10", "scale_5",
                                                     "text"]


def test_a_supervisor_prepares_and_opens_a_survey(client, clock, place_a, homes_a, supervisor):
    client.force_login(supervisor)
    created = post(client, URL, {"community": place_a.community.pk, "period": "2027-Q1"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "draft" and body["opens_on"] == "2027-01-01"
    assert body["questions"]  # the company's quarterly questionnaire
    opened = post(client, f"{URL}{body['id']}/transition/", {"action": "open"})
    assert opened.status_code == 200 and opened.json()["households_sent"] == 4


def test_an_agent_may_not_prepare_or_open_surveys(client, clock, place_a, questionnaire,
                                                  supervisor, agent_a):
    draft = services.survey_create(by=supervisor, community=place_a.community,
                                   questionnaire=questionnaire, period="2026-Q4")
    client.force_login(agent_a)
    assert post(client, URL, {"community": place_a.community.pk,
                              "period": "2027-Q1"}).status_code == 403
    assert post(client, f"{URL}{draft.pk}/transition/", {"action": "open"}).status_code == 403
    assert Survey.objects.get().state == "draft"


def test_a_second_survey_of_the_quarter_is_a_field_error(client, survey_a, place_a,
                                                         supervisor):
    client.force_login(supervisor)
    response = post(client, URL, {"community": place_a.community.pk, "period": "2026-Q4"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "This community already has a survey for this quarter."]}


def test_an_agent_records_answers_taken_by_phone(client, survey_a, place_a, questionnaire,
                                                 agent_a):
    client.force_login(agent_a)
    response = post(client, RESPONSES, {
        "survey": survey_a.pk, "unit": place_a.unit.pk, "channel": "phone",
        "answers": answers(questionnaire, q1=5, q2="fast", q3=8, q4=4, q5="好")})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["channel"] == "phone" and len(body["answers"]) == 5
    assert SurveyResponse.objects.get().recorded_by == agent_a


def test_bad_answers_are_field_errors_and_store_nothing(client, survey_a, place_a,
                                                        questionnaire, agent_a):
    client.force_login(agent_a)
    q = questionnaire.q
    given = answers(questionnaire, q1=7, q4=4) + [
        {"question": q[2].pk, "option": 999999}]
    response = post(client, RESPONSES, {"survey": survey_a.pk, "unit": place_a.unit.pk,
                                        "channel": "phone", "answers": given})
    assert response.status_code == 400
    errors = response.json()["answers"]
    assert errors == {str(q[1].pk): ["Give a whole number from 1 to 5."],
                      str(q[2].pk): ["Choose one of the question's answers."],
                      str(q[3].pk): ["Answer this question."]}
    assert SurveyResponse.objects.count() == 0


def test_a_second_response_of_the_household_is_refused(client, survey_a, place_a,
                                                       questionnaire, agent_a):
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4)
    client.force_login(agent_a)
    response = post(client, RESPONSES, {
        "survey": survey_a.pk, "unit": place_a.unit.pk, "channel": "phone",
        "answers": answers(questionnaire, q1=1, q2="fast", q3=1, q4=1)})
    assert response.status_code == 400
    assert SurveyResponse.objects.count() == 1


def test_the_channel_is_one_staff_take_answers_by(client, survey_a, place_a, questionnaire,
                                                  agent_a):
    client.force_login(agent_a)
    response = post(client, RESPONSES, {
        "survey": survey_a.pk, "unit": place_a.unit.pk, "channel": "portal",
        "answers": answers(questionnaire, q1=5, q2="fast", q3=8, q4=4)})
    assert response.status_code == 400 and "channel" in response.json()


def test_a_manager_of_a_sees_only_as_surveys_and_responses(client, survey_a, place_a, place_b,
                                                           questionnaire, supervisor, agent_a,
                                                           manager_a):
    survey_b = open_survey(place_b, questionnaire, supervisor)
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4)
    theirs = record(survey_b, place_b.unit, questionnaire, supervisor, q1=1, q2="fast", q3=8,
                    q4=4)
    client.force_login(manager_a)
    assert [r["id"] for r in client.get(URL).json()["results"]] == [survey_a.pk]
    assert client.get(f"{URL}{survey_b.pk}/").status_code == 404
    rows = client.get(RESPONSES).json()["results"]
    assert [r["survey"] for r in rows] == [survey_a.pk]
    assert client.get(f"{RESPONSES}{theirs.pk}/").status_code == 404
    # Nor can they record an answer for B's survey.
    response = post(client, RESPONSES, {
        "survey": survey_b.pk, "unit": place_b.unit.pk, "channel": "phone",
        "answers": answers(questionnaire, q1=5, q2="fast", q3=8, q4=4)})
    assert response.status_code == 400 and set(response.json()) >= {"survey", "unit"}
