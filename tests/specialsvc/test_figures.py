"""Figures per community and month, exact on a known data set, and scoped."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from property_service.access.scoping import scope
from property_service.specialservices import services
from property_service.specialservices.figures import OrderFacts, figures_for, month_figures
from property_service.specialservices.models import SpecialServiceOrder
from property_service.workorders import services as work_order_services
from property_service.workorders.models import FollowUp

from .conftest import complete, item, work

NOV, DEC = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)


def at(text):
    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))


def test_month_figures_count_each_fact_in_the_month_it_happened():
    orders = [
        OrderFacts(1, "A", at("2026-11-02 09:00"), Decimal("80.00"), at("2026-11-03 10:00"),
                   "paid", at("2026-11-03 10:05"), ratings=((at("2026-11-04 10:00"), 5),)),
        OrderFacts(1, "A", at("2026-11-20 09:00"), Decimal("260.00"), at("2026-11-30 23:59"),
                   "paid", at("2026-12-01 00:00"), ratings=((at("2026-12-02 10:00"), 2),)),
        OrderFacts(1, "A", at("2026-11-28 09:00"), Decimal("45.00"), at("2026-11-29 10:00"),
                   "waived", waived_at=at("2026-11-29 11:00"),
                   ratings=((at("2026-11-30 10:00"), 4),)),
        OrderFacts(1, "A", at("2026-10-31 23:59")),  # October, local time
        OrderFacts(2, "B", at("2026-11-15 12:00"), Decimal("120.00"), at("2026-11-16 12:00")),
    ]
    a, b = month_figures(orders, NOV)
    assert (a.community, a.orders, a.charged, a.paid, a.waived) == (
        "A", 3, Decimal("385.00"), Decimal("80.00"), Decimal("45.00"))
    assert (a.ratings, a.satisfaction) == (2, Decimal("4.50"))
    assert (b.community, b.orders, b.charged, b.paid, b.satisfaction) == (
        "B", 1, Decimal("120.00"), Decimal("0.00"), None)
    assert b.outstanding == Decimal("120.00")
    (a_dec,) = month_figures(orders, DEC)
    assert (a_dec.orders, a_dec.charged, a_dec.paid, a_dec.satisfaction) == (
        0, Decimal("0.00"), Decimal("260.00"), Decimal("2.00"))


def test_figures_from_the_database_agree_and_are_scoped(
        clock, place_a, place_b, make_staff, resident_a, resident_b, agent, technician,
        supervisor):
    clock.set("2026-11-10 09:00")
    first = services.order_special_service(by=resident_a,
                                           service_id=item("drain_unblocking").pk,
                                           unit=place_a.unit)
    second = services.order_special_service(by=resident_a,
                                            service_id=item("drain_unblocking").pk,
                                            unit=place_a.unit)
    services.order_special_service(by=resident_b, service_id=item("home_cleaning").pk,
                                   unit=place_b.unit)
    complete(first, agent=agent, technician=technician)
    complete(second, agent=agent, technician=technician)
    services.record_charge(order_id=first.pk, user=agent, amount="80")
    services.record_charge(order_id=second.pk, user=agent, amount="100", reason="两处堵塞")
    services.record_payment(order_id=first.pk, user=agent, method="cash")
    services.waive_payment(order_id=second.pk, user=supervisor, reason="返工免收")
    for order, score in ((first, 5), (second, 4)):
        work(order, resident_a, "pass_acceptance")
        work_order_services.record_follow_up(order_id=order.work_order_id, user=agent,
                                             answered=True, result=FollowUp.Result.FIXED,
                                             satisfaction=score)

    everyone = make_staff("CS Supervisor")
    rows = figures_for(scope(SpecialServiceOrder.objects.all(), everyone), NOV)
    assert [(r.community, r.orders, r.charged, r.paid, r.waived, r.satisfaction)
            for r in rows] == [
        ("Community AAA", 2, Decimal("180.00"), Decimal("80.00"), Decimal("100.00"),
         Decimal("4.50")),
        ("Community BBB", 1, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None)]
    limited = figures_for(scope(SpecialServiceOrder.objects.all(), agent), NOV)
    assert [r.community for r in limited] == ["Community AAA"]
    assert figures_for(scope(SpecialServiceOrder.objects.all(), everyone), DEC) == []


@pytest.mark.parametrize("ratings, expected", [((), None), ((5, 4, 4), Decimal("4.33"))])
def test_the_average_satisfaction_rounds_to_two_decimals(ratings, expected):
    facts = [OrderFacts(1, "A", at("2026-11-02 09:00"),
                        ratings=tuple((at("2026-11-03 09:00"), r) for r in ratings))]
    (row,) = month_figures(facts, NOV)
    assert row.satisfaction == expected
