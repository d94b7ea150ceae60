"""The visit rate per community and month, the plan page (visits beside the complaints'
follow-ups and the repairs' follow-up calls) and the record page."""

import datetime

import pytest
from property_service.complaints import services as complaint_services
from property_service.visits import services
from property_service.visits.models import DONE_ON_TIME, State, Visit
from property_service.visits.rules import done_on_time
from property_service.visits.selectors import plan_rows, visit_rate

from tests.factories.registry import UnitFactory
from tests.workorders.conftest import at


def visit(place, due, *, state=State.PLANNED, done_at=None, number=None):
    unit = UnitFactory(building=place.building, number=number or str(Visit.objects.count()
                                                                       + 5000))
    return Visit.objects.create(community=place.community, unit=unit, kind="other",
                                planned_on=at(due).date(), due_at=at(due), state=state,
                                done_at=at(done_at) if done_at else None)


@pytest.fixture
def december(place_a, place_b):
    """Community A: 4 visits due in December 2026 (2 done on time, 1 done late, 1 open), one
    cancelled, one due in January; community B: 1 due, done on time."""
    visit(place_a, "2026-12-05 23:59", state=State.DONE, done_at="2026-12-04 10:00")
    visit(place_a, "2026-12-31 23:59", state=State.DONE, done_at="2026-12-31 23:59")
    visit(place_a, "2026-12-10 23:59", state=State.DONE, done_at="2026-12-11 09:00")
    visit(place_a, "2026-12-20 23:59")
    visit(place_a, "2026-12-20 23:59", state=State.CANCELLED)
    visit(place_a, "2027-01-01 00:30", state=State.DONE, done_at="2026-12-30 10:00")
    visit(place_b, "2026-12-15 23:59", state=State.DONE, done_at="2026-12-15 10:00")


def test_the_visit_rate_is_done_on_time_over_due_per_community(december, place_a, place_b):
    rows = visit_rate(Visit.objects.all(), datetime.date(2026, 12, 1))
    assert [(r["community_id"], r["due"], r["on_time"], r["rate"]) for r in rows] == [
        (place_a.community.pk, 4, 2, 50.0), (place_b.community.pk, 1, 1, 100.0)]


def test_the_on_time_rule_and_its_query_agree(december):
    in_query = set(Visit.objects.filter(DONE_ON_TIME).values_list("pk", flat=True))
    by_rule = {v.pk for v in Visit.objects.all()
               if v.state == State.DONE and done_on_time(v.done_at, v.due_at)}
    assert in_query == by_rule and len(in_query) == 4


def test_the_plan_page_shows_only_the_users_communities(client, december, make_staff, place_a,
                                                        clock):
    clock.set("2026-12-20 10:00")
    supervisor = make_staff("CS Supervisor", communities=[place_a.community])
    client.force_login(supervisor)
    response = client.get("/admin/property_service/visit/plan/?month=2026-12")
    assert response.status_code == 200
    rates = response.context["rates"]
    assert [(r["community_id"], r["due"], r["on_time"]) for r in rates] == [
        (place_a.community.pk, 4, 2)]
    assert client.get("/admin/property_service/visit/plan/?month=2026-13").status_code == 400
    assert client.get("/admin/property_service/visit/plan/?queue=x").status_code == 400


def test_the_plan_joins_complaint_follow_ups_and_repair_calls(clock, place_a, make_staff):
    clock.set("2026-12-01 09:00")
    supervisor = make_staff("CS Supervisor", communities=[place_a.community],
                            username="sup_plan")
    complaint = complaint_services.create_complaint(
        by=supervisor, community=place_a.community, unit=place_a.unit, channel="phone",
        category="cleaning", content="楼道垃圾")
    for action in ("assign", "contact"):
        complaint_services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                                action=action, supervisor=supervisor)
    complaint_services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                            action="agree_plan", comment="清理")
    complaint_services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                            action="resolve", comment="已清理")
    planned = visit(place_a, "2026-12-20 23:59")
    rows = plan_rows(supervisor, "this_month", clock.now)
    assert {(r.source, r.what) for r in rows} == {("complaint", complaint.number),
                                                  ("visit", planned.get_kind_display())}
    assert [r.source for r in plan_rows(supervisor, "mine", clock.now)] == ["complaint"]
    client_rows = plan_rows(make_staff("CS Supervisor", communities=[]), "this_month",
                            clock.now)
    assert client_rows == []


