"""The back office: intake form, action buttons, queues, timeline, photos."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.workorders.models import WorkOrder
from property_service.workorders.states import State

from tests.factories.workorders import WorkOrderFactory
from tests.helpers import admin_url
from tests.workorders.conftest import at, category, fire

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def act(client, order, **data):
    return client.post(f"/admin/property_service/workorder/{order.pk}/act/", data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_an_agent_records_an_order_through_the_form(client, agent, place_a):
    client.force_login(agent)
    response = client.post(admin_url("workorder", "add"), {
        "community": place_a.community.pk, "unit": place_a.unit.pk, "channel": "phone",
        "category": category("water_leak").pk, "priority": "", "description": "厨房漏水",
        "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    order = WorkOrder.objects.get()
    assert order.number.startswith("WO-") and order.priority == "urgent"
    assert order.respond_by and order.complete_by


def test_the_form_has_no_state_field_to_edit(client, agent, new_order):
    client.force_login(agent)
    page = client.get(admin_url("workorder", "change", new_order().pk)).content.decode()
    assert 'name="state"' not in page
    assert 'data-action="dispatch"' in page


def test_buttons_fire_transitions(client, agent, technician, new_order):
    order = new_order()
    client.force_login(agent)
    response = act(client, order, action="dispatch", expected_state="new",
                   assignee=technician.pk)
    assert "Done." in messages_of(response)
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    client.force_login(technician)
    page = client.get(admin_url("workorder", "change", order.pk)).content.decode()
    assert 'data-action="accept"' in page and 'data-action="dispatch"' not in page
    act(client, order, action="accept", expected_state="dispatched")
    order.refresh_from_db()
    assert order.state == State.ACCEPTED
    page = client.get(admin_url("workorder", "change", order.pk)).content.decode()
    assert 'data-event="accept"' in page and 'data-action="start"' in page


def test_a_refused_button_says_why_and_changes_nothing(client, technician, new_order):
    order = new_order()
    client.force_login(technician)
    response = act(client, order, action="dispatch", expected_state="new")
    assert any("may not" in m or "not yours" in m for m in messages_of(response))
    order.refresh_from_db()
    assert order.state == State.NEW


def test_a_stale_page_is_told_to_reload(client, agent, supervisor, technician, new_order):
    order = new_order()
    fire(order, agent, "dispatch", assignee=technician)
    client.force_login(supervisor)
    response = act(client, order, action="cancel", expected_state="new", comment="dup")
    assert any("changed by someone else" in m for m in messages_of(response))
    order.refresh_from_db()
    assert order.state == State.DISPATCHED


def test_the_follow_up_call_is_recorded_from_the_order_page(client, agent, technician,
                                                           new_order):
    order = new_order()
    order = fire(order, agent, "dispatch", assignee=technician)
    for name in ("accept", "start", "complete"):
        order = fire(order, technician, name)
    order = fire(order, agent, "pass_acceptance")
    client.force_login(agent)
    assert 'data-action="follow_up"' in client.get(
        admin_url("workorder", "change", order.pk)).content.decode()
    act(client, order, action="follow_up", answered="on", result="fixed", satisfaction="4")
    order.refresh_from_db()
    assert order.state == State.CLOSED and order.satisfaction == 4


def test_the_queues_count_and_filter(client, agent, technician, new_order):
    overdue = new_order("water_leak", reported_at=at("2026-01-05 10:00"))
    fresh = new_order("appointment")
    client.force_login(agent)
    response = client.get(admin_url("workorder", "changelist"), {"queue": "overdue"})
    assert list(response.context["cl"].result_list) == [overdue]
    labels = [c["display"] for spec in response.context["cl"].filter_specs
              for c in spec.choices(response.context["cl"])]
    assert "Overdue (1)" in labels
    assert fresh not in response.context["cl"].result_list


def test_the_order_list_costs_the_same_queries_for_2_or_12_orders(client, agent, place_a,
                                                                  technician):
    client.force_login(agent)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url("workorder", "changelist")).status_code == 200
        return len(queries)

    WorkOrderFactory.create_batch(2, unit=place_a.unit, assignee=technician)
    few = count()
    WorkOrderFactory.create_batch(10, unit=place_a.unit, assignee=technician)
    assert count() == few


@pytest.mark.parametrize("content,ok", [(PNG, True), (b"%PDF-1.7 not a photo", False)])
def test_photos_are_checked_by_their_content(client, agent, new_order, content, ok, settings,
                                             tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = new_order()
    client.force_login(agent)
    data = {"location": "", "resident": "", "description": order.description,
            "appointment_at_0": "", "appointment_at_1": "", "parts_note": "",
            "photos-TOTAL_FORMS": "1", "photos-INITIAL_FORMS": "0",
            "photos-0-kind": "before", "photos-0-image": SimpleUploadedFile("a.png", content)}
    response = client.post(admin_url("workorder", "change", order.pk), data)
    assert (response.status_code == 302) == ok
    assert order.photos.count() == (1 if ok else 0)


def test_photos_are_served_only_to_users_who_see_the_order(client, agent, cleaner, new_order,
                                                           settings, tmp_path):
    from property_service.workorders.models import WorkOrderPhoto

    settings.MEDIA_ROOT = tmp_path
    order = new_order()
    photo = WorkOrderPhoto.objects.create(work_order=order,
                                          image=SimpleUploadedFile("leak.png", PNG))
    url = f"/admin/property_service/workorder/photo/{photo.pk}/"
    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client.force_login(cleaner)  # another team's technician
    assert client.get(url).status_code == 404
