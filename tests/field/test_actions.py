"""Each field action goes through the work-order services: it checks the user's right and the
order's state, writes the timeline, and refuses bad input with a message and no change."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from property_service.core.models import PersonalDataAccess
from property_service.field import services
from property_service.workorders.models import WorkOrder, WorkOrderPart, WorkOrderPhoto
from property_service.workorders.permissions import available_actions
from property_service.workorders.states import State

from tests.field.conftest import data_url, fire, jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db

PNG = png_bytes((64, 64))
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def url(order, action=""):
    return f"/field/orders/{order.pk}/{action + '/' if action else ''}"


def state_of(order):
    return WorkOrder.objects.get(pk=order.pk).state


def events(order):
    return list(order.events.order_by("at", "id").values_list("action", flat=True))


def upload(name, content, kind="image/png"):
    return SimpleUploadedFile(name, content, content_type=kind)


def started(order, user):
    fire(order, user, "accept")
    fire(order, user, "start")
    return WorkOrder.objects.get(pk=order.pk)


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician)
    return client


def test_the_order_page_puts_the_problem_first_then_place_resident_and_deadlines(
        tech_client, my_order, place_a):
    page = tech_client.get(url(my_order)).content.decode()
    problem, where, deadlines = (page.index('id="problem"'), page.index('id="where"'),
                                 page.index('id="deadlines"'))
    assert problem < where < deadlines
    assert page.index("厨房灯不亮") < where
    assert place_a.resident.name in page and "139****5671" in page
    assert place_a.resident.phone not in page


def test_accepting_records_the_appointment_on_the_timeline(clock, tech_client, my_order):
    response = tech_client.post(url(my_order, "accept"), {
        "appointment_at": "2026-11-25T15:30", "expected_state": "dispatched"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(pk=my_order.pk)
    assert order.state == State.ACCEPTED
    assert order.appointment_at.strftime("%H:%M") == "07:30"  # 15:30 in Shanghai, in UTC
    assert events(order)[-1] == "accept"


def test_accepting_without_an_appointment_is_refused_with_a_message(tech_client, my_order):
    response = tech_client.post(url(my_order, "accept"), {"appointment_at": ""})
    assert response.status_code == 400
    assert "appointment time" in response.content.decode()
    assert state_of(my_order) == State.DISPATCHED and events(my_order)[-1] == "dispatch"


def test_a_pooled_order_is_taken_with_its_appointment(clock, client, cleaner, new_order,
                                                      dispatch):
    pooled = dispatch(new_order("cleaning"))
    client.force_login(cleaner)
    assert pooled.number in client.get("/field/").content.decode()
    client.post(url(pooled, "accept"), {"appointment_at": "2026-11-25T16:00"})
    order = WorkOrder.objects.get(pk=pooled.pk)
    assert (order.state, order.assignee, events(order)[-1]) == ("accepted", cleaner, "take")
    assert order.appointment_at is not None


def test_a_teammates_order_opens_but_its_actions_are_refused(client, teammate, my_order):
    client.force_login(teammate)
    assert client.get(url(my_order)).status_code == 200
    response = client.post(url(my_order, "accept"), {"appointment_at": "2026-11-25T15:30"})
    assert response.status_code == 403
    assert state_of(my_order) == State.DISPATCHED


def test_starting_needs_an_accepted_order(tech_client, technician, my_order):
    response = tech_client.post(url(my_order, "start"))
    assert response.status_code == 403 and "is not possible while" in response.content.decode()
    assert state_of(my_order) == State.DISPATCHED
    fire(my_order, technician, "accept")
    assert tech_client.post(url(my_order, "start")).status_code == 302
    assert state_of(my_order) == State.IN_PROGRESS


def test_a_stale_page_does_not_fire_twice(tech_client, technician, my_order):
    fire(my_order, technician, "accept")
    response = tech_client.post(url(my_order, "accept"), {
        "appointment_at": "2026-11-25T15:30", "expected_state": "dispatched"})
    assert response.status_code == 409
    assert events(my_order).count("accept") == 1


def test_photos_before_and_after_the_work_are_added_to_the_order(tech_client, technician,
                                                                 my_order):
    fire(my_order, technician, "accept")
    assert tech_client.post(url(my_order, "photos"), {
        "kind": "after", "photos": [upload("a.png", PNG)]}).status_code == 400
    assert tech_client.post(url(my_order, "photos"), {
        "kind": "before", "photos": [upload("b.png", PNG)]}).status_code == 302
    fire(my_order, technician, "start")
    assert tech_client.post(url(my_order, "photos"), {
        "kind": "after", "photos": [upload("c.jpg", jpeg_bytes(), "image/jpeg")]}
    ).status_code == 302
    kinds = sorted(my_order.photos.values_list("kind", flat=True))
    assert kinds == ["after", "before"]
    assert events(my_order).count("add_photo") == 2
    after = my_order.photos.get(kind="after")
    assert after.image.name.endswith(".jpg")
    served = tech_client.get(f"/field/photos/{after.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_an_upload_that_is_not_an_image_is_refused_whatever_its_name(tech_client, technician,
                                                                    my_order):
    fire(my_order, technician, "accept")
    for name, content in (("x.jpg", SCRIPT), ("x.svg", b"<svg onload='alert(1)'/>"),
                          ("x.png", b"\x89PNG" + SCRIPT)):
        response = tech_client.post(url(my_order, "photos"), {
            "kind": "before", "photos": [upload(name, content, "image/jpeg")]})
        assert response.status_code == 400
        assert "JPEG, PNG or WebP" in response.content.decode()
    assert not my_order.photos.exists() and "add_photo" not in events(my_order)


def test_photos_are_refused_on_an_order_not_yet_accepted_or_not_mine(client, technician,
                                                                     teammate, my_order):
    client.force_login(technician)
    assert client.post(url(my_order, "photos"), {
        "kind": "before", "photos": [upload("b.png", PNG)]}).status_code == 403
    fire(my_order, technician, "accept")
    client.force_login(teammate)
    assert client.post(url(my_order, "photos"), {
        "kind": "before", "photos": [upload("b.png", PNG)]}).status_code == 403
    assert not my_order.photos.exists()


def test_parts_used_are_recorded_while_working(tech_client, technician, my_order):
    fire(my_order, technician, "accept")
    assert tech_client.post(url(my_order, "parts"), {"name": "LED灯管", "quantity": 2}
                            ).status_code == 403
    fire(my_order, technician, "start")
    for bad in ({"name": "", "quantity": 1}, {"name": "LED灯管", "quantity": 0},
                {"name": "LED灯管", "quantity": "two"}):
        assert tech_client.post(url(my_order, "parts"), bad).status_code == 400
    assert not WorkOrderPart.objects.exists()
    assert tech_client.post(url(my_order, "parts"), {"name": "LED灯管", "quantity": 2}
                            ).status_code == 302
    part = WorkOrderPart.objects.get()
    assert (part.work_order_id, str(part), part.recorded_by) == (my_order.pk, "LED灯管 × 2",
                                                                technician)
    assert events(my_order)[-1] == "record_part"


def test_finishing_with_the_residents_signature_completes_and_accepts_the_order(
        tech_client, technician, my_order):
    order = started(my_order, technician)
    services.work_order_record_part(order_id=order.pk, user=technician, name="开关", quantity=1)
    response = tech_client.post(url(order, "finish"), {
        "signature": data_url(png_bytes()), "expected_state": "in_progress"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(pk=order.pk)
    # The signature is the resident's acceptance: the order awaits its follow-up call.
    assert order.state == State.FOLLOW_UP and order.completed_at is not None
    assert order.follow_ups.count() == 1
    assert order.parts_note == "开关 × 1"
    signature = order.photos.get(kind=WorkOrderPhoto.Kind.SIGNATURE)
    assert signature.image.read() == png_bytes()
    assert events(order)[-3:] == ["complete", "signed", "pass_acceptance"]
    page = tech_client.get(url(order)).content.decode()
    assert f'class="signature" src="/field/photos/{signature.pk}/"' in page


@pytest.mark.parametrize("signature", [
    "", data_url(jpeg_bytes(), "jpeg"), data_url(jpeg_bytes(), "png"),
    "data:image/png;base64,not-base64!", data_url(png_bytes(draw=False)),
    data_url(png_bytes((3000, 100))),
    "data:image/png;base64," + "A" * 400_000,
])
def test_a_signature_that_is_not_a_drawn_png_of_bounded_size_refuses_the_finish(
        tech_client, technician, my_order, signature):
    order = started(my_order, technician)
    response = tech_client.post(url(order, "finish"), {"signature": signature})
    assert response.status_code == 400
    assert "signature" in response.content.decode().lower()
    assert state_of(order) == State.IN_PROGRESS
    assert not order.photos.exists() and events(order)[-1] == "start"


def test_finishing_for_acceptance_in_the_portal_leaves_the_acceptance_to_the_resident(
        tech_client, technician, my_order, place_a):
    from property_service.portal import services as portal_services

    order = started(my_order, technician)
    response = tech_client.post(url(order, "finish"), {"accept_in_portal": "yes"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.state == State.COMPLETED and not order.photos.exists()
    assert "accept in the portal" in order.events.get(action="complete").comment
    resident = portal_services.create_account(by=None, resident=place_a.resident,
                                              username="owner_a",
                                              password="Resident-pass-2026").user
    assert [a.name for a in available_actions(order, resident)] == ["pass_acceptance",
                                                                    "fail_acceptance"]


def test_finishing_needs_the_work_started(tech_client, technician, my_order):
    fire(my_order, technician, "accept")
    response = tech_client.post(url(my_order, "finish"), {"signature": data_url(png_bytes())})
    assert response.status_code == 403
    assert state_of(my_order) == State.ACCEPTED and not my_order.photos.exists()


def test_tapping_to_call_reveals_the_number_and_logs_exactly_one_access(
        tech_client, technician, my_order, place_a):
    response = tech_client.post(url(my_order, "call"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"phone": place_a.resident.phone,
                               "tel": f"tel:{place_a.resident.phone}"}
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.resident, access.channel, access.kind) == (
        technician, place_a.resident, "field", "shown")
    page = tech_client.post(url(my_order, "call")).content.decode()
    assert f'href="tel:{place_a.resident.phone}"' in page
    assert PersonalDataAccess.objects.count() == 2


def test_the_number_stays_hidden_from_those_who_may_not_call(client, teammate, guard,
                                                             new_order, dispatch, my_order):
    client.force_login(teammate)
    response = client.post(url(my_order, "call"), HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and "phone" not in response.json()
    assert "data-reveal" not in client.get(url(my_order)).content.decode()
    security = dispatch(new_order("security"), guard)
    client.force_login(guard)
    assert client.post(url(security, "call")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_number_of_a_finished_order_is_no_longer_revealed(tech_client, technician,
                                                              my_order):
    order = started(my_order, technician)
    fire(order, technician, "complete")
    assert tech_client.post(url(order, "call")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_security_guard_works_security_orders_in_the_field_app(client, guard, new_order,
                                                                   dispatch, clock):
    order = dispatch(new_order("security"), guard)
    client.force_login(guard)
    assert order.number in client.get("/field/").content.decode()
    client.post(url(order, "accept"), {"appointment_at": "2026-11-25T11:00"})
    client.post(url(order, "start"))
    client.post(url(order, "finish"), {"accept_in_portal": "yes"})
    assert state_of(order) == State.COMPLETED


def visible_text(html_page: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        parts, skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script", "option")
            for name, value in attrs:
                if name in ("placeholder", "aria-label", "alt", "title") and value:
                    self.parts.append(value)

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script", "option")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html_page)
    return " ".join(parser.parts)


def test_the_field_pages_in_chinese_hold_no_english(client, technician, my_order, settings):
    import re

    settings.LANGUAGE_CODE = "zh-hans"
    order = started(my_order, technician)
    services.work_order_record_part(order_id=order.pk, user=technician, name="开关", quantity=1)
    client.force_login(technician)
    # Data, not the page's own words: the number, names, the bilingual category.
    data = [order.number, "Electrical", "Community AAA", "Resident AAA", "AAA", "tech_a",
            "agent_a", "Reported by Phone"]
    for url in ("/field/", f"/field/orders/{order.pk}/", "/field/login/"):
        text = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
        for value in data:
            text = text.replace(value, "")
        assert not re.findall(r"[A-Za-z]{2,}", text), (url, re.findall(r"[A-Za-z]{2,}", text))


def test_only_a_signature_lets_the_technician_record_the_residents_acceptance(
        tech_client, technician, my_order):
    from property_service.core.errors import ActionError
    from property_service.workorders import services as work_order_services

    order = started(my_order, technician)
    tech_client.post(url(order, "finish"), {"accept_in_portal": "yes"})
    with pytest.raises(ActionError):
        work_order_services.transition_work_order(order_id=order.pk, user=technician,
                                                  action="pass_acceptance")
    assert state_of(order) == State.COMPLETED