def test_the_record_page_records_the_outcome_through_the_service(client, clock, place_a,
                                                                  make_staff):
    clock.set("2026-12-01 09:00")
    agent = make_staff("CS Agent", communities=[place_a.community], username="agent_page")
    planned = visit(place_a, "2026-12-20 23:59")
    client.force_login(agent)
    page = client.get(f"/admin/property_service/visit/{planned.pk}/change/")
    assert page.status_code == 200 and b'data-action="done"' in page.content
    url = f"/admin/property_service/visit/{planned.pk}/act/"
    client.post(url, {"action": "done", "expected_state": "planned", "outcome": "好",
                      "satisfaction": "9"})
    assert Visit.objects.get(pk=planned.pk).state == State.PLANNED
    client.post(url, {"action": "done", "expected_state": "planned", "outcome": "上门回访",
                      "satisfaction": "4"})
    done = Visit.objects.get(pk=planned.pk)
    assert (done.state, done.satisfaction, done.done_by) == (State.DONE, 4, agent)
    assert list(done.events.values_list("action", flat=True)) == ["done"]
    assert client.get("/admin/property_service/visit/?queue=overdue").status_code == 200


def test_the_plan_page_reads_in_chinese_without_english(client, place_a, make_staff, clock):
    clock.set("2026-12-01 09:00")
    client.force_login(make_staff("CS Supervisor", communities=[place_a.community]))
    response = client.get("/admin/property_service/visit/plan/",
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = response.content.decode()
    for english in ("Follow-up visit plan", "Due today", "Visit rate", "Complaint follow-ups"):
        assert english not in text
    assert "回访计划" in text


def test_a_visit_added_by_hand_is_planned_and_chased(clock, place_a, make_staff):
    clock.set("2026-12-01 09:00")
    supervisor = make_staff("CS Supervisor", communities=[place_a.community])
    added = services.visit_create(by=supervisor, unit=place_a.unit, resident=place_a.resident,
                                  due_at=at("2026-12-10 18:00"))
    assert added.kind == "other" and added.chase_at == at("2026-12-07 18:00")


def test_the_record_page_tells_its_timeline_in_chinese(client, clock, place_a, make_staff):
    clock.set("2026-12-01 09:00")
    supervisor = make_staff("CS Supervisor", communities=[place_a.community], username="sup_zh")
    agent = make_staff("CS Agent", communities=[place_a.community], username="agent_zh")
    planned = visit(place_a, "2026-12-20 23:59")
    client.force_login(supervisor)
    client.post(f"/admin/property_service/visit/{planned.pk}/act/",
                {"action": "assign", "assignee": agent.pk})
    assert Visit.objects.get(pk=planned.pk).assignee == agent
    page = client.get(f"/admin/property_service/visit/{planned.pk}/change/",
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    timeline = page[page.index('id="visit-timeline"'):]
    timeline = timeline[:timeline.index("</ul>")]
    assert "已指派" in timeline and "assign" not in timeline.replace('data-action="assign"', "")
    for english in ("Record the visit", "Outcome (required)", "Due by"):
        assert english not in page


def test_the_plan_reads_the_same_number_of_queries_however_many_communities_it_spans(
        clock, place_a, make_staff):
    """Each row names its unit with its building and community: read with the rows, not once a
    row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.registry import BuildingFactory

    clock.set("2026-12-10 10:00")
    manager = make_staff("Property Manager")
    visit(place_a, "2026-12-20 23:59")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = plan_rows(manager, "this_month", clock.now)
            [row.where for row in rows]
        return len(captured)

    queries()  # the user's permissions, read once
    one_community = queries()
    for n in range(4):
        building = BuildingFactory()
        unit = UnitFactory(building=building, number=str(7000 + n))
        Visit.objects.create(community=building.community, unit=unit, kind="other",
                             planned_on=at("2026-12-21 10:00").date(),
                             due_at=at("2026-12-21 10:00"))
    assert len(plan_rows(manager, "this_month", clock.now)) == 5
    assert queries() == one_community
