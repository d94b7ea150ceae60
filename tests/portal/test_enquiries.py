"""A resident asks a question in the portal and reads the answer there; nobody else's
questions are reachable."""

from property_service.enquiries import services as enquiry_services
from property_service.enquiries.models import Enquiry


def ask(client, unit, question="装修需要办什么手续？", topic="decoration", **extra):
    return client.post("/portal/enquiries/new/", {"unit": unit.pk, "topic": topic,
                                                  "question": question}, **extra)


def test_a_resident_asks_a_question_and_reads_the_answer(client, clock, resident_a, place_a,
                                                         make_staff):
    client.force_login(resident_a)
    response = ask(client, place_a.unit)
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == \
        f"/portal/enquiries/{enquiry.pk}/"
    assert (enquiry.channel, enquiry.resident, enquiry.state) == (
        "app", place_a.resident, "new")
    assert enquiry.handover_by is not None
    page = client.get(f"/portal/enquiries/{enquiry.pk}/").content.decode()
    assert "装修需要办什么手续" in page and 'id="answer"' not in page
    agent = make_staff("CS Agent", communities=[place_a.community])
    enquiry_services.transition_enquiry(enquiry_id=enquiry.pk, user=agent, action="hand_over")
    enquiry_services.transition_enquiry(enquiry_id=enquiry.pk, user=agent, action="answer",
                                        comment="到物业中心填写装修申请表")
    page = client.get(f"/portal/enquiries/{enquiry.pk}/").content.decode()
    assert 'id="answer"' in page and "到物业中心填写装修申请表" in page
    assert enquiry.number in client.get("/portal/enquiries/").content.decode()


def test_an_empty_question_is_refused_in_the_residents_language(client, resident_a, place_a):
    client.force_login(resident_a)
    response = ask(client, place_a.unit, question="  ", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and not Enquiry.objects.exists()


def test_a_resident_cannot_ask_for_another_unit_or_read_anothers_questions(
        client, resident_a, neighbour, place_a, place_b):
    client.force_login(neighbour)
    ask(client, neighbour.resident_account.resident.occupancies.get().unit)
    theirs = Enquiry.objects.get()
    client.force_login(resident_a)
    response = ask(client, place_b.unit)
    assert response.status_code == 400 and Enquiry.objects.count() == 1
    assert client.get(f"/portal/enquiries/{theirs.pk}/").status_code == 404
    assert theirs.number not in client.get("/portal/enquiries/").content.decode()


def test_a_resident_cannot_move_an_enquiry(client, resident_a, place_a):
    client.force_login(resident_a)
    ask(client, place_a.unit)
    enquiry = Enquiry.objects.get()
    response = client.post(f"/api/v1/enquiries/{enquiry.pk}/transition/",
                           {"action": "close", "comment": "x"},
                           content_type="application/json")
    assert response.status_code in (403, 404)
    assert Enquiry.objects.get().state == "new"
