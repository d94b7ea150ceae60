"""The portal: a resident reads the catalogue, orders, and answers the quote; nobody else's
orders are reachable."""

from django.utils import timezone
from property_service.specialservices import services
from property_service.specialservices.models import SpecialServiceOrder
from property_service.workorders.models import WorkOrder

from .conftest import item


def test_a_resident_orders_in_the_portal_and_a_work_order_is_filed(client, clock, resident_a,
                                                                    place_a, agent,
                                                                    technician):
    client.force_login(resident_a)
    page = client.get("/portal/services/").content.decode()
    assert "Indoor repairs" in page and "¥80.00 per visit" in page
    response = client.post("/portal/services/new/", {
        "unit": place_a.unit.pk, "service": item("indoor_repair").pk,
        "preferred_at": "2026-11-28T09:30", "notes": "卫生间门锁坏了"})
    order = SpecialServiceOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/services/{order.pk}/"
    assert order.work_order.channel == "app" and order.resident == place_a.resident
    assert timezone.localtime(order.preferred_at).strftime("%Y-%m-%d %H:%M") == \
        "2026-11-28 09:30"
    assert "卫生间门锁坏了" in order.work_order.description

    services.quote(order_id=order.pk, user=technician, amount="150", note="换锁芯")
    page = client.get(f"/portal/services/{order.pk}/").content.decode()
    assert 'id="quote-answer"' in page and "¥150.00" in page
    response = client.post(f"/portal/services/{order.pk}/quote/", {"accepted": "yes"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.quote_status == "accepted" and order.quote_answered_by == resident_a
    page = client.get(f"/portal/services/{order.pk}/").content.decode()
    assert 'id="quote-answer"' not in page


def test_a_bad_order_is_refused_with_a_message_and_files_nothing(client, clock, resident_a,
                                                                 place_a):
    client.force_login(resident_a)
    response = client.post("/portal/services/new/", {
        "unit": place_a.unit.pk, "service": item("indoor_repair").pk,
        "preferred_at": "2026-11-01T09:30"})
    assert response.status_code == 400
    assert "The preferred time is in the past." in response.content.decode()
    response = client.post("/portal/services/new/", {"unit": place_a.unit.pk,
                                                     "service": 999999})
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()


def test_another_residents_order_is_not_found(client, clock, fixed_order, resident_b):
    client.force_login(resident_b)
    assert client.get(f"/portal/services/{fixed_order.pk}/").status_code == 404
    assert client.post(f"/portal/services/{fixed_order.pk}/quote/",
                       {"accepted": "yes"}).status_code == 404
    assert str(fixed_order.work_order.number) not in \
        client.get("/portal/services/").content.decode()


def test_the_portal_pages_are_in_chinese(client, clock, fixed_order, resident_a):
    from tests.english import english_in_html

    client.force_login(resident_a)
    client.cookies["django_language"] = "zh-hans"
    for url in ("/portal/services/", "/portal/services/new/",
                f"/portal/services/{fixed_order.pk}/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        # The test's community is named in English ("Community AAA"): data, not text.
        found = [t for t in english_in_html(response.content.decode())
                 if "Community AAA" not in t]
        assert found == [], url
