"""Complaint deadlines escalate on the shared ladder; repeated repairs become a complaint; the
unit page and the back office show complaints to the right people only."""

from property_service.complaints.jobs import chase_complaints
from property_service.complaints.models import Complaint
from property_service.core.models import EscalationStep, Notification
from property_service.workorders import services as work_orders
from property_service.workorders.models import WorkOrderCategory

from tests.complaints.conftest import act
from tests.helpers import admin_url
from tests.workorders.conftest import at


def test_a_missed_handover_escalates_once_per_step(new_complaint, agent, supervisor, manager):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    chase_complaints(now=at("2026-11-25 10:09"))  # 80 % of 10 minutes: the agents are warned
    assert Notification.objects.filter(user=agent, kind="sla_warning").count() == 1
    chase_complaints(now=at("2026-11-25 16:00"))
    chase_complaints(now=at("2026-11-25 16:00"))
    steps = set(EscalationStep.objects.filter(target_id=complaint.pk).values_list("clock",
                                                                                "step"))
    assert ("handover", "breach") in steps and ("handover", "manager") in steps
    assert ("resolve", "breach") not in steps
    handover_breaches = Notification.objects.filter(user=supervisor, kind="complaint_escalated",
                                                     message__contains="Handed")
    assert handover_breaches.count() == 1


def test_met_deadlines_do_not_escalate(new_complaint, front_desk, supervisor):
    complaint = new_complaint()
    act(complaint, front_desk, "assign", supervisor=supervisor)
    chase_complaints()
    assert not EscalationStep.objects.filter(target_id=complaint.pk, clock="handover").exists()


def test_the_third_repair_report_opens_a_complaint_and_the_fourth_updates_it(
        place_a, make_staff, supervisor):
    agent = make_staff("CS Agent", communities=[place_a.community])
    leak = WorkOrderCategory.objects.get(code="water_leak")
    orders = [work_orders.create_work_order(by=agent, community=place_a.community,
                                            unit=place_a.unit, channel="phone", category=leak,
                                            description=f"漏水第{i + 1}次") for i in range(4)]
    complaint = Complaint.objects.get()
    assert complaint.category == "repairs" and complaint.unit == place_a.unit
    assert set(complaint.work_orders.all()) == set(orders)
    assert orders[2].complaints.get() == complaint


def test_front_desk_records_but_cannot_resolve_and_maintenance_sees_none(
        client, new_complaint, front_desk, make_staff, place_a):
    complaint = new_complaint()
    client.force_login(front_desk)
    page = client.get(admin_url("complaint", "change", complaint.pk)).content.decode()
    assert 'data-action="assign"' in page and 'data-action="resolve"' not in page
    assert 'data-deadline="handover"' in page
    technician = make_staff("Maintenance", communities=[place_a.community])
    client.force_login(technician)
    assert client.get(admin_url("complaint", "changelist")).status_code == 403
    assert client.get(admin_url("complaint", "change", complaint.pk)).status_code == 403


def test_buttons_move_a_complaint(client, new_complaint, supervisor):
    complaint = new_complaint()
    client.force_login(supervisor)
    client.post(f"/admin/property_service/complaint/{complaint.pk}/act/",
                {"action": "assign", "supervisor": supervisor.pk, "expected_state": "received"})
    complaint.refresh_from_db()
    assert (complaint.state, complaint.supervisor) == ("assigned", supervisor)


def test_an_agent_records_a_complaint_through_the_form(client, agent, place_a):
    client.force_login(agent)
    response = client.post(admin_url("complaint", "add"), {
        "community": place_a.community.pk, "unit": place_a.unit.pk, "channel": "walk_in",
        "category": "noise", "severity": "general", "content": "楼上装修噪音", "request": "",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert Complaint.objects.get().number.startswith("TS-")
    bad = client.post(admin_url("complaint", "add"), {
        "community": place_a.community.pk, "channel": "walk_in", "category": "noise",
        "severity": "catastrophic", "content": ""})
    assert bad.status_code == 200 and Complaint.objects.count() == 1


def test_complaints_show_on_the_unit_page(client, new_complaint, supervisor, place_a):
    complaint = new_complaint()
    client.force_login(supervisor)
    page = client.get(admin_url("unit", "change", place_a.unit.pk)).content.decode()
    assert complaint.number in page


def test_attachments_are_checked_and_served_only_within_scope(client, new_complaint, supervisor,
                                                              make_staff, place_b, settings,
                                                              tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from property_service.complaints.models import ComplaintAttachment

    settings.MEDIA_ROOT = tmp_path
    complaint = new_complaint()
    pdf = b"%PDF-1.7 complaint letter"
    client.force_login(supervisor)
    data = {"resident": "", "content": complaint.content, "request": complaint.request,
            "staff_concerned": "", "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "0", "attachments-0-description": "信",
            "attachments-0-file": SimpleUploadedFile("letter.pdf", pdf)}
    assert client.post(admin_url("complaint", "change", complaint.pk), data).status_code == 302
    attachment = ComplaintAttachment.objects.get()
    url = f"/admin/property_service/complaint/attachment/{attachment.pk}/"
    assert b"".join(client.get(url).streaming_content) == pdf
    data["attachments-0-file"] = SimpleUploadedFile("virus.exe", b"MZ\\x90\\x00")
    assert client.post(admin_url("complaint", "change", complaint.pk), data).status_code == 200
    assert ComplaintAttachment.objects.count() == 1
    client.force_login(make_staff("CS Supervisor", communities=[place_b.community]))
    assert client.get(url).status_code == 404


def test_the_handover_list_offers_only_supervisors_of_the_community(client, new_complaint,
                                                                   front_desk, supervisor,
                                                                   make_staff, place_b):
    make_staff("CS Supervisor", communities=[place_b.community], username="sup_b")
    client.force_login(front_desk)
    page = client.get(admin_url("complaint", "change", new_complaint().pk)).content.decode()
    assert f'<option value="{supervisor.pk}">sup_a</option>' in page
    assert "sup_b" not in page
