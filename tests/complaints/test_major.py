"""Major complaints: raised after intake by a supervisor, acknowledged by the manager by a
deadline, and chased when the acknowledgement is late."""

import pytest
from django.utils import timezone
from property_service.complaints import services
from property_service.complaints.deadlines import deadline_rows
from property_service.complaints.jobs import chase_complaints
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.models import EscalationStep, Notification

from tests.complaints.conftest import act
from tests.workorders.conftest import at

URL = "/api/v1/complaints/"


@pytest.fixture
def at_time(monkeypatch):
    def set_now(text):
        monkeypatch.setattr(timezone, "now", lambda: at(text))

    return set_now


def test_a_supervisor_raises_a_complaint_to_major_after_intake(new_complaint, front_desk,
                                                               supervisor, manager, at_time):
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    at_time("2026-11-25 10:05")
    complaint = act(complaint, front_desk, "assign", supervisor=supervisor)
    complaint = act(complaint, supervisor, "contact")
    at_time("2026-11-25 10:40")
    complaint = services.raise_to_major(complaint_id=complaint.pk, user=supervisor,
                                        reason="住户受伤，要求赔偿")
    assert complaint.severity == "major"
    # The major promises, from receipt: answer in 48 h, resolution in 7 working days.
    assert complaint.answer_by == at("2026-11-27 10:00")
    assert complaint.resolve_by == at("2026-12-04 10:00")
    # Met deadlines stay as they were; the manager's acknowledgement runs from now.
    assert complaint.contact_by == at("2026-11-25 10:30")
    assert complaint.acknowledge_by == at("2026-11-25 11:40")
    told = Notification.objects.get(user=manager, kind="complaint_escalated")
    assert "raised to a major complaint" in told.message and "住户受伤" in told.message
    event = complaint.events.get(action="raise_major")
    assert (event.by, event.comment) == (supervisor, "住户受伤，要求赔偿")
    assert event.action_label == "Raised to major"
    # Now the plan waits for the manager, as for a complaint recorded as major.
    with pytest.raises(NotAllowed, match="acknowledgement"):
        act(complaint, supervisor, "agree_plan", comment="赔偿方案")


def test_only_those_with_the_permission_raise_and_only_open_general_complaints(
        new_complaint, front_desk, supervisor, agent):
    complaint = new_complaint()
    for user in (front_desk, agent):
        with pytest.raises(NotAllowed):
            services.raise_to_major(complaint_id=complaint.pk, user=user, reason="严重")
    with pytest.raises(ActionError, match="comment is required"):
        services.raise_to_major(complaint_id=complaint.pk, user=supervisor, reason=" ")
    services.raise_to_major(complaint_id=complaint.pk, user=supervisor, reason="严重")
    with pytest.raises(ActionError, match="already major"):
        services.raise_to_major(complaint_id=complaint.pk, user=supervisor, reason="严重")
    withdrawn = act(new_complaint(), agent, "withdraw", comment="撤回")
    with pytest.raises(ActionError, match="no longer open"):
        services.raise_to_major(complaint_id=withdrawn.pk, user=supervisor, reason="严重")


def test_the_api_and_the_page_offer_the_raise(client, new_complaint, supervisor, front_desk):
    complaint = new_complaint()
    client.force_login(front_desk)
    page = client.get(f"/admin/property_service/complaint/{complaint.pk}/change/")
    assert 'data-action="raise_major"' not in page.content.decode()
    response = client.post(f"{URL}{complaint.pk}/transition/", {"action": "raise_major",
                                                                "comment": "严重"},
                           content_type="application/json")
    assert response.status_code == 403
    client.force_login(supervisor)
    page = client.get(f"/admin/property_service/complaint/{complaint.pk}/change/")
    assert 'data-action="raise_major"' in page.content.decode()
    response = client.post(f"{URL}{complaint.pk}/transition/", {"action": "raise_major"},
                           content_type="application/json")
    assert response.status_code == 400 and "comment" in response.json()
    response = client.post(f"{URL}{complaint.pk}/transition/", {"action": "raise_major",
                                                                "comment": "严重"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["severity"] == "major"
    assert "acknowledge" in [d["name"] for d in response.json()["deadlines"]]


def test_a_major_complaint_has_an_acknowledgement_deadline(new_complaint, manager, at_time):
    complaint = new_complaint(severity="major", received_at=at("2026-11-25 10:00"))
    assert complaint.acknowledge_by == at("2026-11-25 11:00")
    rows = {row.deadline.name: row.status for row in deadline_rows(complaint,
                                                                   at("2026-11-25 11:01"))}
    assert rows["acknowledge"] == "overdue"
    at_time("2026-11-25 10:30")
    complaint = services.acknowledge_major(complaint_id=complaint.pk, user=manager)
    rows = {row.deadline.name: row.status for row in deadline_rows(complaint,
                                                                   at("2026-11-25 11:01"))}
    assert rows["acknowledge"] == "met"


def test_a_late_acknowledgement_is_chased_warned_breached_and_escalated(
        new_complaint, manager, supervisor):
    complaint = new_complaint(severity="major", received_at=at("2026-11-25 10:00"))

    def steps():
        return set(EscalationStep.objects.filter(target_id=complaint.pk, clock="acknowledge")
                   .values_list("step", flat=True))

    chase_complaints(now=at("2026-11-25 10:47"))
    assert steps() == set()
    chase_complaints(now=at("2026-11-25 10:48"))  # 80 % of the hour
    assert steps() == {"warning"}
    assert Notification.objects.filter(user=manager, kind="sla_warning",
                                       message__contains="Acknowledged").count() == 1
    chase_complaints(now=at("2026-11-25 11:00"))
    assert steps() == {"warning", "breach"}
    assert Notification.objects.filter(user=supervisor, kind="complaint_escalated",
                                       message__contains="Acknowledged").count() == 1
    chase_complaints(now=at("2026-11-25 12:00"))  # 60 minutes late
    chase_complaints(now=at("2026-11-25 12:00"))
    assert steps() == {"warning", "breach", "manager"}
    assert Notification.objects.filter(user=manager, message__contains="Acknowledged").count() \
        == 3


def test_an_acknowledged_complaint_is_not_chased_for_it(new_complaint, manager, at_time):
    complaint = new_complaint(severity="major", received_at=at("2026-11-25 10:00"))
    at_time("2026-11-25 10:20")
    services.acknowledge_major(complaint_id=complaint.pk, user=manager)
    chase_complaints(now=at("2026-11-25 13:00"))
    assert not EscalationStep.objects.filter(target_id=complaint.pk,
                                             clock="acknowledge").exists()
