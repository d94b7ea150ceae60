"""The desk files an enquiry as its third kind of record: answered on the spot, or left for a
handler with its deadlines; refused input saves nothing."""

import pytest
from property_service.enquiries.models import Enquiry

DESK = "/admin/property_service/calldesk/"


@pytest.fixture
def desk(client, agent):
    client.force_login(agent)
    return client


def enquiry(unit, resident, **changes):
    return {"kind": "enquiry", "action": "save", "unit": unit.pk, "resident": resident.pk,
            "topic": "parking", "question": "临时车位怎么收费？", "answer": "",
            "channel": "phone", **changes}


def test_the_picked_unit_shows_the_enquiry_form(desk, flat):
    unit, resident = flat
    page = desk.get(DESK, {"unit": unit.pk, "resident": resident.pk}).content.decode()
    assert 'id="desk-enquiry"' in page and 'name="question"' in page


def test_an_enquiry_answered_on_the_spot_is_saved_as_answered_at_the_desk(desk, flat, clock):
    unit, resident = flat
    response = desk.post(DESK, enquiry(unit, resident, answer="每小时5元"))
    saved = Enquiry.objects.get()
    assert response.status_code == 302 and f"saved=enquiry%3A{saved.pk}" in response["Location"]
    assert (saved.state, saved.answer, saved.unit, saved.resident) == (
        "desk_answered", "每小时5元", unit, resident)
    page = desk.get(response["Location"]).content.decode()
    assert saved.number in page


def test_an_enquiry_without_an_answer_waits_for_a_handler_with_its_deadlines(desk, flat, clock):
    unit, resident = flat
    desk.post(DESK, enquiry(unit, resident, complex="on"))
    saved = Enquiry.objects.get()
    assert saved.state == "new" and saved.complex and saved.resolve_by is not None
    assert saved.chase_at is not None


def test_an_enquiry_without_a_question_is_refused_and_nothing_saved(desk, flat, clock):
    unit, resident = flat
    response = desk.post(DESK, enquiry(unit, resident, question=""),
                         HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and not Enquiry.objects.exists()
    assert 'data-error="question"' in response.content.decode()
    assert "该字段是必填项" in response.content.decode()


def test_another_communitys_unit_cannot_be_asked_about(desk, flat, place_b, clock):
    response = desk.post(DESK, enquiry(place_b.unit, place_b.resident))
    assert response.status_code == 400 and not Enquiry.objects.exists()
