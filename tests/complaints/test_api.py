"""The complaint resource of the API contract: intake, the pipeline through /transition/,
who may do what, scoping and the cost of the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.complaints import services
from property_service.complaints.deadlines import DEADLINES
from property_service.complaints.models import Complaint

from tests.factories.workorders import WorkOrderFactory

URL = "/api/v1/complaints/"


@pytest.fixture
def front_desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a")


@pytest.fixture
def new_complaint(place_a, front_desk):
    def make(place=None, by=None, **kwargs):
        place = place or place_a
        fields = {"community": place.community, "unit": place.unit, "channel": "phone",
                  "category": "repairs", "content": "楼上漏水一周没人管"}
        fields.update(kwargs)
        return services.create_complaint(by=by or front_desk, **fields)

    return make


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def transition(client, complaint, action, **data):
    return post(client, f"{URL}{complaint.pk}/transition/", {"action": action, **data})


def parse(text):
    return datetime.datetime.fromisoformat(text)


def test_the_front_desk_records_a_complaint_with_ids_and_codes(client, front_desk, place_a):
    client.force_login(front_desk)
    response = post(client, URL, {
        "unit": place_a.unit.pk, "category": "noise", "severity": "general",
        "content": "楼上每晚装修到十一点", "request": "晚上十点后停工",
        "resident": place_a.resident.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("TS-") and body["state"] == "received"
    assert body["community"] == place_a.community.pk and body["channel"] == "phone"
    assert body["severity_label"] == "General" and body["resident"] == place_a.resident.pk
    # A general complaint does not wait for the manager's acknowledgement.
    assert [d["name"] for d in body["deadlines"]] == [d.name for d in DEADLINES
                                                      if d.name != "acknowledge"]
    assert len(body["deadlines"]) == 6
    handover = body["deadlines"][0]
    assert handover["status"] == "open" and handover["done"] is None
    assert parse(handover["due"]) - parse(body["received_at"]) == datetime.timedelta(
        minutes=10)
    assert handover["due"].endswith("+08:00")
    assert body["work_orders"] == [] and body["supervisor"] is None
    assert Complaint.objects.get().number == body["number"]


def test_bad_input_is_refused_with_field_errors_and_nothing_is_saved(client, make_staff,
                                                                      place_a, place_b):
    client.force_login(make_staff("Front Desk", communities=[place_a.community]))
    response = post(client, URL, {
        "unit": place_b.unit.pk, "category": "weather", "severity": "urgent", "content": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert set(response.json()) >= {"unit", "category", "severity", "content"}
    assert not Complaint.objects.exists()


def test_a_unit_of_another_community_than_the_one_given_is_a_field_error(client, make_staff,
                                                                          place_a, place_b):
    client.force_login(make_staff("CS Supervisor", communities=None))
    response = post(client, URL, {
        "community": place_a.community.pk, "unit": place_b.unit.pk, "category": "repairs",
        "content": "漏水"})
    assert response.status_code == 400 and "unit" in response.json()
    assert not Complaint.objects.exists()


def test_a_complaint_goes_the_whole_way_through_transition(client, front_desk, supervisor,
                                                            new_complaint):
    complaint = new_complaint()
    client.force_login(front_desk)
    response = transition(client, complaint, "assign", supervisor=supervisor.pk)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "assigned"
    assert response.json()["supervisor"] == supervisor.pk
    refused = transition(client, complaint, "contact")
    assert refused.status_code == 403 and "detail" in refused.json()

    client.force_login(supervisor)
    assert transition(client, complaint, "contact").json()["state"] == "contacted"
    answered = transition(client, complaint, "answer", comment="明天上午维修")
    assert answered.status_code == 200 and answered.json()["answer"] == "明天上午维修"
    planned = transition(client, complaint, "agree_plan", comment="明天上午换管")
    assert planned.json()["state"] == "plan_agreed" and planned.json()["plan"] == "明天上午换管"
    resolved = transition(client, complaint, "resolve", comment="已换管")
    assert resolved.json()["state"] == "resolved"
    closed = transition(client, complaint, "follow_up", satisfied=True, satisfaction=5)
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["state"] == "closed" and body["satisfaction"] == 5
    assert {d["status"] for d in body["deadlines"]} == {"met"}


def test_a_missing_comment_or_verdict_is_a_field_error(client, front_desk, supervisor,
                                                       new_complaint):
    complaint = new_complaint()
    services.transition_complaint(complaint_id=complaint.pk, user=front_desk, action="assign",
                                  supervisor=supervisor)
    client.force_login(supervisor)
    assert "comment" in transition(client, complaint, "answer").json()
    transition(client, complaint, "contact")
    response = transition(client, complaint, "agree_plan")
    assert response.status_code == 400 and "comment" in response.json()
    response = transition(client, complaint, "follow_up", satisfaction=4)
    assert response.status_code == 400 and "satisfied" in response.json()
    response = transition(client, complaint, "escalate")
    assert response.status_code == 400 and "action" in response.json()


def test_a_major_complaints_plan_waits_for_the_managers_acknowledgement(
        client, front_desk, supervisor, manager, new_complaint):
    complaint = new_complaint(severity="major")
    services.transition_complaint(complaint_id=complaint.pk, user=front_desk, action="assign",
                                  supervisor=supervisor)
    client.force_login(supervisor)
    transition(client, complaint, "contact")
    refused = transition(client, complaint, "agree_plan", comment="赔偿并维修")
    assert refused.status_code == 403 and "detail" in refused.json()
    assert transition(client, complaint, "acknowledge").status_code == 403

    client.force_login(manager)
    acknowledged = transition(client, complaint, "acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["manager_acknowledged_at"] is not None

    client.force_login(supervisor)
    agreed = transition(client, complaint, "agree_plan", comment="赔偿并维修")
    assert agreed.status_code == 200 and agreed.json()["state"] == "plan_agreed"


def test_an_unhappy_follow_up_reopens_the_complaint(client, front_desk, supervisor,
                                                    new_complaint):
    complaint = new_complaint()
    services.transition_complaint(complaint_id=complaint.pk, user=front_desk, action="assign",
                                  supervisor=supervisor)
    for action, comment in (("contact", ""), ("agree_plan", "换管"), ("resolve", "已换管")):
        services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                      action=action, comment=comment)
    client.force_login(supervisor)
    response = transition(client, complaint, "follow_up", satisfied=False, satisfaction=2,
                          comment="还在漏")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "reopened" and body["reopen_count"] == 1
    assert body["satisfaction"] == 2


def test_a_stale_expected_state_is_a_conflict(client, front_desk, supervisor, new_complaint):
    complaint = new_complaint()
    client.force_login(front_desk)
    first = transition(client, complaint, "assign", supervisor=supervisor.pk,
                       expected_state="received")
    assert first.status_code == 200
    second = transition(client, complaint, "assign", supervisor=supervisor.pk,
                        expected_state="received")
    assert second.status_code == 409 and "detail" in second.json()
    client.force_login(supervisor)
    stale = transition(client, complaint, "answer", comment="已安排", expected_state="received")
    assert stale.status_code == 409
    complaint.refresh_from_db()
    assert complaint.answer == ""


def test_a_user_of_community_a_never_sees_a_complaint_of_community_b(
        client, make_staff, supervisor, place_a, place_b, new_complaint):
    everywhere = make_staff("CS Supervisor", communities=None)
    theirs = new_complaint(place=place_b, by=everywhere)
    ours = new_complaint()
    client.force_login(supervisor)
    listed = client.get(URL).json()["results"]
    assert [c["id"] for c in listed] == [ours.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.get(f"{URL}?search={theirs.number}").json()["results"] == []
    assert transition(client, theirs, "contact").status_code == 404
    assert client.patch(f"{URL}{theirs.pk}/", {"content": "改"},
                        content_type="application/json").status_code == 404


def test_maintenance_sees_no_complaints(client, make_staff, place_a, new_complaint):
    new_complaint()
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get(URL).status_code == 403


def test_only_the_wording_the_request_and_the_complainant_change_after_intake(
        client, front_desk, supervisor, place_a, new_complaint):
    complaint = new_complaint()
    client.force_login(front_desk)
    assert client.patch(f"{URL}{complaint.pk}/", {"content": "改"},
                        content_type="application/json").status_code == 403
    client.force_login(supervisor)
    refused = client.patch(f"{URL}{complaint.pk}/", {
        "content": "楼上漏水十天", "severity": "major", "category": "noise", "state": "closed"},
        content_type="application/json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"severity", "category", "state"}
    assert "after intake" in refused.json()["severity"][0]
    complaint.refresh_from_db()
    assert complaint.content == "楼上漏水一周没人管"
    response = client.patch(f"{URL}{complaint.pk}/", {
        "content": "楼上漏水十天", "emotional": True, "resident": place_a.resident.pk},
        content_type="application/json")
    assert response.status_code == 200, response.json()
    complaint.refresh_from_db()
    assert (complaint.content, complaint.emotional, complaint.resident) == (
        "楼上漏水十天", True, place_a.resident)
    assert (complaint.severity, complaint.category, complaint.state) == (
        "general", "repairs", "received")
    assert complaint.events.last().action == "corrected"


def test_the_list_filters_by_state_severity_and_number(client, front_desk, supervisor,
                                                        new_complaint):
    general, major = new_complaint(), new_complaint(severity="major", category="noise")
    services.transition_complaint(complaint_id=general.pk, user=front_desk, action="assign",
                                  supervisor=supervisor)
    client.force_login(supervisor)

    def ids(query):
        return [c["id"] for c in client.get(f"{URL}?{query}").json()["results"]]

    assert ids("state=assigned") == [general.pk]
    assert ids("severity=major") == [major.pk]
    assert ids("category=noise") == [major.pk]
    assert ids(f"search={general.number}") == [general.pk]
    assert client.get(f"{URL}?state=nonsense").status_code == 400


def add_complaints(n, place, by, new_complaint):
    for _ in range(n):
        complaint = new_complaint(by=by, severity="major")
        complaint.work_orders.add(WorkOrderFactory(unit=place.unit))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_2_or_12_complaints(client, supervisor, place_a,
                                                                new_complaint):
    client.force_login(supervisor)
    add_complaints(2, place_a, supervisor, new_complaint)
    few = count_queries(client, URL)
    add_complaints(10, place_a, supervisor, new_complaint)
    many = count_queries(client, URL)
    assert many == few
    assert len(client.get(URL).json()["results"]) == 12


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_deadline_is_written_as_its_serializer_writes_it(client, front_desk, supervisor,
                                                              new_complaint, language):
    from django.utils import timezone, translation
    from property_service.complaints.api import ComplaintDeadlineSerializer
    from property_service.complaints.deadlines import deadline_rows

    complaint = new_complaint()
    client.force_login(front_desk)
    transition(client, complaint, "assign", supervisor=supervisor.pk)
    client.force_login(supervisor)
    assert transition(client, complaint, "contact").status_code == 200  # one deadline met
    with translation.override(language):
        listed = client.get("/api/v1/complaints/").json()["results"][0]["deadlines"]
        rows = [{"name": row.deadline.name, "label": str(row.deadline.label), "due": row.due,
                 "done": row.done, "status": row.status, "round": row.round}
                for row in deadline_rows(Complaint.objects.get(pk=complaint.pk),
                                         timezone.now())]
        assert listed == parse_json(ComplaintDeadlineSerializer(rows, many=True).data)
    assert any(row["done"] for row in listed) and any(row["due"] for row in listed)


def parse_json(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))
