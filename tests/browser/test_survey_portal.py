"""A resident answers the quarterly satisfaction survey on a phone in the portal, in Simplified
Chinese; staff then see the answer in the survey's figures. In a real browser."""

import pytest
from property_service.portal import services as portal_services
from property_service.surveys import services
from property_service.surveys.models import Questionnaire, SurveyResponse

from tests.browser.conftest import PHONE

PASSWORD = "Resident-pass-2026"


def log_in(page, url, username, password):
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_resident_answers_the_survey_in_chinese(live_server, browser, screenshot, clock,
                                                   make_staff, place_a, place_b):
    portal_services.create_account(by=None, resident=place_a.resident,
                                   username="owner_survey", password=PASSWORD)
    supervisor = make_staff("CS Supervisor", username="supervisor_survey")
    questionnaire = Questionnaire.objects.get(code="quarterly")
    surveys = {}
    for place in (place_a, place_b):
        survey = services.survey_create(by=supervisor, community=place.community,
                                        questionnaire=questionnaire, period="2026-Q4")
        surveys[place.community.code] = services.survey_transition(
            survey_id=survey.pk, user=supervisor, action="open")
    mine = surveys["AAA"]

    phone = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"},
                                **PHONE).new_page()
    log_in(phone, f"{live_server.url}/portal/login/", "owner_survey", PASSWORD)
    phone.wait_for_url(f"{live_server.url}/portal/")
    assert "待您填写的满意度调查" in phone.inner_text("#surveys-waiting")
    phone.click("a[href$=\"/portal/surveys/\"]")
    phone.wait_for_url("**/portal/surveys/")
    # Only the survey of the resident's own community is offered.
    assert phone.locator(f'[data-survey="{mine.pk}"]').count() == 1
    assert phone.locator(f'[data-survey="{surveys["BBB"].pk}"]').count() == 0
    phone.click(f'[data-survey="{mine.pk}"]')
    phone.wait_for_selector("#survey-form")
    assert "客服人员的服务态度" in phone.inner_text("#survey")
    screenshot(phone, "1-questionnaire")

    # Sent without the last scale question: the page says which one is missing.
    questions = list(questionnaire.questions.order_by("position"))
    for question in questions[:-2]:
        field = f"[name=q{question.pk}]"
        if question.kind == "scale_5":
            phone.select_option(field, "5")
        elif question.kind == "choice":
            phone.select_option(field, str(question.options.order_by("position")[1].pk))
    phone.click("#survey-form button[type=submit]")
    phone.wait_for_selector("#survey-form .errorlist")
    assert "请回答此题。" in phone.inner_text(f'[data-question="{questions[-2].pk}"]')
    assert SurveyResponse.objects.count() == 0

    phone.select_option(f"[name=q{questions[-2].pk}]", "9")
    phone.fill(f"[name=q{questions[-1].pk}]", "希望电梯早高峰多开一台")
    phone.click("#survey-form button[type=submit]")
    phone.wait_for_url("**/portal/surveys/")
    assert "谢谢！您的答卷已收到。" in phone.inner_text(".messages")
    assert phone.locator(f'[data-survey="{mine.pk}"]').count() == 0
    screenshot(phone, "2-answered")

    response = SurveyResponse.objects.get()
    assert (response.survey, response.unit, response.channel) == (mine, place_a.unit, "portal")
    # Answering again is refused: the page says the household has answered.
    phone.goto(f"{live_server.url}/portal/surveys/{mine.pk}/{place_a.unit.pk}/")
    assert "您家已填写本次调查" in phone.inner_text("#survey")
    assert phone.locator("#survey-form").count() == 0
