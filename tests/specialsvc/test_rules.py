"""The rules as pure functions: no database."""

from decimal import Decimal

import pytest
from property_service.specialservices import rules
from property_service.specialservices.states import PaymentStatus, QuoteStatus


def test_a_fixed_price_needs_its_price():
    assert rules.price_problems("fixed", None, None, None) == {
        "price": "Give the price of a fixed-price service."}
    assert rules.price_problems("fixed", Decimal("80"), None, None) == {}


def test_a_price_quoted_on_site_needs_its_range_lowest_first():
    assert set(rules.price_problems("quoted", None, None, None)) == {"price_min", "price_max"}
    assert rules.price_problems("quoted", None, Decimal("500"), Decimal("50")) == {
        "price_max": "The highest price cannot be below the lowest."}
    assert rules.price_problems("quoted", None, Decimal("50"), Decimal("50")) == {}


@pytest.mark.parametrize("field", ["price", "price_min", "price_max"])
def test_no_catalogue_amount_is_negative(field):
    prices = {"price": Decimal("1"), "price_min": Decimal("1"), "price_max": Decimal("2"),
              field: Decimal("-0.01")}
    assert rules.price_problems("quoted", **prices) == {
        field: "An amount cannot be negative."}


@pytest.mark.parametrize("value, problem", [
    ("80", None), ("0", None), ("80.5", None), (Decimal("80.50"), None),
    ("-1", "An amount cannot be negative."),
    ("-0.01", "An amount cannot be negative."),
    ("abc", "Give the amount as a number of yuan, e.g. 80 or 80.50."),
    ("NaN", "Give the amount as a number of yuan, e.g. 80 or 80.50."),
    ("1.001", "Give the amount in yuan with at most two decimals."),
    ("", "Give the amount."), (None, "Give the amount."),
    ("100000000", "This amount is too large."),
])
def test_an_amount_is_a_number_of_yuan_zero_or_more(value, problem):
    assert rules.amount_problem(value) == problem


def test_a_quoted_service_starts_only_after_its_quote_is_accepted():
    assert not rules.may_start("quoted", QuoteStatus.AWAITING_QUOTE)
    assert not rules.may_start("quoted", QuoteStatus.QUOTED)
    assert not rules.may_start("quoted", QuoteStatus.DECLINED)
    assert rules.may_start("quoted", QuoteStatus.ACCEPTED)
    assert rules.may_start("fixed", QuoteStatus.NOT_NEEDED)


def test_the_agreed_amount_is_the_fixed_price_or_the_accepted_quote():
    assert rules.expected_amount("fixed", Decimal("80"), QuoteStatus.NOT_NEEDED, None) == 80
    assert rules.expected_amount("quoted", None, QuoteStatus.QUOTED, Decimal("300")) is None
    assert rules.expected_amount("quoted", None, QuoteStatus.ACCEPTED, Decimal("300")) == 300


def test_a_charge_other_than_the_agreed_amount_needs_a_reason():
    assert not rules.charge_needs_reason(Decimal("80.00"), Decimal("80"))
    assert rules.charge_needs_reason(Decimal("80"), Decimal("95"))
    assert not rules.charge_needs_reason(None, Decimal("95"))


def test_only_a_supervisor_waives_and_only_an_unpaid_order():
    assert rules.may_waive(has_waive_permission=True, payment_status=PaymentStatus.UNPAID)
    assert not rules.may_waive(has_waive_permission=False, payment_status=PaymentStatus.UNPAID)
    assert not rules.may_waive(has_waive_permission=True, payment_status=PaymentStatus.PAID)
    assert not rules.may_waive(has_waive_permission=True, payment_status=PaymentStatus.WAIVED)


def test_a_payment_follows_the_charge_once():
    assert not rules.may_record_payment(PaymentStatus.UNPAID, None)
    assert rules.may_record_payment(PaymentStatus.UNPAID, Decimal("0"))
    assert not rules.may_record_payment(PaymentStatus.PAID, Decimal("80"))


def test_a_quote_changes_until_it_is_accepted():
    assert rules.may_quote(QuoteStatus.AWAITING_QUOTE) and rules.may_quote(QuoteStatus.QUOTED)
    assert rules.may_quote(QuoteStatus.DECLINED)
    assert not rules.may_quote(QuoteStatus.ACCEPTED)
    assert not rules.may_quote(QuoteStatus.NOT_NEEDED)


def test_a_fixed_price_is_agreed_per_unit_of_its_quantity():
    assert rules.expected_amount("fixed", Decimal("45.00"), QuoteStatus.NOT_NEEDED, None,
                                 Decimal("3")) == Decimal("135.00")
    assert rules.expected_amount("fixed", Decimal("45.00"), QuoteStatus.NOT_NEEDED, None,
                                 Decimal("2.5")) == Decimal("112.50")
    # A quote is the whole amount, whatever the quantity.
    assert rules.expected_amount("quoted", None, QuoteStatus.ACCEPTED, Decimal("300"),
                                 Decimal("3")) == Decimal("300")


@pytest.mark.parametrize("value, ok", [("1", True), ("2.5", True), ("0", False),
                                       ("-1", False), ("x", False), ("1.234", False)])
def test_a_quantity_is_more_than_zero(value, ok):
    assert (rules.quantity_problem(value) is None) is ok
