"""The desk page: who reaches it, what a pick shows, and filing through it (the services' path:
exactly one record, the deadlines it previewed; refused input changes nothing)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from property_service.complaints.models import Complaint
from property_service.workorders.models import WorkOrder, WorkOrderEvent

from tests.calls.conftest import category
from tests.factories.workorders import TeamMemberFactory, WorkOrderFactory

DESK = "/admin/property_service/calldesk/"
PREVIEW = "/admin/property_service/calldesk/preview/"


def data_attr(html, name):
    return re.search(rf'{name}="([^"]+)"', html).group(1)


@pytest.mark.parametrize("role", ["CS Agent", "CS Supervisor", "Front Desk", "Property Manager",
                                  "System Manager"])
def test_the_roles_that_take_calls_reach_the_desk_from_the_menu(client, make_staff, place_a,
                                                                role):
    client.force_login(make_staff(role, communities=[place_a.community], is_staff=True))
    assert reverse("admin:property_service_calldesk_changelist") == DESK
    assert f'href="{DESK}"' in client.get("/admin/").content.decode()
    page = client.get(DESK)
    assert page.status_code == 200 and 'name="q"' in page.content.decode()


@pytest.mark.parametrize("role", ["Maintenance", "Cleaning", "Security", "Admin & Finance"])
def test_other_roles_neither_see_nor_open_the_desk(client, make_staff, place_a, role):
    client.force_login(make_staff(role, communities=[place_a.community], is_staff=True))
    assert DESK not in client.get("/admin/").content.decode()
    assert client.get(DESK).status_code == 403
    assert client.get(PREVIEW, {"unit": place_a.unit.pk}).status_code == 403


@pytest.fixture
def desk(client, agent):
    client.force_login(agent)
    return client


def test_a_search_lists_the_matches_to_pick(desk, flat):
    unit, resident = flat
    html = desk.get(DESK, {"q": "2-1502"}).content.decode()
    assert f"unit={unit.pk}&amp;resident={resident.pk}" in html
    assert "data-first-match" in html and "139****1502" in html and "13955501502" not in html


def test_crafted_parameters_are_refused_as_bad_input_not_a_server_error(desk, flat):
    for query in [{"unit": "x"}, {"unit": "99999999999999999999"}, {"resident": "-1"}]:
        assert desk.get(DESK, query).status_code == 400
    assert desk.get(PREVIEW, {"unit": "0"}).status_code == 400
    assert desk.get(DESK, {"q": "\x00" * 300}).status_code == 200


def test_another_communitys_unit_cannot_be_picked(desk, flat, place_b):
    html = desk.get(DESK, {"unit": place_b.unit.pk}).content.decode()
    assert 'id="desk-picked"' not in html
    assert desk.get(PREVIEW, {"unit": place_b.unit.pk, "kind": "repair",
                              "category": category("water_leak").pk}).status_code == 404


def test_picking_a_unit_shows_its_open_orders_complaints_and_repeats(desk, flat, clock, agent):
    unit, resident = flat
    open_order = WorkOrderFactory(unit=unit, category=category("water_leak"),
                                  reported_at=clock.now - datetime.timedelta(days=2))
    WorkOrderFactory(unit=unit, category=category("water_leak"), state="closed",
                     reported_at=clock.now - datetime.timedelta(days=9))
    from property_service.complaints.services import create_complaint

    complaint = create_complaint(by=agent, community=unit.building.community, unit=unit,
                                 channel="phone", category="noise", content="楼上装修")
    html = desk.get(DESK, {"unit": unit.pk, "resident": resident.pk}).content.decode()
    assert f'data-open-order="{open_order.number}"' in html
    assert f'data-complaint="{complaint.number}"' in html
    assert 'data-repeat="water_leak" data-count="2"' in html
    assert "autofocus" in html.split('name="category"')[1].split(">")[0] or \
        "autofocus" in html.split('name="category"')[0].rsplit("<select", 1)[1]


def repair(unit, resident, **fields):
    data = {"kind": "repair", "action": "save", "unit": unit.pk, "resident": resident.pk,
            "category": category("water_leak").pk, "priority": "", "channel": "phone",
            "description": "厨房漏水", "send_to": ""}
    data.update(fields)
    return data


def test_filing_a_repair_saves_one_order_with_the_previewed_deadlines(desk, flat, clock):
    unit, resident = flat
    shown = desk.get(PREVIEW, {"kind": "repair", "unit": unit.pk,
                               "category": category("water_leak").pk, "priority": ""})
    html = shown.content.decode()
    response = desk.post(DESK, repair(unit, resident))
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and f"saved=workorder%3A{order.pk}" in response["Location"]
    assert (order.unit, order.resident, order.community, order.priority, order.state) == (
        unit, resident, unit.building.community, "urgent", "new")
    assert order.number.startswith("WO-202611-")
    assert WorkOrderEvent.objects.filter(work_order=order, action="created").count() == 1
    tz = timezone.get_current_timezone()
    assert datetime.datetime.fromisoformat(data_attr(html, "data-respond-by")) == \
        order.respond_by.astimezone(tz)
    assert datetime.datetime.fromisoformat(data_attr(html, "data-complete-by")) == \
        order.complete_by.astimezone(tz)
    page = desk.get(response["Location"]).content.decode()
    assert order.number in page and \
        reverse("admin:property_service_workorder_change", args=[order.pk]) in page


def test_a_blank_priority_is_the_categorys_default_and_a_chosen_one_wins(desk, flat, clock):
    unit, resident = flat
    desk.post(DESK, repair(unit, resident, category=category("electrical").pk))
    desk.post(DESK, repair(unit, resident, category=category("plumbing").pk,
                           priority="important"))
    assert list(WorkOrder.objects.order_by("pk").values_list("priority", flat=True)) == [
        "normal", "important"]


def test_a_repair_sent_to_a_technician_is_dispatched_in_the_same_step(desk, flat, clock,
                                                                      make_staff, place_a):
    unit, resident = flat
    technician = make_staff("Maintenance", communities=[place_a.community])
    TeamMemberFactory(team=category("water_leak").default_team, user=technician)
    preview = desk.get(PREVIEW, {"kind": "repair", "unit": unit.pk,
                                 "category": category("water_leak").pk}).content.decode()
    assert f'value="user:{technician.pk}"' in preview
    desk.post(DESK, repair(unit, resident, send_to=f"user:{technician.pk}"))
    order = WorkOrder.objects.get()
    assert (order.state, order.assignee, order.team) == ("dispatched", technician,
                                                         category("water_leak").default_team)


def test_a_pool_teams_repair_is_sent_to_the_team_by_default(desk, flat, clock):
    unit, resident = flat
    preview = desk.get(PREVIEW, {"kind": "repair", "unit": unit.pk,
                                 "category": category("cleaning").pk}).content.decode()
    assert 'value="team" selected' in preview
    desk.post(DESK, repair(unit, resident, category=category("cleaning").pk, send_to="team"))
    order = WorkOrder.objects.get()
    assert (order.state, order.assignee) == ("dispatched", None)


def test_a_refused_dispatch_saves_no_order_and_says_why(desk, flat, clock, make_staff, place_a,
                                                        settings):
    settings.LANGUAGE_CODE = "zh-hans"
    unit, resident = flat
    stranger = make_staff("Maintenance", communities=[place_a.community])
    response = desk.post(DESK, repair(unit, resident, send_to=f"user:{stranger.pk}"),
                         HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()
    html = response.content.decode()
    assert "data-error" in html and "不是" in html and "chosen technician" not in html


def test_a_repair_without_a_description_is_refused_in_the_users_language(desk, flat, clock):
    unit, resident = flat
    response = desk.post(DESK, repair(unit, resident, description=""),
                         HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and not WorkOrder.objects.exists()
    assert 'data-error="description"' in response.content.decode()
    assert "该字段是必填项" in response.content.decode()


def test_another_communitys_unit_cannot_be_filed_for(desk, flat, place_b, clock):
    _unit, resident = flat
    response = desk.post(DESK, repair(place_b.unit, resident), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and not WorkOrder.objects.exists()
    assert "请重新选择来电人的房屋" in response.content.decode()


def test_a_front_desk_user_files_but_cannot_dispatch(client, make_staff, place_a, flat, clock):
    unit, resident = flat
    client.force_login(make_staff("Front Desk", communities=[place_a.community]))
    preview = client.get(PREVIEW, {"kind": "repair", "unit": unit.pk,
                                   "category": category("cleaning").pk}).content.decode()
    assert 'name="send_to"' not in preview
    refused = client.post(DESK, repair(unit, resident, send_to="team"))
    assert refused.status_code == 403 and not WorkOrder.objects.exists()
    assert client.post(DESK, repair(unit, resident)).status_code == 302
    assert WorkOrder.objects.get().state == "new"


def test_the_preview_button_shows_the_deadlines_without_saving(desk, flat, clock):
    unit, resident = flat
    response = desk.post(DESK, repair(unit, resident, action="preview"))
    assert response.status_code == 200 and 'id="repair-deadlines"' in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_filing_a_complaint_saves_one_with_the_previewed_deadlines(desk, flat, clock):
    unit, resident = flat
    preview = desk.get(PREVIEW, {"kind": "complaint", "unit": unit.pk,
                                 "severity": "general"}).content.decode()
    response = desk.post(DESK, {"kind": "complaint", "action": "save", "unit": unit.pk,
                                "resident": resident.pk, "category": "noise",
                                "severity": "general", "content": "楼上噪音", "channel": "phone"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.unit == unit
    local = timezone.localtime(complaint.resolve_by).strftime("%Y-%m-%d %H:%M")
    assert local in preview
    assert timezone.localtime(complaint.contact_by).strftime("%Y-%m-%d %H:%M") in preview


def test_a_complaint_without_a_subject_is_refused(desk, flat, clock):
    unit, resident = flat
    response = desk.post(DESK, {"kind": "complaint", "action": "save", "unit": unit.pk,
                                "category": "", "severity": "general", "content": "x",
                                "channel": "phone"})
    assert response.status_code == 400 and not Complaint.objects.exists()
