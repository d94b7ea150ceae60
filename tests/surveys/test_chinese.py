"""The survey pages speak Chinese in zh-hans: the back office's and the resident's."""

from property_service.surveys import services

from tests.english import english_words, readable_texts
from tests.surveys.conftest import answers

ADMIN = "/admin/property_service/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# The personas' names, the test questionnaire's English title and what the timeline stored
# (in the language of the moment, English in these tests) are data.
DATA = ("Community AAA", "Resident AAA", "Test survey", "satisfaction survey",
        "Sent to 4 households.")


def readable(html: str) -> list[str]:
    found = []
    for text in readable_texts(html):
        for name in DATA:
            text = text.replace(name, "")
        found += english_words(text)
    return found


def test_the_survey_pages_of_the_back_office_are_chinese(client, settings, survey_a, place_a,
                                                         questionnaire, supervisor, agent_a):
    settings.LANGUAGE_CODE = "zh-hans"
    services.survey_record_response(by=agent_a, survey_id=survey_a.pk, unit=place_a.unit,
                                    channel="phone",
                                    answers=answers(questionnaire, q1=5, q2="fast", q3=8, q4=4,
                                                    q5="很好"))
    client.force_login(supervisor)
    for url in (f"{ADMIN}survey/", f"{ADMIN}survey/{survey_a.pk}/change/",
                f"{ADMIN}surveyresponse/", f"{ADMIN}surveyresponse/record/?survey={survey_a.pk}",
                f"{ADMIN}questionnaire/", f"{ADMIN}questionnaire/{questionnaire.pk}/change/",
                f"{ADMIN}question/{questionnaire.q[2].pk}/change/"):
        response = client.get(url, **ZH)
        assert response.status_code == 200, url
        assert readable(response.content.decode()) == [], url
    page = client.get(f"{ADMIN}survey/{survey_a.pk}/change/", **ZH).content.decode()
    assert "回收率" in page and "客服服务" in page and "进行中" in page


def test_a_refused_answer_is_told_in_chinese(client, settings, survey_a, place_a,
                                             questionnaire, agent_a):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(agent_a)
    response = client.post("/api/v1/survey-responses/", {
        "survey": survey_a.pk, "unit": place_a.unit.pk, "channel": "phone",
        "answers": answers(questionnaire, q1=9, q2="fast", q3=8, q4=4)},
        content_type="application/json", **ZH)
    assert response.status_code == 400
    assert response.json()["answers"] == {
        str(questionnaire.q[1].pk): ["请填写 1 至 5 之间的整数。"]}


def test_the_residents_survey_pages_are_chinese(client, settings, survey_a, place_a,
                                                resident_a):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(resident_a)
    for url in ("/portal/", "/portal/surveys/",
                f"/portal/surveys/{survey_a.pk}/{place_a.unit.pk}/"):
        response = client.get(url, **ZH)
        assert response.status_code == 200, url
        assert readable(response.content.decode()) == [], url
