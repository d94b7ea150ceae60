"""The enquiry resource of the API contract, the back-office list and its queues, and who
sees what: community A's staff never see community B's enquiries."""

import datetime

import pytest
from django.utils import timezone
from property_service.enquiries.models import Enquiry
from property_service.enquiries.selectors import is_overdue, overdue_q

from tests.enquiries.conftest import act
from tests.helpers import admin_url

URL = "/api/v1/enquiries/"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_the_desk_records_an_enquiry_through_the_api(client, clock, front_desk, place_a):
    client.force_login(front_desk)
    response = post(client, URL, {"unit": place_a.unit.pk, "channel": "walk_in",
                                  "content": "快递柜在哪里？"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("ZX-") and body["state"] == "new"
    assert body["community"] == place_a.community.pk and body["topic"] == "other"
    assert body["content"] == "快递柜在哪里？" and body["channel_label"] == "Walk-in"
    assert body["converted_to"] is None and body["complex"] is False
    assert [(d["name"], d["status"]) for d in body["deadlines"]] == [
        ("handover", "open"), ("contact", "open"), ("answer", "open")]
    assert datetime.datetime.fromisoformat(body["deadlines"][0]["due"]) == \
        timezone.now() + datetime.timedelta(hours=1)


def test_bad_input_is_a_400_in_the_callers_language_and_saves_nothing(client, front_desk,
                                                                      place_a):
    client.force_login(front_desk)
    response = post(client, URL, {"unit": place_a.unit.pk, "content": "", "channel": "fax"})
    assert response.status_code == 400
    assert set(response.json()) == {"content", "channel"}
    response = post(client, URL, {"unit": place_a.unit.pk, "channel": "fax", "content": "x"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "不是合法选项" in response.json()["channel"][0] or \
        "有效" in response.json()["channel"][0]
    assert not Enquiry.objects.exists()


def test_the_pipeline_through_transition_and_its_refusals(client, new_enquiry, front_desk,
                                                         agent):
    enquiry = new_enquiry()
    client.force_login(front_desk)
    url = f"{URL}{enquiry.pk}/transition/"
    response = post(client, url, {"action": "hand_over", "handler": agent.pk})
    assert response.status_code == 200 and response.json()["state"] == "handed_over"
    # The desk may not answer once it is handed over: 403, nothing changes.
    response = post(client, url, {"action": "answer", "comment": "x"})
    assert response.status_code == 403 and response.json()["detail"]
    response = post(client, url, {"action": "answer", "comment": "x"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert not any("a" <= ch.lower() <= "z" for ch in response.json()["detail"]
                   .replace(enquiry.number, "").replace("ZX", ""))
    client.force_login(agent)
    assert post(client, url, {"action": "answer"}).status_code == 400  # the answer is missing
    response = post(client, url, {"action": "contact", "expected_state": "new"})
    assert response.status_code == 409
    response = post(client, url, {"action": "answer", "comment": "在1号楼大堂"})
    assert response.status_code == 200 and response.json()["answer"] == "在1号楼大堂"
    assert post(client, url, {"action": "nonsense"}).status_code == 400
    assert [e.action for e in Enquiry.objects.get().events.all()] == [
        "created", "hand_over", "answer"]


def test_conversion_through_the_api_links_the_new_record(client, new_enquiry, agent):
    enquiry = new_enquiry()
    client.force_login(agent)
    response = post(client, f"{URL}{enquiry.pk}/transition/", {"action": "convert"})
    assert response.status_code == 400 and "into" in response.json()
    response = post(client, f"{URL}{enquiry.pk}/transition/",
                    {"action": "convert", "into": "complaint", "complaint_category": "fees"})
    assert response.status_code == 200
    converted = response.json()["converted_to"]
    assert converted["type"] == "complaint" and converted["number"].startswith("TS-")


def test_community_a_staff_never_see_community_b_enquiries(client, new_enquiry, agent,
                                                          place_b, make_staff):
    desk_b = make_staff("Front Desk", communities=[place_b.community])
    mine, theirs = new_enquiry(), new_enquiry(place=place_b, by=desk_b)
    client.force_login(agent)
    listed = client.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    response = post(client, f"{URL}{theirs.pk}/transition/", {"action": "contact"})
    assert response.status_code == 404
    assert client.get(admin_url("enquiry", "change", theirs.pk)).status_code in (302, 404)
    page = client.get(admin_url("enquiry", "changelist")).content.decode()
    assert mine.number in page and theirs.number not in page
    # Nor create one for a unit of B.
    response = post(client, URL, {"unit": place_b.unit.pk, "content": "x"})
    assert response.status_code == 400 and "unit" in response.json()


def test_maintenance_may_not_read_enquiries(client, new_enquiry, make_staff, place_a):
    new_enquiry()
    technician = make_staff("Maintenance", communities=[place_a.community])
    client.force_login(technician)
    assert client.get(URL).status_code == 403
    assert client.get(admin_url("enquiry", "changelist")).status_code == 403


def test_the_list_shows_its_queues_with_capped_counts(client, clock, new_enquiry, agent,
                                                      settings):
    settings.LIST_COUNT_CAP = 2
    for _ in range(4):
        new_enquiry()
    act(new_enquiry(), agent, "hand_over", handler=agent)
    client.force_login(agent)
    page = client.get(admin_url("enquiry", "changelist")).content.decode()
    assert "Waiting to be answered or handed over (2+)" in page
    assert "My open enquiries (1)" in page
    page = client.get(admin_url("enquiry", "changelist") + "?queue=mine").content.decode()
    assert page.count('class="field-number') == 1


@pytest.mark.parametrize("minutes", [30, 61, 200, 60 * 30])
def test_overdue_in_python_and_in_sql_agree(clock, new_enquiry, front_desk, agent, minutes):
    new_enquiry()
    act(new_enquiry(), front_desk, "hand_over", handler=agent)
    answered = act(new_enquiry(), front_desk, "hand_over", handler=agent)
    act(answered, agent, "answer", comment="好的")
    complex_one = act(new_enquiry(complex=True), front_desk, "hand_over", handler=agent)
    act(complex_one, agent, "answer", comment="核实中")
    now = timezone.now() + datetime.timedelta(minutes=minutes)
    in_python = {e.pk for e in Enquiry.objects.all() if is_overdue(e, now)}
    assert in_python == set(Enquiry.objects.filter(overdue_q(now)).values_list("pk", flat=True))
    if minutes == 61:
        assert len(in_python) == 1  # only the enquiry nobody took
