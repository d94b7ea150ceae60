"""A resident's and a unit's story: one timeline, newest first, of every kind of record about
them, limited to what the viewer may see and read in a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from property_service.complaints import services as complaints
from property_service.notices import services as notices
from property_service.notices.selectors import mark_read
from property_service.portal import services as portal
from property_service.portal.selectors import login_name
from property_service.registry.selectors import TIMELINE_LIMIT, timeline
from property_service.workorders import services as workorders
from property_service.workorders.models import Team, WorkOrderCategory

from tests.factories.registry import OccupancyFactory, UnitFactory
from tests.factories.workorders import TeamMemberFactory, WorkOrderFactory

RESIDENT_KINDS = {"work_order", "follow_up", "complaint", "complaint_follow_up", "move_in",
                  "notice_read", "portal_account", "invitation"}


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def technician(make_staff, place_a):
    user = make_staff("Maintenance", communities=[place_a.community], username="tech_a")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=user)
    return user


def repaired_and_called_back(clock, place, agent, technician):
    """A repair reported by the resident, done, accepted and called back."""
    clock.set("2026-11-02 09:00")
    order = workorders.create_work_order(
        by=agent, community=place.community, unit=place.unit, resident=place.resident,
        channel="phone", category=WorkOrderCategory.objects.get(code="lighting"),
        description="楼道灯不亮")
    for user, action, extra in [(agent, "dispatch", {"assignee": technician}),
                                (technician, "accept", {}), (technician, "start", {}),
                                (technician, "complete", {}), (agent, "pass_acceptance", {})]:
        order = workorders.transition_work_order(order_id=order.pk, user=user, action=action,
                                                 **extra)
    clock.set("2026-11-03 10:00")
    workorders.record_follow_up(order_id=order.pk, user=agent, answered=True, result="fixed",
                                satisfaction=5)
    return order


def complained_and_followed_up(clock, place, agent, supervisor):
    clock.set("2026-11-10 09:00")
    complaint = complaints.create_complaint(
        by=agent, community=place.community, unit=place.unit, resident=place.resident,
        channel="phone", category="cleaning", content="楼道垃圾没人清理")
    complaint = complaints.transition_complaint(complaint_id=complaint.pk, user=agent,
                                                action="assign", supervisor=supervisor)
    complaint = complaints.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                                action="contact")
    complaints.record_answer(complaint_id=complaint.pk, user=supervisor, answer="已安排")
    complaints.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                    action="agree_plan", comment="今天清理")
    complaints.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                    action="resolve", comment="已清理")
    clock.set("2026-11-11 09:00")
    return complaints.record_follow_up(complaint_id=complaint.pk, user=agent, satisfied=True,
                                       satisfaction=4)


@pytest.fixture
def story(clock, place_a, agent, supervisor, technician):
    """Resident A's life with the company: a repair, a complaint, a portal login, a notice
    read, an invitation."""
    order = repaired_and_called_back(clock, place_a, agent, technician)
    complaint = complained_and_followed_up(clock, place_a, agent, supervisor)
    clock.set("2026-11-12 09:00")
    account = portal.create_account(by=agent, resident=place_a.resident,
                                    username="resident_a", password="Resident-pass-2026")
    invitation = portal.create_invitation(by=agent, unit=place_a.unit,
                                          resident=place_a.resident)
    clock.set("2026-11-13 09:00")
    notice = notices.create_notice(by=supervisor, community=place_a.community,
                                   title="停水通知", body="周五停水")
    notices.transition_notice(notice_id=notice.pk, user=supervisor, action="publish")
    mark_read(notice, account.user)
    return {"order": order, "complaint": complaint, "account": account, "notice": notice,
            "invitation": invitation}


def test_a_residents_story_holds_every_kind_of_record_newest_first(story, place_a,
                                                                   supervisor):
    entries = timeline(place_a.resident, supervisor).entries
    assert {e.kind for e in entries} == RESIDENT_KINDS
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    order = next(e for e in entries if e.kind == "work_order")
    assert order.number == story["order"].number
    assert order.url == reverse("admin:property_service_workorder_change",
                                args=[story["order"].pk])
    assert "Lighting" in order.title and "Closed" in order.title
    call = next(e for e in entries if e.kind == "follow_up")
    assert call.number == story["order"].number and "satisfaction 5/5" in call.detail
    complaint = next(e for e in entries if e.kind == "complaint")
    assert complaint.number == story["complaint"].number
    read = next(e for e in entries if e.kind == "notice_read")
    assert read.number == "停水通知"
    assert next(e for e in entries if e.kind == "portal_account").number == "resident_a"
    assert next(e for e in entries if e.kind == "invitation").number == story["invitation"].code


def test_a_units_story_holds_every_kind_and_its_own_changes(story, place_a, supervisor):
    entries = timeline(place_a.unit, supervisor).entries
    assert {e.kind for e in entries} == RESIDENT_KINDS | {"unit_change"}
    assert next(e for e in entries if e.kind == "move_in").number == "Resident AAA"


def test_a_user_of_community_a_sees_nothing_of_community_b(clock, story, place_a, place_b,
                                                          make_staff, agent):
    # Resident A also rents a flat in community B, where a repair was reported.
    OccupancyFactory(unit=place_b.unit, resident=place_a.resident, relation="tenant")
    theirs = WorkOrderFactory(unit=place_b.unit, resident=place_a.resident)
    seen = {e.number for e in timeline(place_a.resident, agent).entries}
    assert story["order"].number in seen
    assert theirs.number not in seen and f"{place_b.building.name} {place_b.unit.label}" not in seen
    everywhere = make_staff("CS Agent", username="agent_all")
    assert theirs.number in {e.number for e in timeline(place_a.resident, everywhere).entries}
    agent_b = make_staff("CS Agent", communities=[place_b.community], username="agent_b")
    assert [e for e in timeline(place_a.unit, agent_b).entries
            if e.kind != "unit_change"] == []


def test_each_kind_needs_its_view_permission(story, place_a, make_staff, agent):
    # CS agents do not read notices: not even which ones a resident read.
    assert "notice_read" not in {e.kind for e in timeline(place_a.resident, agent).entries}
    cleaner = make_staff("Cleaning", communities=[place_a.community])
    kinds = {e.kind for e in timeline(place_a.unit, cleaner).entries}
    assert kinds == {"unit_change"}  # no work order of their team, no residents


def test_a_technician_sees_only_the_orders_they_may_open(story, place_a, make_staff):
    other = make_staff("Maintenance", communities=[place_a.community], username="tech_other")
    kinds = {e.kind for e in timeline(place_a.unit, other).entries}
    assert "work_order" not in kinds


def test_the_story_reads_the_same_queries_however_many_records_there_are(
        story, place_a, agent, django_assert_max_num_queries):
    agent.has_perm("property_service.view_workorder")  # the permission cache, read once
    with CaptureQueriesContext(connection) as few:
        first = timeline(place_a.unit, agent)
    assert first.more == []
    for _ in range(TIMELINE_LIMIT + 5):
        WorkOrderFactory(unit=place_a.unit, resident=place_a.resident)
    with django_assert_max_num_queries(len(few)):
        many = timeline(place_a.unit, agent)
    assert len([e for e in many.entries if e.kind == "work_order"]) == TIMELINE_LIMIT
    link = next(m for m in many.more if m.label == "All work orders")
    assert link.url == (reverse("admin:property_service_workorder_changelist")
                        + f"?unit__id__exact={place_a.unit.pk}")


def test_show_all_links_open_the_filtered_lists(client, story, place_a, agent):
    for _ in range(TIMELINE_LIMIT + 1):
        WorkOrderFactory(unit=place_a.unit, resident=place_a.resident)
    client.force_login(agent)
    for subject in (place_a.unit, place_a.resident):
        link = next(m for m in timeline(subject, agent).more if m.label == "All work orders")
        page = client.get(link.url)
        assert page.status_code == 200
        assert story["order"].number in page.content.decode()


def test_a_login_name_is_masked_for_those_who_may_not_see_personal_data(place_a, make_staff):
    account = portal.create_account(by=None, resident=place_a.resident,
                                    username="13912345671", password="Resident-pass-2026")
    assert login_name(account, make_staff(None)) == "139****5671"
    assert login_name(account, make_staff("CS Agent")) == "13912345671"


def test_the_resident_page_shows_the_story_with_numbers_as_links(client, story, place_a,
                                                                 agent):
    client.force_login(agent)
    page = client.get(reverse("admin:property_service_resident_change",
                              args=[place_a.resident.pk])).content.decode()
    assert 'id="story"' in page
    order_url = reverse("admin:property_service_workorder_change", args=[story["order"].pk])
    assert f'href="{order_url}" class="text-primary-600">{story["order"].number}</a>' in page
    assert "#" + str(story["order"].pk) not in page


def test_the_unit_of_another_unit_of_the_building_is_not_in_the_story(story, place_a, agent):
    neighbour = UnitFactory(building=place_a.building, number="302")
    WorkOrderFactory(unit=neighbour, number="WO-NEIGHBOUR")
    assert "WO-NEIGHBOUR" not in {e.number for e in timeline(place_a.unit, agent).entries}
