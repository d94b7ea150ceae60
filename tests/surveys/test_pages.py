"""The back office: the questionnaire (fixed once answered), the survey's page with its
figures and buttons, recording answers taken on paper, the results workbook, and the home
page's survey card beside the complaint satisfaction."""

import io

import openpyxl
from property_service.surveys import services
from property_service.surveys.models import SurveyResponse
from property_service.workspace.cards import card_numbers, workspace

from tests.surveys.conftest import answers, open_survey

ADMIN = "/admin/property_service/"


def record(survey, unit, form, by, **values):
    return services.survey_record_response(by=by, survey_id=survey.pk, unit=unit,
                                           channel="paper", answers=answers(form, **values))


def test_the_surveys_page_shows_its_figures_and_the_open_action(client, survey_a, place_a,
                                                               questionnaire, agent_a,
                                                               manager_a):
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4,
           q5="楼道灯坏了")
    client.force_login(manager_a)
    listing = client.get(f"{ADMIN}survey/").content.decode()
    assert survey_a.title in listing and "25%" in listing
    page = client.get(f"{ADMIN}survey/{survey_a.pk}/change/").content.decode()
    assert 'data-figure="response_rate">25.0%' in page
    assert "楼道灯坏了" in page
    assert 'data-action="close"' in page and 'id="survey-record"' in page


def test_a_supervisor_opens_a_draft_from_its_page(client, clock, place_a, homes_a,
                                                   questionnaire, supervisor):
    draft = services.survey_create(by=supervisor, community=place_a.community,
                                   questionnaire=questionnaire, period="2026-Q4")
    client.force_login(supervisor)
    client.post(f"{ADMIN}survey/{draft.pk}/act/", {"action": "open", "expected_state": "draft"})
    draft.refresh_from_db()
    assert draft.state == "open" and draft.recipients.count() == 4


def test_an_agent_records_paper_answers_in_the_back_office(client, survey_a, place_a,
                                                           questionnaire, agent_a):
    client.force_login(agent_a)
    url = f"{ADMIN}surveyresponse/record/?survey={survey_a.pk}"
    assert client.get(url).status_code == 200
    q = questionnaire.q
    data = {"unit": place_a.unit.pk, "channel": "paper", f"q{q[1].pk}": "4",
            f"q{q[2].pk}": str(questionnaire.options["fast"].pk), f"q{q[4].pk}": "5"}
    refused = client.post(url, data)
    assert refused.status_code == 400 and "Answer this question." in refused.content.decode()
    assert SurveyResponse.objects.count() == 0
    done = client.post(url, {**data, f"q{q[3].pk}": "9"})
    assert done.status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.channel, response.recorded_by) == ("paper", agent_a)


def test_an_agent_cannot_open_surveys_in_the_back_office(client, clock, place_a, questionnaire,
                                                         supervisor, agent_a):
    draft = services.survey_create(by=supervisor, community=place_a.community,
                                   questionnaire=questionnaire, period="2026-Q4")
    client.force_login(agent_a)
    page = client.get(f"{ADMIN}survey/{draft.pk}/change/").content.decode()
    assert 'data-action="open"' not in page
    client.post(f"{ADMIN}survey/{draft.pk}/act/", {"action": "open"})
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_questionnaire_with_answers_can_no_longer_be_changed(client, survey_a, place_a,
                                                               questionnaire, agent_a,
                                                               make_staff):
    admin_user = make_staff("System Manager")
    client.force_login(admin_user)
    url = f"{ADMIN}questionnaire/{questionnaire.pk}/change/"
    assert 'name="title"' in client.get(url).content.decode()
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4)
    assert 'name="title"' not in client.get(url).content.decode()
    client.post(url, {"code": "changed", "title": "改了"})
    questionnaire.refresh_from_db()
    assert questionnaire.code == "test"
    question = questionnaire.q[1]
    assert 'name="text"' not in client.get(
        f"{ADMIN}question/{question.pk}/change/").content.decode()


def test_the_results_workbook(client, survey_a, place_a, homes_a, questionnaire, agent_a,
                              manager_a):
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4,
           q5="电梯等太久")
    record(survey_a, homes_a[0], questionnaire, agent_a, q1=3, q2="never", q3=6, q4=2)
    client.force_login(manager_a)
    response = client.get(f"{ADMIN}survey/{survey_a.pk}/results.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Scores", "Answers", "Comments"]
    scores = {row[0]: row[1] for row in book["Scores"].iter_rows(values_only=True) if row}
    assert scores["Response rate (%)"] == 50.0
    assert scores["Customer service"] == 83.3 and scores["Overall"] == 67.8
    assert book["Answers"].max_row == 3
    assert [r[2] for r in book["Comments"].iter_rows(min_row=2, values_only=True)] == [
        "电梯等太久"]


def test_an_agent_may_not_download_the_results(client, survey_a, agent_a):
    client.force_login(agent_a)
    assert client.get(f"{ADMIN}survey/{survey_a.pk}/results.xlsx").status_code == 403


def test_the_home_page_shows_the_quarters_survey_score_against_the_target(
        survey_a, place_a, place_b, homes_a, questionnaire, supervisor, agent_a, manager_a,
        clock):
    record(survey_a, place_a.unit, questionnaire, agent_a, q1=5, q2="fast", q3=8, q4=4)
    survey_b = open_survey(place_b, questionnaire, supervisor)
    record(survey_b, place_b.unit, questionnaire, supervisor, q1=1, q2="never", q3=0, q4=1)
    numbers = card_numbers(workspace(manager_a, clock.now))
    # A's only: customer service 100, repairs 80, cleaning 75 → 85.0; 1 of 4 households.
    assert numbers["surveys_satisfaction"] == 85.0
    assert numbers["surveys_response_rate"] == 25.0
    assert "complaints_satisfaction" in numbers  # the complaints' own card stays
    card = next(c for s in workspace(manager_a, clock.now)["sections"] for c in s.cards
                if c.key == "surveys_satisfaction")
    assert card.met is True and "85" in card.target


def test_a_sent_survey_is_read_only_in_its_form(client, survey_a, supervisor):
    client.force_login(supervisor)
    url = f"{ADMIN}survey/{survey_a.pk}/change/"
    assert 'name="closes_on"' not in client.get(url).content.decode()
    assert client.post(url, {"title": "改名", "closes_on": "2027-06-30"}).status_code == 403
    survey_a.refresh_from_db()
    assert survey_a.title != "改名"


def test_a_draft_is_corrected_through_its_form(client, clock, place_a, questionnaire,
                                               supervisor):
    draft = services.survey_create(by=supervisor, community=place_a.community,
                                   questionnaire=questionnaire, period="2026-Q4")
    client.force_login(supervisor)
    response = client.post(f"{ADMIN}survey/{draft.pk}/change/", {
        "title": "四季度满意度调查", "opens_on": "2026-12-01", "closes_on": "2026-12-20"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, str(draft.closes_on)) == ("四季度满意度调查", "2026-12-20")
    assert draft.events.filter(action="changed").exists()
