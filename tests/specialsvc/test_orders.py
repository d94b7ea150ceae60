"""An order is filed, dispatched, worked, accepted and followed up as a work order; the order
itself keeps the price: the quote gate, the amount charged, the payment and its waiver."""

from decimal import Decimal

import pytest
from django.utils import timezone
from property_service.core.errors import ActionError, NotAllowed
from property_service.specialservices import services
from property_service.specialservices.models import SpecialServiceOrder
from property_service.workorders import services as work_order_services
from property_service.workorders.models import FollowUp, WorkOrder

from .conftest import complete, item, work


def test_a_portal_order_files_a_work_order_that_the_work_order_service_dispatches(
        clock, quoted_order, place_a, resident_a, agent, technician):
    work_order = quoted_order.work_order
    assert work_order.number.startswith("WO-") and work_order.state == "new"
    assert work_order.channel == "app" and work_order.unit == place_a.unit
    assert work_order.resident == place_a.resident
    assert work_order.category.code == "appointment" and work_order.team.code == "maintenance"
    assert "室内维修" in work_order.description and "厨房水龙头漏水" in work_order.description
    assert work_order.respond_by is not None  # the SLA of its priority
    assert quoted_order.quote_status == "awaiting" and quoted_order.pricing == "quoted"
    assert [e.action for e in quoted_order.events.all()] == ["ordered"]

    work(quoted_order, agent, "dispatch", assignee=technician)
    assert quoted_order.work_order.state == "dispatched"
    assert quoted_order.work_order.assignee == technician


def test_the_desk_records_an_order_for_a_resident(clock, desk, place_a):
    order = services.order_special_service(
        by=desk, service_id=item("home_cleaning").pk, unit=place_a.unit,
        resident=place_a.resident, channel="phone", notes="周六上午")
    assert order.work_order.team.code == "cleaning" and order.channel == "phone"
    assert order.list_price == Decimal("45.00") and order.quote_status == "not_needed"


def test_a_resident_orders_only_for_their_own_unit_and_community(
        clock, resident_a, place_b):
    with pytest.raises(NotAllowed):
        services.order_special_service(by=resident_a, service_id=item("home_cleaning").pk,
                                       unit=place_b.unit)
    assert not SpecialServiceOrder.objects.exists() and not WorkOrder.objects.exists()


def test_an_item_not_offered_in_the_community_is_refused_and_nothing_is_filed(
        clock, resident_a, place_a, place_b):
    other = item("home_cleaning")
    other.pk, other.community, other.code = None, place_b.community, "b_only"
    other.save()
    inactive = item("garden_care")
    inactive.is_active = False
    inactive.save()
    for service in (other, inactive):
        with pytest.raises(ActionError) as refused:
            services.order_special_service(by=resident_a, service_id=service.pk,
                                           unit=place_a.unit)
        assert refused.value.field == "service"
    assert not WorkOrder.objects.exists()


def test_a_quoted_service_cannot_start_before_the_resident_accepts_the_quote(
        clock, quoted_order, agent, technician, resident_a):
    work(quoted_order, agent, "dispatch", assignee=technician)
    work(quoted_order, technician, "accept")
    with pytest.raises(ActionError, match="has not accepted the quote"):
        work(quoted_order, technician, "start")
    assert WorkOrder.objects.get(pk=quoted_order.work_order_id).state == "accepted"

    services.quote(order_id=quoted_order.pk, user=technician, amount="300", note="换阀芯")
    with pytest.raises(ActionError):
        work(quoted_order, technician, "start")
    services.answer_quote(order_id=quoted_order.pk, user=resident_a, accepted=False)
    with pytest.raises(ActionError):
        work(quoted_order, technician, "start")

    services.quote(order_id=quoted_order.pk, user=technician, amount="260.00")
    services.answer_quote(order_id=quoted_order.pk, user=resident_a, accepted=True)
    order = work(quoted_order, technician, "start")
    assert order.work_order.state == "in_progress"
    assert order.quote_status == "accepted" and order.expected_amount == Decimal("260.00")
    assert [e.action for e in order.events.all()] == [
        "ordered", "quoted", "quote_declined", "quoted", "quote_accepted"]


