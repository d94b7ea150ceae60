"""The API: the catalogue and the orders, scoped; bad input is a 400 in the caller's language
and changes nothing."""

from decimal import Decimal

from property_service.specialservices.models import SpecialService, SpecialServiceOrder
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from .conftest import complete, item

ITEMS, ORDERS = "/api/v1/special-services/", "/api/v1/special-service-orders/"


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def b_item(place_b):
    return SpecialService.objects.create(
        community=place_b.community, code="b_window", name="擦窗",
        category=WorkOrderCategory.objects.get(code="cleaning"), pricing="fixed",
        price=Decimal("60"))


def test_the_catalogue_lists_the_company_items_and_the_users_communitys_only(
        client, agent, place_b):
    b_item(place_b)
    client.force_login(agent)
    body = client.get(ITEMS).json()
    codes = {row["code"] for row in body["results"]}
    assert "indoor_repair" in codes and "b_window" not in codes
    assert {"results", "next", "previous"} <= set(body)
    drain = next(r for r in body["results"] if r["code"] == "drain_unblocking")
    assert drain["price"] == "80.00" and drain["pricing_label"] == "Fixed price"
    assert drain["price_text"] == "¥80.00 per visit"


def test_a_bad_or_negative_price_is_a_400_in_the_users_language_and_saves_nothing(
        client, make_staff, place_a):
    manager = make_staff("Property Manager", communities=[place_a.community])
    client.force_login(manager)
    base = {"community": place_a.community.pk, "code": "a_window", "name": "擦窗",
            "category": WorkOrderCategory.objects.get(code="cleaning").pk}
    response = post(client, ITEMS, {**base, "pricing": "fixed", "price": "-5"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "price" in response.json()
    response = post(client, ITEMS, {**base, "pricing": "fixed"})
    assert response.status_code == 400
    assert response.json() == {"price": ["Give the price of a fixed-price service."]}
    response = post(client, ITEMS, {**base, "pricing": "quoted", "price_min": "500",
                                    "price_max": "50"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"price_max": ["最高价不能低于最低价。"]}
    assert not SpecialService.objects.filter(code="a_window").exists()
    response = post(client, ITEMS, {**base, "pricing": "fixed", "price": "60"})
    assert response.status_code == 201, response.content


def test_an_agent_may_not_change_the_catalogue(client, agent, place_a):
    client.force_login(agent)
    response = post(client, ITEMS, {"community": place_a.community.pk, "code": "x",
                                    "name": "x", "pricing": "fixed", "price": "1",
                                    "category": WorkOrderCategory.objects.get(code="cleaning").pk})
    assert response.status_code == 403


def test_the_desk_orders_through_the_api_and_the_work_order_is_filed(client, clock, desk,
                                                                     place_a):
    client.force_login(desk)
    response = post(client, ORDERS, {"service": item("home_cleaning").pk,
                                     "unit": place_a.unit.pk, "resident": place_a.resident.pk,
                                     "channel": "phone", "notes": "周六上午"})
    assert response.status_code == 201, response.content
    body = response.json()
    order = SpecialServiceOrder.objects.get()
    assert body["number"] == order.work_order.number and body["work_order_state"] == "new"
    assert body["list_price"] == "45.00" and body["quote_status"] == "not_needed"
    assert body["payment_status_label"] == "Unpaid"
    assert order.work_order.team.code == "cleaning"


def test_an_item_of_another_community_is_refused(client, clock, desk, place_a, place_b):
    client.force_login(desk)
    response = post(client, ORDERS, {"service": b_item(place_b).pk, "unit": place_a.unit.pk,
                                     "channel": "phone"})
    assert response.status_code == 400 and "service" in response.json()
    assert not WorkOrder.objects.exists()


def test_a_negative_amount_is_a_400_in_the_users_language_and_changes_nothing(
        client, clock, quoted_order, agent):
    client.force_login(agent)
    url = f"{ORDERS}{quoted_order.pk}/transition/"
    response = post(client, url, {"action": "quote", "amount": "-10"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response.json() == {"amount": ["金额不能为负数。"]}
    response = post(client, url, {"action": "quote", "amount": "ten"})
    assert response.status_code == 400 and response.json() == {
        "amount": ["Give the amount as a number of yuan, e.g. 80 or 80.50."]}
    quoted_order.refresh_from_db()
    assert quoted_order.quoted_amount is None and quoted_order.quote_status == "awaiting"
    assert quoted_order.events.count() == 1

    response = post(client, url, {"action": "quote", "amount": "300", "comment": "换阀芯"})
    assert response.status_code == 200, response.content
    assert response.json()["quoted_amount"] == "300.00"
    response = post(client, url, {"action": "accept_quote"})
    assert response.json()["quote_status"] == "accepted"
    assert response.json()["expected_amount"] == "300.00"


def test_charge_pay_and_waive_through_the_api(client, clock, fixed_order, agent, technician,
                                              supervisor):
    complete(fixed_order, agent=agent, technician=technician)
    url = f"{ORDERS}{fixed_order.pk}/transition/"
    client.force_login(agent)
    response = post(client, url, {"action": "charge", "amount": "95"})
    assert response.status_code == 400 and "reason" in response.json()
    response = post(client, url, {"action": "charge", "amount": "95", "reason": "多一处"})
    assert response.status_code == 200 and response.json()["charged_amount"] == "95.00"
    response = post(client, url, {"action": "waive", "reason": "免收"})
    assert response.status_code == 403
    response = post(client, url, {"action": "pay"})
    assert response.status_code == 400 and "method" in response.json()
    client.force_login(supervisor)
    response = post(client, url, {"action": "waive", "reason": "返工免收"})
    assert response.status_code == 200 and response.json()["payment_status"] == "waived"


def test_staff_of_another_community_do_not_reach_the_order(client, clock, fixed_order,
                                                          make_staff, place_b):
    client.force_login(make_staff("CS Supervisor", communities=[place_b.community]))
    assert client.get(ORDERS).json()["results"] == []
    assert client.get(f"{ORDERS}{fixed_order.pk}/").status_code == 404
    response = post(client, f"{ORDERS}{fixed_order.pk}/transition/",
                    {"action": "waive", "reason": "x"})
    assert response.status_code == 404


def test_the_figures_endpoint_answers_per_community_and_month(client, clock, fixed_order,
                                                              agent):
    client.force_login(agent)
    body = client.get("/api/v1/figures/special-services/?month=2026-11").json()
    assert body["month"] == "2026-11"
    assert [(r["community_label"], r["orders"], r["charged"]) for r in body["results"]] == [
        ("Community AAA", 1, "0.00")]
    response = client.get("/api/v1/figures/special-services/?month=2026-13")
    assert response.status_code == 400 and "month" in response.json()
