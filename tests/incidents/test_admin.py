"""The incident pages: the list, recording an incident, and working it from its form."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from property_service.incidents import services
from property_service.incidents.models import Incident, IncidentAttachment
from property_service.notices.models import Notice
from property_service.workorders.models import WorkOrderCategory

from tests.factories.incidents import IncidentFactory
from tests.helpers import admin_url
from tests.incidents.conftest import REPORT, act, write_report

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_security_records_an_incident_and_gets_its_checklist(client, guard, place_a):
    client.force_login(guard)
    assert client.get(admin_url("incident", "add")).status_code == 200
    response = client.post(admin_url("incident", "add"), {
        "kind": "power_cut", "community": place_a.community.pk, "location": "2号配电房",
        "buildings": [place_a.building.pk], "units": [place_a.unit.pk],
        "reported_at_0": "2026-11-20", "reported_at_1": "08:30:00", "people_affected": "120",
        "summary": "", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert incident.number.startswith("YJ-202611-") and incident.reported_by == guard
    assert incident.people_affected == 120 and list(incident.units.all()) == [place_a.unit]
    assert incident.checklist.count() >= 5


def test_a_unit_of_another_community_is_refused_on_the_form(client, make_staff, place_a,
                                                            place_b):
    client.force_login(make_staff("Security"))
    response = client.post(admin_url("incident", "add"), {
        "kind": "fire", "community": place_a.community.pk, "location": "车库",
        "units": [place_b.unit.pk], "reported_at_0": "2026-11-20",
        "reported_at_1": "08:30:00", "people_affected": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "These units are in another community" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_list_shows_state_type_community_and_people_affected(client, guard, new_incident):
    incident = new_incident(people_affected=37)
    client.force_login(guard)
    page = client.get(admin_url("incident", "changelist")).content.decode()
    assert incident.number in page and "Elevator entrapment" in page and "37" in page
    found = client.get(admin_url("incident", "changelist") + f"?q={incident.number}")
    assert incident.number in found.content.decode()
    filtered = client.get(admin_url("incident", "changelist") + "?kind__exact=fire")
    assert admin_url("incident", "change", incident.pk) not in filtered.content.decode()


def test_the_form_works_the_incident(client, guard, new_incident, place_a):
    incident = new_incident()
    client.force_login(guard)
    page = client.get(admin_url("incident", "change", incident.pk)).content.decode()
    for marker in ('data-action="contain"', 'id="incident-checklist"', 'data-action="note"',
                   'data-action="raise_work_orders"', 'data-action="raise_notice"',
                   'id="incident-report"'):
        assert marker in page
    act_url = admin_url("incident", "act", incident.pk)
    step = incident.checklist.first()
    client.post(act_url, {"action": "tick", "item": step.pk})
    step.refresh_from_db()
    assert step.done_by == guard
    at = timezone.localtime() - datetime.timedelta(minutes=3)
    client.post(act_url, {"action": "note", "comment": "维保公司已出发",
                          "at": at.strftime("%Y-%m-%dT%H:%M")})
    entry = incident.timeline_entries.get()
    assert entry.text == "维保公司已出发" and entry.at.minute == at.minute
    client.post(act_url, {"action": "raise_work_orders",
                          "category": WorkOrderCategory.objects.get(code="elevator").pk,
                          "units": [place_a.unit.pk], "comment": "电梯检修"})
    assert incident.work_orders.get().unit == place_a.unit
    client.post(act_url, {"action": "raise_notice"})
    assert Notice.objects.get().source_incident == incident
    client.post(act_url, {"action": "contain", "expected_state": "open"})
    incident.refresh_from_db()
    assert incident.state == "contained"
    page = client.get(admin_url("incident", "change", incident.pk)).content.decode()
    assert "维保公司已出发" in page and incident.work_orders.get().number in page
    assert "Step done" in page and "Mark as contained" in page


def test_a_refused_action_is_reported_on_the_page(client, guard, new_incident):
    incident = new_incident()
    act(incident, guard, "contain")
    client.force_login(guard)
    response = client.post(admin_url("incident", "act", incident.pk),
                           {"action": "draft_report", "expected_state": "contained"},
                           follow=True)
    assert "Write the report before submitting it" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).state == "contained"


def test_the_report_is_edited_on_the_form_until_it_is_submitted(client, guard, new_incident):
    incident = new_incident()
    client.force_login(guard)
    form = client.get(admin_url("incident", "change", incident.pk)).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields
            if name not in ("buildings", "units")}
    data.update({"buildings": [b.pk for b in incident.buildings.all()],
                 "units": [u.pk for u in incident.units.all()], **REPORT,
                 "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    for name in ("contained_at", "resolved_at"):
        data.pop(name, None)
        data[f"{name}_0"] = data[f"{name}_1"] = ""
    response = client.post(admin_url("incident", "change", incident.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.cause == REPORT["cause"]
    services.add_timeline_entry(incident_id=incident.pk, user=guard, text="维保人员到场")
    act(incident, guard, "contain")
    act(incident, guard, "draft_report")
    form = client.get(admin_url("incident", "change", incident.pk)).context["adminform"].form
    assert "summary" not in form.fields  # read-only once submitted


def test_the_front_desk_sees_incidents_but_cannot_work_them(client, make_staff, new_incident):
    incident = new_incident()
    client.force_login(make_staff("Front Desk"))
    page = client.get(admin_url("incident", "change", incident.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-action="contain"' not in text and 'data-action="raise_notice"' not in text
    assert 'id="incident-report"' in text
    client.post(admin_url("incident", "act", incident.pk), {"action": "contain"})
    assert Incident.objects.get(pk=incident.pk).state == "open"


def test_attachments_are_checked_by_content_and_served_to_who_may_see_them(
        client, guard, make_staff, new_incident, place_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    incident = new_incident()
    attachment = IncidentAttachment.objects.create(
        incident=incident, file=SimpleUploadedFile("scene.png", PNG), description="现场")
    client.force_login(guard)
    url = admin_url("incident", "attachment", attachment.pk)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client.force_login(make_staff("Security", communities=[place_b.community]))
    assert client.get(url).status_code == 404
    from django.core.exceptions import ValidationError
    from property_service.core.files import validate_attachment

    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile("fake.png", b"MZ not a picture"))


def test_incidents_appear_on_the_units_history(client, guard, new_incident, place_a):
    incident = new_incident()
    building_wide = new_incident(kind="power_cut", units=[], buildings=[place_a.building])
    client.force_login(guard)
    page = client.get(admin_url("unit", "change", place_a.unit.pk)).content.decode()
    assert incident.number in page and building_wide.number in page
    assert 'data-kind="incident"' in page


@pytest.mark.parametrize("role,status", [
    ("Security", 200), ("Property Manager", 200), ("System Manager", 200),
    ("CS Supervisor", 200), ("CS Agent", 200), ("Front Desk", 200),
    ("Maintenance", 403), ("Cleaning", 403), ("Admin & Finance", 200)])
def test_who_reaches_the_incidents(client, make_staff, place_a, role, status):
    incident = IncidentFactory(community=place_a.community)
    client.force_login(make_staff(role))
    assert client.get(admin_url("incident", "changelist")).status_code == status
    assert client.get(admin_url("incident", "change", incident.pk)).status_code == status
    report = client.get(admin_url("incident", "report", incident.pk))
    assert report.status_code == (200 if status == 200 else 403)


def test_a_user_of_community_a_reaches_nothing_of_community_b(client, make_staff, place_a,
                                                              place_b, new_incident,
                                                              settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    theirs = new_incident(place=place_b, by=make_staff("Security"), location="BBB机房")
    attachment = IncidentAttachment.objects.create(
        incident=theirs, file=SimpleUploadedFile("b.png", PNG))
    client.force_login(make_staff("Property Manager", communities=[place_a.community]))
    listing = client.get(admin_url("incident", "changelist")).content.decode()
    assert "BBB机房" not in listing
    assert client.get(admin_url("incident", "change", theirs.pk)).status_code in (302, 404)
    assert client.get(admin_url("incident", "report", theirs.pk)).status_code == 404
    assert client.get(admin_url("incident", "attachment", attachment.pk)).status_code == 404
    client.post(admin_url("incident", "act", theirs.pk), {"action": "contain"})
    assert Incident.objects.get(pk=theirs.pk).state == "open"


def test_the_manager_approves_from_the_form(client, guard, manager, new_incident):
    incident = new_incident()
    act(incident, guard, "contain")
    write_report(incident, guard)
    act(incident, guard, "draft_report")
    client.force_login(guard)
    page = client.get(admin_url("incident", "change", incident.pk)).content.decode()
    assert 'data-action="approve"' not in page
    client.force_login(manager)
    page = client.get(admin_url("incident", "change", incident.pk)).content.decode()
    assert 'data-action="approve"' in page and 'data-action="return_report"' in page
    client.post(admin_url("incident", "act", incident.pk),
                {"action": "approve", "expected_state": "report_drafted"})
    incident.refresh_from_db()
    assert incident.state == "approved" and incident.approved_by == manager