def test_a_fixed_price_service_starts_at_once(clock, fixed_order, agent, technician):
    work(fixed_order, agent, "dispatch", assignee=technician)
    assert work(fixed_order, technician, "accept", "start").work_order.state == "in_progress"


def test_an_accepted_quote_no_longer_changes_and_a_fixed_price_is_not_quoted(
        clock, quoted_order, fixed_order, agent):
    services.quote(order_id=quoted_order.pk, user=agent, amount="300")
    services.answer_quote(order_id=quoted_order.pk, user=agent, accepted=True)
    with pytest.raises(ActionError):
        services.quote(order_id=quoted_order.pk, user=agent, amount="1")
    with pytest.raises(ActionError):
        services.quote(order_id=fixed_order.pk, user=agent, amount="1")
    quoted_order.refresh_from_db()
    assert quoted_order.quoted_amount == Decimal("300.00")


def test_a_negative_or_bad_quote_is_refused_and_changes_nothing(clock, quoted_order, agent):
    for amount in ("-5", "abc", "", "1.234"):
        with pytest.raises(ActionError) as refused:
            services.quote(order_id=quoted_order.pk, user=agent, amount=amount)
        assert refused.value.field == "amount"
    quoted_order.refresh_from_db()
    assert quoted_order.quote_status == "awaiting" and quoted_order.quoted_amount is None


def test_only_staff_who_may_quote_quote_and_a_resident_answers_only_their_own(
        clock, quoted_order, desk, resident_a, resident_b, agent):
    with pytest.raises(NotAllowed):
        services.quote(order_id=quoted_order.pk, user=desk, amount="100")
    with pytest.raises(NotAllowed):
        services.quote(order_id=quoted_order.pk, user=resident_a, amount="1")
    services.quote(order_id=quoted_order.pk, user=agent, amount="100")
    with pytest.raises(NotAllowed):
        services.answer_quote(order_id=quoted_order.pk, user=resident_b, accepted=True)
    with pytest.raises(NotAllowed):
        services.answer_quote(order_id=quoted_order.pk, user=desk, accepted=True)


def test_the_amount_charged_is_recorded_at_completion_with_a_reason_when_it_differs(
        clock, fixed_order, agent, technician):
    work(fixed_order, agent, "dispatch", assignee=technician)
    work(fixed_order, technician, "accept", "start")
    with pytest.raises(ActionError, match="once the work is completed"):
        services.record_charge(order_id=fixed_order.pk, user=technician, amount="80")
    work(fixed_order, technician, "complete")
    with pytest.raises(ActionError) as refused:
        services.record_charge(order_id=fixed_order.pk, user=technician, amount="95")
    assert refused.value.field == "reason"
    with pytest.raises(ActionError) as refused:
        services.record_charge(order_id=fixed_order.pk, user=technician, amount="-1",
                               reason="x")
    assert refused.value.field == "amount"
    fixed_order.refresh_from_db()
    assert fixed_order.charged_amount is None

    order = services.record_charge(order_id=fixed_order.pk, user=technician, amount="80")
    assert order.charged_amount == Decimal("80.00") and order.charge_reason == ""
    order = services.record_charge(order_id=fixed_order.pk, user=technician, amount="95.5",
                                   reason="加疏通第二个地漏")
    assert order.charged_amount == Decimal("95.50") and order.charged_by == technician
    assert order.charged_at == timezone.now()


def test_a_service_charged_per_hour_is_agreed_for_the_hours_worked(clock, desk, place_a,
                                                                    agent, make_staff):
    from property_service.workorders.models import Team, TeamMember

    cleaner = make_staff("Cleaning", communities=[place_a.community])
    TeamMember.objects.create(team=Team.objects.get(code="cleaning"), user=cleaner)
    order = services.order_special_service(by=desk, service_id=item("home_cleaning").pk,
                                           unit=place_a.unit, channel="phone")
    work(order, agent, "dispatch")
    work(order, cleaner, "take", "start", "complete")
    with pytest.raises(ActionError) as refused:
        services.record_charge(order_id=order.pk, user=cleaner, amount="135", quantity="0")
    assert refused.value.field == "quantity"
    with pytest.raises(ActionError) as refused:
        services.record_charge(order_id=order.pk, user=cleaner, amount="135", quantity="2")
    assert refused.value.field == "reason"
    order = services.record_charge(order_id=order.pk, user=cleaner, amount="135",
                                   quantity="3")
    assert (order.quantity, order.charged_amount, order.charge_reason) == (
        Decimal("3.00"), Decimal("135.00"), "")


