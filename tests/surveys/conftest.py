"""A small questionnaire whose scores are easy to work out by hand, and communities A and B with
a few households each."""

import datetime

import pytest
from property_service.portal import services as portal_services
from property_service.surveys import services
from property_service.surveys.models import Question, Questionnaire, QuestionOption

from tests.factories.registry import OccupancyFactory, UnitFactory

PASSWORD = "Resident-pass-2026"


@pytest.fixture
def questionnaire(db):
    """q1 customer service 1-5; q2 customer service single choice (100 / 75 / no score);
    q3 repairs 0-10; q4 cleaning 1-5; q5 free text, optional."""
    form = Questionnaire.objects.create(code="test", title="测试问卷", title_en="Test survey")
    q = {}
    for position, (dimension, kind, text) in enumerate([
            ("customer_service", "scale_5", "客服态度"), ("customer_service", "choice", "答复速度"),
            ("maintenance", "scale_10", "维修质量"), ("cleaning", "scale_5", "清洁"),
            ("customer_service", "text", "建议")], start=1):
        q[position] = Question.objects.create(questionnaire=form, position=position,
                                              dimension=dimension, kind=kind, text=text,
                                              text_en=f"Question {position}",
                                              required=kind != "text")
    options = {key: QuestionOption.objects.create(question=q[2], position=n, label_zh=label,
                                                  label_en=key, score=score)
               for n, (key, label, score) in enumerate(
                   [("fast", "很快", 100), ("same_day", "当天", 75), ("never", "没问过", None)],
                   start=1)}
    form.q, form.options = q, options
    return form


def add_households(place, count: int) -> list:
    """``count`` more lived-in units in the place's building (the place's own unit is one)."""
    units = []
    for n in range(count):
        unit = UnitFactory(building=place.building, number=f"{400 + n}")
        OccupancyFactory(unit=unit, resident__name=f"{place.community.code}-住户{n}")
        units.append(unit)
    return units


def answers(form, q1=None, q2=None, q3=None, q4=None, q5=None) -> list[dict]:
    given = []
    for number, key, value in ((1, "value", q1), (3, "value", q3), (4, "value", q4)):
        if value is not None:
            given.append({"question": form.q[number].pk, key: value})
    if q2 is not None:
        given.append({"question": form.q[2].pk, "option": form.options[q2].pk})
    if q5 is not None:
        given.append({"question": form.q[5].pk, "text": q5})
    return given


@pytest.fixture
def supervisor(make_staff):
    return make_staff("CS Supervisor", username="supervisor_all")


@pytest.fixture
def agent_a(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def manager_a(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="manager_a")


def open_survey(place, form, by, period="2026-Q4", closes_on=datetime.date(2026, 12, 31)):
    survey = services.survey_create(by=by, community=place.community, questionnaire=form,
                                    period=period, opens_on=datetime.date(2026, 11, 1),
                                    closes_on=closes_on)
    return services.survey_transition(survey_id=survey.pk, user=by, action="open")


@pytest.fixture
def survey_a(clock, place_a, homes_a, questionnaire, supervisor):
    """Community A's open survey of 2026-Q4, sent to 4 households (A's unit and three more)."""
    return open_survey(place_a, questionnaire, supervisor)


@pytest.fixture
def homes_a(place_a):
    return add_households(place_a, 3)


@pytest.fixture
def resident_a(place_a):
    return portal_services.create_account(by=None, resident=place_a.resident,
                                          username="resident_a", password=PASSWORD).user


@pytest.fixture
def resident_b(place_b):
    return portal_services.create_account(by=None, resident=place_b.resident,
                                          username="resident_b", password=PASSWORD).user
