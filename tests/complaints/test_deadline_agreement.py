"""On time, as Python says it (the deadline table, the chase) and as SQL says it (the figures):
the same answer for every case around the boundaries."""

import datetime
import itertools

from django.db.models import F
from property_service.complaints.deadlines import BY_NAME, on_time, on_time_q
from property_service.complaints.figures import monthly_figures
from property_service.complaints.models import Complaint, ComplaintRound

from tests.workorders.conftest import at

SECOND = datetime.timedelta(seconds=1)
DUE = at("2026-11-25 12:00")
DUES = (None, DUE)
DONES = (None, DUE - SECOND, DUE, DUE + SECOND)
MOMENTS = (DUE - SECOND, DUE, DUE + SECOND)
ANSWER = BY_NAME["answer"]


def test_on_time_agrees_in_python_and_sql_for_the_round_under_way(place_a):
    complaint = Complaint.objects.create(number="TS-AGREE-1", community=place_a.community,
                                         channel="phone", category="noise", content="测试",
                                         received_at=DUE - datetime.timedelta(hours=2))
    disagreements = []
    for due, done, now in itertools.product(DUES, DONES, MOMENTS):
        Complaint.objects.filter(pk=complaint.pk).update(answer_by=due, answered_at=done)
        in_sql = Complaint.objects.filter(on_time_q(ANSWER, now), pk=complaint.pk).exists()
        if in_sql != on_time(due, done, now):
            disagreements.append((due, done, now))
    assert disagreements == []


def test_on_time_agrees_in_python_and_sql_for_an_earlier_round(place_a):
    complaint = Complaint.objects.create(number="TS-AGREE-2", community=place_a.community,
                                         channel="phone", category="noise", content="测试",
                                         received_at=DUE - datetime.timedelta(hours=2))
    first = ComplaintRound.objects.create(complaint=complaint, number=1,
                                          started_at=complaint.received_at, ended_at=DUE)
    disagreements = []
    for due, done, ended in itertools.product(DUES, DONES, MOMENTS):
        ComplaintRound.objects.filter(pk=first.pk).update(answer_by=due, answered_at=done,
                                                          ended_at=ended)
        in_sql = ComplaintRound.objects.filter(on_time_q(ANSWER, F("ended_at")),
                                               pk=first.pk).exists()
        if in_sql != on_time(due, done, ended):
            disagreements.append((due, done, ended))
    assert disagreements == []


def test_a_deadline_falling_due_this_very_moment_is_not_yet_late_in_the_figures(place_a):
    Complaint.objects.create(number="TS-AGREE-3", community=place_a.community, channel="phone",
                             category="noise", content="测试", received_at=at("2026-11-25 10:00"),
                             answer_by=DUE)
    [row] = monthly_figures(Complaint.objects.all(), now=DUE)
    assert row["on_time_rate"] == 100.0
    [row] = monthly_figures(Complaint.objects.all(), now=DUE + SECOND)
    assert row["on_time_rate"] == 0.0
