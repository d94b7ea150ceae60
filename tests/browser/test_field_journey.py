"""A maintenance technician on a phone, in Chinese: logs in to the field app, opens the order
dispatched to them, calls the resident, accepts with an appointment, starts, adds a photo
before and after, records a part, has the resident sign on the screen and finishes. In a real
browser, under the app's Content-Security-Policy."""

import pytest
from property_service.core.models import PersonalDataAccess
from property_service.workorders import services
from property_service.workorders.models import Team, WorkOrder, WorkOrderCategory

from tests.browser.conftest import PHONE
from tests.browser.test_content_security_policy import violations, watched
from tests.factories.workorders import TeamMemberFactory
from tests.field.conftest import jpeg_bytes, png_bytes


def stroke_by_touch(page, points):
    """A finger drawing through ``points`` (page coordinates), as the phone's touch screen
    sends it."""
    cdp = page.context.new_cdp_session(page)
    first, *rest = points
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": first[0], "y": first[1]}]})
    for x, y in rest:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_technician_works_an_order_from_the_phone_to_the_residents_signature(
        live_server, browser, screenshot, clock, make_staff, place_a):
    agent = make_staff("CS Agent", communities=[place_a.community], username="agent_live")
    technician = make_staff("Maintenance", communities=[place_a.community],
                            username="tech_live")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=technician)
    order = services.create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=WorkOrderCategory.objects.get(code="electrical"), resident=place_a.resident,
        description="厨房顶灯不亮，开关没有反应")
    services.transition_work_order(order_id=order.pk, user=agent, action="dispatch",
                                   assignee=technician)

    page, messages = watched(browser, locale="zh-CN",
                             extra_http_headers={"Accept-Language": "zh-hans"}, **PHONE)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_url("**/field/login/?next=/field/")
    page.fill("input[name=username]", "tech_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/")
    assert "我的工单" in page.inner_text("main")
    assert page.locator(f'[data-order="{order.number}"]').count() == 1
    screenshot(page, "1-my-orders")

    page.click(f'[data-order="{order.number}"] a')
    page.wait_for_selector("#problem")
    assert page.inner_text("main").index("厨房顶灯不亮") < page.inner_text("main").index(
        place_a.resident.name)
    assert "139****5671" in page.inner_text("#phone")
    screenshot(page, "2-order")

    page.click("#phone button")
    page.wait_for_selector('#phone a[href="tel:13912345671"]')
    assert PersonalDataAccess.objects.filter(user=technician, channel="field").count() == 1
    screenshot(page, "3-call")

    page.fill("input[name=appointment_at]", "2026-11-25T15:30")
    page.click("#accept button[type=submit]")
    page.wait_for_selector('[data-state="accepted"]')
    assert "2026-11-25 15:30" in page.inner_text("[data-appointment]")
    screenshot(page, "4-accepted")

    page.select_option("#photo-kind", "before")
    page.set_input_files("#photo-files", files=[
        {"name": "before.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.click("#add-photos button[type=submit]")
    page.wait_for_selector('img.photo[data-kind="before"]')
    screenshot(page, "5-photo-before")

    page.click("#start button[type=submit]")
    page.wait_for_selector('[data-state="in_progress"]')
    screenshot(page, "6-started")

    page.select_option("#photo-kind", "after")
    page.set_input_files("#photo-files", files=[
        {"name": "after.png", "mimeType": "image/png", "buffer": png_bytes((80, 80))}])
    page.click("#add-photos button[type=submit]")
    page.wait_for_selector('img.photo[data-kind="after"]')
    screenshot(page, "7-photo-after")

    page.fill("#record-part input[name=name]", "LED吸顶灯")
    page.fill("#record-part input[name=quantity]", "1")
    page.click("#record-part button[type=submit]")
    page.wait_for_selector("#parts li")
    assert "LED吸顶灯 × 1" in page.inner_text("#parts")
    screenshot(page, "8-part")

    pad = page.locator("canvas[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    assert page.locator("[data-signature-submit]").is_disabled()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * .1, y + h * .7)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + w * (.1 + .04 * step), y + h * (.7 - .05 * step), steps=2)
    page.mouse.up()
    stroke_by_touch(page, [(x + w * (.5 + .03 * i), y + h * (.3 + .05 * (i % 4)))
                           for i in range(12)])
    assert page.locator("[data-signature-submit]").is_enabled()
    screenshot(page, "9-signed")

    page.click("[data-signature-submit]")
    page.wait_for_selector('[data-state="follow_up"]')
    page.wait_for_selector('#timeline [data-event="signed"] img.signature')
    screenshot(page, "10-finished")

    order = WorkOrder.objects.get(pk=order.pk)
    assert order.state == "follow_up"  # signed on site: accepted, awaiting the follow-up call
    assert sorted(order.photos.values_list("kind", flat=True)) == ["after", "before",
                                                                  "signature"]
    assert order.parts_note == "LED吸顶灯 × 1"
    assert list(order.events.order_by("at", "id").values_list("action", flat=True))[-8:] == [
        "accept", "add_photo", "start", "add_photo", "record_part", "complete", "signed",
        "pass_acceptance"]
    assert "待回访" in page.inner_text("[data-state]")
    assert violations(page, messages) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_camera_photo_is_scaled_down_on_the_phone_before_it_is_sent(
        live_server, browser, clock, make_staff, place_a):
    import io

    from PIL import Image

    agent = make_staff("CS Agent", communities=[place_a.community], username="agent_live")
    technician = make_staff("Maintenance", communities=[place_a.community],
                            username="tech_live")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=technician)
    order = services.create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=WorkOrderCategory.objects.get(code="electrical"), description="插座松动")
    services.transition_work_order(order_id=order.pk, user=agent, action="dispatch",
                                   assignee=technician)
    services.transition_work_order(order_id=order.pk, user=technician, action="accept")
    camera = io.BytesIO()
    Image.effect_noise((2400, 1800), 40).convert("RGB").save(camera, format="PNG")
    assert camera.tell() > 1024 * 1024

    page = browser.new_page(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"},
                            **PHONE)
    page.goto(f"{live_server.url}/field/login/")
    page.fill("input[name=username]", "tech_live")
    page.fill("input[name=password]", "test-pass-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/field/")
    page.goto(f"{live_server.url}/field/orders/{order.pk}/")
    page.set_input_files("#photo-files", files=[
        {"name": "IMG_0001.png", "mimeType": "image/png", "buffer": camera.getvalue()}])
    page.click("#add-photos button[type=submit]")
    page.wait_for_selector('img.photo[data-kind="before"]')

    photo = order.photos.get()
    assert photo.image.name.endswith(".jpg") and photo.image.size < camera.tell()
    with Image.open(photo.image) as stored:
        assert stored.format == "JPEG" and stored.size == (1600, 1200)