def test_a_quoted_service_is_charged_against_its_accepted_quote(
        clock, quoted_order, agent, technician, resident_a):
    services.quote(order_id=quoted_order.pk, user=technician, amount="260")
    services.answer_quote(order_id=quoted_order.pk, user=resident_a, accepted=True)
    complete(quoted_order, agent=agent, technician=technician)
    with pytest.raises(ActionError):
        services.record_charge(order_id=quoted_order.pk, user=agent, amount="300")
    assert services.record_charge(order_id=quoted_order.pk, user=agent,
                                  amount="260").charged_amount == Decimal("260.00")


def test_a_payment_is_recorded_once_with_its_method_and_time(
        clock, fixed_order, agent, technician):
    complete(fixed_order, agent=agent, technician=technician)
    with pytest.raises(ActionError):
        services.record_payment(order_id=fixed_order.pk, user=agent, method="wechat")
    services.record_charge(order_id=fixed_order.pk, user=agent, amount="80")
    with pytest.raises(ActionError) as refused:
        services.record_payment(order_id=fixed_order.pk, user=agent, method="bitcoin")
    assert refused.value.field == "method"
    order = services.record_payment(order_id=fixed_order.pk, user=agent, method="wechat")
    assert order.payment_status == "paid" and order.payment_method == "wechat"
    assert order.paid_at == timezone.now() and order.settled_by == agent
    with pytest.raises(ActionError):
        services.record_payment(order_id=fixed_order.pk, user=agent, method="cash")
    with pytest.raises(ActionError):
        services.record_charge(order_id=fixed_order.pk, user=agent, amount="10", reason="x")


def test_only_a_supervisor_waives_a_payment_and_says_why(
        clock, fixed_order, agent, supervisor, technician):
    complete(fixed_order, agent=agent, technician=technician)
    services.record_charge(order_id=fixed_order.pk, user=agent, amount="80")
    for user in (agent, technician):
        with pytest.raises(NotAllowed, match="Only a supervisor"):
            services.waive_payment(order_id=fixed_order.pk, user=user, reason="老人优惠")
    with pytest.raises(ActionError) as refused:
        services.waive_payment(order_id=fixed_order.pk, user=supervisor, reason=" ")
    assert refused.value.field == "reason"
    fixed_order.refresh_from_db()
    assert fixed_order.payment_status == "unpaid"
    order = services.waive_payment(order_id=fixed_order.pk, user=supervisor,
                                   reason="返工延误，免收")
    assert order.payment_status == "waived" and order.settled_by == supervisor
    assert order.waive_reason == "返工延误，免收"
    with pytest.raises(ActionError):
        services.record_payment(order_id=fixed_order.pk, user=agent, method="cash")


def test_acceptance_and_the_follow_up_call_are_the_work_orders(
        clock, fixed_order, agent, technician, resident_a):
    complete(fixed_order, agent=agent, technician=technician)
    work(fixed_order, resident_a, "pass_acceptance")
    assert fixed_order.work_order.state == "follow_up"
    work_order_services.record_follow_up(order_id=fixed_order.work_order_id, user=agent,
                                         answered=True, result=FollowUp.Result.FIXED,
                                         satisfaction=5)
    fixed_order.work_order.refresh_from_db()
    assert fixed_order.work_order.state == "closed" and fixed_order.work_order.satisfaction == 5


def test_staff_of_another_community_cannot_reach_the_order(clock, fixed_order, make_staff,
                                                           place_b):
    other = make_staff("CS Supervisor", communities=[place_b.community])
    with pytest.raises(NotAllowed):
        services.waive_payment(order_id=fixed_order.pk, user=other, reason="x")
    with pytest.raises(NotAllowed):
        services.order_special_service(by=other, service_id=item("home_cleaning").pk,
                                       unit=fixed_order.unit)
