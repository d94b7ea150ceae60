"""Overdue and due soon, as Python says them of a complaint and as its queues count them (SQL):
the same answer for every case around the boundaries."""

import datetime
import itertools

from property_service.complaints.deadlines import (
    DEADLINES,
    due_soon_q,
    is_due_soon,
    is_overdue,
    overdue_q,
)
from property_service.complaints.models import Complaint

from tests.workorders.conftest import at

SECOND = datetime.timedelta(seconds=1)
WINDOW = datetime.timedelta(hours=1)
NOW = at("2026-11-25 12:00")
DUES = (None, NOW - SECOND, NOW, NOW + SECOND, NOW + WINDOW, NOW + WINDOW + SECOND)


def test_overdue_and_due_soon_agree_in_python_and_sql(place_a):
    complaint = Complaint.objects.create(number="TS-QUEUE-1", community=place_a.community,
                                         channel="phone", category="noise", content="测试",
                                         received_at=NOW - datetime.timedelta(hours=2))
    contact, resolve = DEADLINES[2], DEADLINES[5]
    disagreements = []
    for contact_by, resolve_by, contacted in itertools.product(DUES, DUES, (False, True)):
        values = {d.due_field: None for d in DEADLINES}
        values.update({contact.due_field: contact_by, resolve.due_field: resolve_by,
                       contact.done_field: NOW - SECOND if contacted else None})
        Complaint.objects.filter(pk=complaint.pk).update(**values)
        complaint.refresh_from_db()
        for name, python, sql in (("overdue", is_overdue(complaint, NOW), overdue_q(NOW)),
                                  ("due_soon", is_due_soon(complaint, NOW, WINDOW),
                                   due_soon_q(NOW, WINDOW))):
            in_sql = Complaint.objects.filter(sql, pk=complaint.pk).exists()
            if in_sql != python:
                disagreements.append((name, contact_by, resolve_by, contacted))
    assert disagreements == []


def test_a_deadline_met_late_is_not_overdue_any_more(place_a):
    complaint = Complaint(contact_by=NOW - WINDOW, contacted_at=NOW - SECOND)
    assert not is_overdue(complaint, NOW)
    complaint.contacted_at = None
    assert is_overdue(complaint, NOW)
