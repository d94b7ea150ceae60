"""The work-order add form: the priority starts empty (the category's default), selects start on
a Chinese placeholder in zh-hans, and the picked resident's unit and community are offered."""

import html
import re

import pytest

ADD = "/admin/property_service/workorder/add/"
PLACE = "/admin/property_service/workorder/place/"


@pytest.fixture
def desk(client, agent):
    client.force_login(agent)
    return client


def select(html, name):
    return re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def test_the_priority_starts_on_the_categorys_default(desk):
    priority = select(desk.get(ADD).content.decode(), "priority")
    first = re.search(r"<option([^>]*)>([^<]*)</option>", priority)
    assert first.group(1).strip() == 'value="" selected'
    assert html.unescape(first.group(2)) == "The category's default"
    assert "selected" not in priority.split('value="urgent"')[1].split(">")[0]


def test_selects_start_on_a_chinese_placeholder_in_chinese(desk):
    page = desk.get(ADD, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for name in ("community", "category"):
        assert "Select value" not in select(page, name)
        assert "请选择" in select(page, name)
    assert "按类别默认" in select(page, "priority")


def test_a_blank_priority_saves_the_categorys_default(desk, place_a, clock):
    from property_service.workorders.models import WorkOrder, WorkOrderCategory

    category = WorkOrderCategory.objects.get(code="electrical")
    response = desk.post(ADD, {"community": place_a.community.pk, "unit": place_a.unit.pk,
                               "channel": "phone", "category": category.pk, "priority": "",
                               "description": "灯不亮", "photos-TOTAL_FORMS": "0",
                               "photos-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert WorkOrder.objects.get().priority == "normal"


def test_picking_a_resident_offers_their_unit_and_its_community(desk, flat):
    unit, resident = flat
    found = desk.get(PLACE, {"resident": resident.pk}).json()
    assert found == {"unit": {"id": unit.pk, "text": str(unit)},
                     "community": unit.building.community_id}
    assert desk.get(PLACE, {"unit": unit.pk}).json()["community"] == unit.building.community_id


def test_another_communitys_resident_or_unit_offers_nothing(desk, flat, place_b):
    assert desk.get(PLACE, {"resident": place_b.resident.pk}).json() == {"unit": None,
                                                                          "community": None}
    assert desk.get(PLACE, {"unit": place_b.unit.pk}).json()["unit"] is None
    assert desk.get(PLACE, {"unit": "x"}).status_code == 400


def test_the_form_loads_the_script_that_fills_them_in(desk):
    assert "property_service/work_order_form.js" in desk.get(ADD).content.decode()


def test_only_users_who_may_add_orders_ask_for_a_place(client, make_staff, place_a, flat):
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get(PLACE, {"resident": flat[1].pk}).status_code == 403
