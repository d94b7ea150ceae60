"""The back office: the desk records an order, the agent quotes and records the answer, the
figures page; every page answers."""

from property_service.specialservices.models import SpecialServiceOrder

from tests.helpers import admin_url

from .conftest import complete, item


def test_the_desk_records_an_order_in_the_back_office(client, clock, desk, place_a):
    client.force_login(desk)
    assert client.get(admin_url("specialserviceorder", "add")).status_code == 200
    response = client.post(admin_url("specialserviceorder", "add"), {
        "service": item("indoor_repair").pk, "unit": place_a.unit.pk,
        "resident": place_a.resident.pk, "channel": "phone", "notes": "阳台推拉门"})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = SpecialServiceOrder.objects.get()
    assert order.work_order.channel == "phone" and order.notes == "阳台推拉门"


def test_a_past_preferred_time_is_refused_on_the_form(client, clock, desk, place_a):
    client.force_login(desk)
    response = client.post(admin_url("specialserviceorder", "add"), {
        "service": item("indoor_repair").pk, "unit": place_a.unit.pk, "channel": "phone",
        "preferred_at_0": "2026-11-01", "preferred_at_1": "09:00"})
    assert response.status_code == 200
    assert "The preferred time is in the past." in response.content.decode()
    assert not SpecialServiceOrder.objects.exists()


def test_the_agent_quotes_records_the_answer_and_the_supervisor_waives(
        client, clock, quoted_order, agent, supervisor, technician):
    client.force_login(agent)
    page = client.get(admin_url("specialserviceorder", "change", quoted_order.pk))
    assert page.status_code == 200 and 'data-action="quote"' in page.content.decode()
    act = admin_url("specialserviceorder", "act", quoted_order.pk)
    client.post(act, {"action": "quote", "amount": "-1"})
    quoted_order.refresh_from_db()
    assert quoted_order.quoted_amount is None
    client.post(act, {"action": "quote", "amount": "200", "comment": "更换合页"})
    client.post(act, {"action": "accept_quote"})
    quoted_order.refresh_from_db()
    assert quoted_order.quote_status == "accepted"
    complete(quoted_order, agent=agent, technician=technician)
    client.post(act, {"action": "charge", "amount": "200"})
    page = client.get(admin_url("specialserviceorder", "change", quoted_order.pk))
    assert 'data-action="waive"' not in page.content.decode()
    client.post(act, {"action": "waive", "comment": "x"})
    quoted_order.refresh_from_db()
    assert quoted_order.payment_status == "unpaid"
    client.force_login(supervisor)
    page = client.get(admin_url("specialserviceorder", "change", quoted_order.pk))
    assert 'data-action="waive"' in page.content.decode()
    client.post(act, {"action": "waive", "comment": "老人优惠"})
    quoted_order.refresh_from_db()
    assert quoted_order.payment_status == "waived"


def test_the_lists_and_the_figures_page_answer(client, clock, fixed_order, supervisor):
    client.force_login(supervisor)
    for url in (admin_url("specialserviceorder", "changelist"),
                admin_url("specialservice", "changelist"),
                admin_url("specialservice", "change", item("indoor_repair").pk),
                admin_url("specialserviceorder", "figures") + "?month=2026-11"):
        assert client.get(url).status_code == 200, url
    page = client.get(admin_url("specialserviceorder", "figures") + "?month=2026-11")
    assert f'data-community="{fixed_order.community_id}"' in page.content.decode()
    assert client.get(admin_url("specialserviceorder", "figures") + "?month=x").status_code \
        == 400


def test_technicians_see_their_teams_orders_but_not_the_revenue(client, clock, fixed_order,
                                                                make_staff, place_a,
                                                                technician):
    outsider = make_staff("Maintenance", communities=[place_a.community])
    client.force_login(outsider)  # in no team: not their order
    url = admin_url("specialserviceorder", "change", fixed_order.pk)
    assert client.get(url).status_code == 302
    client.force_login(technician)  # in the maintenance team the order went to
    assert client.get(url).status_code == 200
    assert client.get(admin_url("specialserviceorder", "figures")).status_code == 403
    assert client.get("/api/v1/figures/special-services/").status_code == 403
