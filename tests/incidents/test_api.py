"""The incident resource of the API contract: intake with ids and codes, the pipeline through
/transition/, checklist ticks, timeline entries, the PDF report, and scoping."""

import io

import pytest
from property_service.incidents.models import Incident
from pypdf import PdfReader

from tests.factories.incidents import IncidentFactory
from tests.incidents.conftest import REPORT

URL = "/api/v1/incidents/"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def transition(client, incident_id, action, **data):
    return post(client, f"{URL}{incident_id}/transition/", {"action": action, **data})


def create(client, place, **data):
    body = {"kind": "elevator_entrapment", "location": "3栋电梯", "units": [place.unit.pk],
            "buildings": [place.building.pk], "people_affected": 2}
    body.update(data)
    return post(client, URL, body)


def test_security_records_an_incident_with_ids_and_codes(client, guard, place_a):
    client.force_login(guard)
    response = create(client, place_a)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("YJ-") and body["state"] == "open"
    assert body["community"] == place_a.community.pk
    assert body["kind_label"] == "Elevator entrapment" and body["state_label"] == "Open"
    assert body["units"] == [place_a.unit.pk] and body["reported_by"] == guard.pk
    assert len(body["checklist"]) >= 5 and body["checklist"][0]["done"] is False
    assert [line["kind"] for line in body["timeline"]] == ["event"]
    assert body["reported_at"].endswith("+08:00")


def test_a_unit_of_another_community_is_refused_and_nothing_saved(client, make_staff, place_a,
                                                                  place_b):
    client.force_login(make_staff("Security"))
    response = create(client, place_a, community=place_a.community.pk,
                      units=[place_b.unit.pk], buildings=[])
    assert response.status_code == 400
    assert "another community" in response.json()["units"][0]
    limited = make_staff("Security", communities=[place_a.community])
    client.force_login(limited)
    assert create(client, place_a, units=[place_b.unit.pk]).status_code == 400
    assert create(client, place_a, kind="earthquake").status_code == 400
    assert not Incident.objects.exists()


