"""A complaint's missed deadline reaches the supervisor handling it and the community's CS
supervisors, once; nobody of another community."""

import datetime

from property_service.complaints.jobs import KINDS, chase_complaints
from property_service.core.escalation import Step
from property_service.core.models import Notification

from tests.complaints.conftest import act
from tests.workorders.conftest import at


def test_a_missed_contact_reaches_the_handler_and_the_supervisors_once(
        new_complaint, front_desk, supervisor, make_staff, place_a, place_b):
    handler = make_staff("CS Supervisor", communities=[place_a.community], username="handler_a")
    make_staff("CS Supervisor", communities=[place_b.community], username="sup_b")
    complaint = new_complaint(received_at=at("2026-11-25 10:00"))
    act(complaint, front_desk, "assign", supervisor=handler)
    complaint.refresh_from_db()
    late = complaint.contact_by + datetime.timedelta(hours=1)
    chase_complaints(now=late)
    chase_complaints(now=late)
    told = Notification.objects.filter(kind=KINDS[Step.BREACH],
                                       message__contains="contacted")
    assert sorted(told.values_list("user__username", flat=True)) == ["handler_a", "sup_a"]
    assert f"Complaint {complaint.number}" in told.first().message