def test_the_pipeline_runs_through_transition(client, guard, manager, place_a):
    client.force_login(guard)
    incident_id = create(client, place_a).json()["id"]
    assert transition(client, incident_id, "contain").json()["state"] == "contained"
    refused = transition(client, incident_id, "draft_report")
    assert refused.status_code == 400 and "still empty" in refused.json()["detail"]
    patched = client.patch(f"{URL}{incident_id}/", REPORT, content_type="application/json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["summary"] == REPORT["summary"]
    assert post(client, f"{URL}{incident_id}/timeline/",
                {"text": "维保人员到场"}).status_code == 201
    assert transition(client, incident_id, "draft_report").json()["state"] == "report_drafted"
    assert client.patch(f"{URL}{incident_id}/", {"cause": "x"},
                        content_type="application/json").status_code == 400
    assert transition(client, incident_id, "approve").status_code == 403
    client.force_login(manager)
    stale = transition(client, incident_id, "approve", expected_state="contained")
    assert stale.status_code == 409
    approved = transition(client, incident_id, "approve", comment="同意")
    assert approved.status_code == 200 and approved.json()["approved_by"] == manager.pk
    assert transition(client, incident_id, "fly").status_code == 400


@pytest.mark.parametrize("field,value", [("kind", "fire"), ("state", "closed"),
                                         ("community", None), ("reported_by", None)])
def test_a_patch_of_what_intake_fixed_is_refused_naming_the_field(client, guard, place_a,
                                                                  place_b, field, value):
    client.force_login(guard)
    incident_id = create(client, place_a).json()["id"]
    value = place_b.community.pk if field == "community" else value
    response = client.patch(f"{URL}{incident_id}/", {field: value, "people_affected": 5},
                            content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {field: ["This can no longer be changed after intake."]}
    stored = Incident.objects.get(pk=incident_id)
    assert (stored.kind, stored.state, stored.community_id, stored.reported_by_id,
            stored.people_affected) == ("elevator_entrapment", "open", place_a.community.pk,
                                        guard.pk, 2)


def test_steps_are_ticked_and_timeline_entries_added(client, guard, place_a):
    client.force_login(guard)
    body = create(client, place_a).json()
    step = body["checklist"][1]["id"]
    ticked = post(client, f"{URL}{body['id']}/tick/", {"item": step})
    assert ticked.status_code == 200
    row = next(i for i in ticked.json()["checklist"] if i["id"] == step)
    assert row["done"] and row["done_by"] == guard.pk and row["done_at"]
    assert any(line["kind"] == "step" for line in ticked.json()["timeline"])
    untick = post(client, f"{URL}{body['id']}/tick/", {"item": step, "done": False})
    assert not next(i for i in untick.json()["checklist"] if i["id"] == step)["done"]
    added = post(client, f"{URL}{body['id']}/timeline/", {"text": "维保人员到场"})
    assert added.status_code == 201
    entry = next(line for line in added.json()["timeline"] if line["kind"] == "entry")
    assert entry["text"] == "维保人员到场" and entry["by"] == guard.pk
    assert post(client, f"{URL}{body['id']}/timeline/", {"text": ""}).status_code == 400


def test_viewers_cannot_work_incidents(client, make_staff, place_a):
    incident = IncidentFactory(community=place_a.community)
    client.force_login(make_staff("CS Agent"))
    assert client.get(f"{URL}{incident.pk}/").status_code == 200
    assert create(client, place_a).status_code == 403
    assert transition(client, incident.pk, "contain").status_code == 403
    assert post(client, f"{URL}{incident.pk}/timeline/", {"text": "x"}).status_code == 403


def test_the_report_is_a_pdf_in_the_callers_language(client, guard, new_incident):
    incident = new_incident(summary="配电房跳闸，全楼停电。")
    client.force_login(guard)
    response = client.get(f"{URL}{incident.pk}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "配电房跳闸，全楼停电。" in reader.pages[0].extract_text()
    asked = client.get(f"{URL}{incident.pk}/report/", HTTP_ACCEPT="application/pdf")
    assert asked.status_code == 200 and asked.content.startswith(b"%PDF-")


def test_the_list_filters_searches_and_pages_by_cursor(client, guard, place_a):
    fire = IncidentFactory(community=place_a.community, kind="fire", number="YJ-202611-00007")
    IncidentFactory(community=place_a.community, kind="flooding")
    client.force_login(guard)
    body = client.get(URL, {"kind": "fire"}).json()
    assert [row["id"] for row in body["results"]] == [fire.pk]
    assert {"next", "previous", "results"} <= set(body)
    assert [r["id"] for r in client.get(URL, {"search": fire.number}).json()["results"]] == [
        fire.pk]
    assert len(client.get(URL, {"page_size": 1}).json()["results"]) == 1
    assert client.get(URL, {"unit": 999999}).json()["results"] == []


@pytest.mark.parametrize("role,status", [("Security", 200), ("Front Desk", 200),
                                         ("CS Supervisor", 200), ("Maintenance", 403),
                                         ("Cleaning", 403), ("Admin & Finance", 200)])
def test_who_reaches_incidents_in_the_api(client, make_staff, place_a, role, status):
    incident = IncidentFactory(community=place_a.community)
    client.force_login(make_staff(role))
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}{incident.pk}/report/").status_code == (
        200 if status == 200 else 403)


def test_another_communitys_incidents_are_out_of_reach(client, make_staff, place_a, place_b):
    theirs = IncidentFactory(community=place_b.community)
    client.force_login(make_staff("Property Manager", communities=[place_a.community]))
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.get(f"{URL}{theirs.pk}/report/").status_code == 404
    assert transition(client, theirs.pk, "contain").status_code == 404
    assert post(client, f"{URL}{theirs.pk}/tick/", {"item": 1}).status_code == 404


def test_the_schema_documents_the_incident_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/incidents/", "/api/v1/incidents/{id}/transition/",
                 "/api/v1/incidents/{id}/tick/", "/api/v1/incidents/{id}/timeline/"):
        assert path in schema["paths"]
    report = schema["paths"]["/api/v1/incidents/{id}/report/"]["get"]
    assert "application/pdf" in report["responses"]["200"]["content"]
