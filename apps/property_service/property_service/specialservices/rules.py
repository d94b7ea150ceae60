"""The rules of special services as small pure functions (no database): how an item's price is
valid, what an order is expected to cost, when its work may start, when a charge needs a
reason, who may waive a payment. The services apply them; the tests call them directly."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .states import PaymentStatus, Pricing, QuoteStatus

# Who may waive a payment: the supervisors' permission (fixtures/roles.toml).
WAIVE_PERMISSION = "property_service.waive_specialserviceorder"

EVENT_LABELS = {
    "ordered": gettext_lazy("Ordered"),
    "quoted": gettext_lazy("Quote given"),
    "quote_accepted": gettext_lazy("Quote accepted"),
    "quote_declined": gettext_lazy("Quote declined"),
    "charged": gettext_lazy("Amount charged recorded"),
    "paid": gettext_lazy("Payment recorded"),
    "waived": gettext_lazy("Payment waived"),
}


def money(value) -> Decimal | None:
    """``value`` as an amount of CNY (two decimals), or None when it is not a number; the
    amount is not checked for sign (see ``amount_problem``)."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    return amount.quantize(Decimal("0.01"))


def amount_problem(value) -> str | None:
    """Why ``value`` is not an amount that can be quoted or charged, or None: a number of
    CNY, zero or more, at most two decimals."""
    if value is None or value == "":
        return _("Give the amount.")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return _("Give the amount as a number of yuan, e.g. 80 or 80.50.")
    if not amount.is_finite():
        return _("Give the amount as a number of yuan, e.g. 80 or 80.50.")
    if amount < 0:
        return _("An amount cannot be negative.")
    if amount != amount.quantize(Decimal("0.01")):
        return _("Give the amount in yuan with at most two decimals.")
    if amount >= Decimal("100000000"):
        return _("This amount is too large.")
    return None


def price_problems(pricing: str, price, price_min, price_max) -> dict[str, str]:
    """The problems of a catalogue item's price, by field: a fixed price needs its price; a
    price quoted on site needs the usual range, lowest first. No amount is negative."""
    problems = {}
    for field, value in (("price", price), ("price_min", price_min), ("price_max", price_max)):
        if value is not None and Decimal(value) < 0:
            problems[field] = _("An amount cannot be negative.")
    if problems:
        return problems
    if pricing == Pricing.FIXED:
        if price is None:
            problems["price"] = _("Give the price of a fixed-price service.")
    elif pricing == Pricing.QUOTED:
        if price_min is None:
            problems["price_min"] = _("Give the usual price range of a service quoted on site.")
        if price_max is None:
            problems["price_max"] = _("Give the usual price range of a service quoted on site.")
        if price_min is not None and price_max is not None and price_min > price_max:
            problems["price_max"] = _("The highest price cannot be below the lowest.")
    else:
        problems["pricing"] = _("Choose how the service is priced.")
    return problems


def price_label(pricing: str, price, price_min, price_max, unit_label: str) -> str:
    """The price as a resident reads it: "¥80.00 per visit", "quoted on site (¥50.00–¥500.00)"."""
    if pricing == Pricing.FIXED and price is not None:
        return _("¥%(price)s %(unit)s") % {"price": price, "unit": unit_label}
    if price_min is not None and price_max is not None:
        return _("quoted on site (¥%(low)s–¥%(high)s %(unit)s)") % {
            "low": price_min, "high": price_max, "unit": unit_label}
    return _("quoted on site")


def initial_quote_status(pricing: str) -> str:
    return QuoteStatus.AWAITING_QUOTE if pricing == Pricing.QUOTED else QuoteStatus.NOT_NEEDED


def may_quote(quote_status: str) -> bool:
    """A quote is given (or given again) while the resident has not accepted one."""
    return quote_status in (QuoteStatus.AWAITING_QUOTE, QuoteStatus.QUOTED,
                            QuoteStatus.DECLINED)


def may_answer_quote(quote_status: str) -> bool:
    return quote_status == QuoteStatus.QUOTED


def may_start(pricing: str, quote_status: str) -> bool:
    """The work of a service quoted on site starts only once the resident accepted the quote;
    a fixed-price service carries its price and may start at once."""
    return pricing != Pricing.QUOTED or quote_status == QuoteStatus.ACCEPTED


def quantity_problem(value) -> str | None:
    """Why ``value`` is not a quantity of a fixed-price service's unit (hours, items, square
    metres, visits), or None: more than zero, at most two decimals."""
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return _("Give the quantity as a number, e.g. 1 or 2.5.")
    if not quantity.is_finite() or quantity <= 0 or quantity >= 10000:
        return _("The quantity must be more than zero.")
    if quantity != quantity.quantize(Decimal("0.01")):
        return _("Give the quantity with at most two decimals.")
    return None


def expected_amount(pricing: str, list_price, quote_status: str, quoted_amount,
                    quantity=1):
    """What the resident agreed to pay: the fixed price times the quantity of its unit (hours,
    items...), or the accepted quote (None before)."""
    if pricing == Pricing.FIXED:
        if list_price is None:
            return None
        return (Decimal(list_price) * Decimal(quantity)).quantize(Decimal("0.01"))
    return quoted_amount if quote_status == QuoteStatus.ACCEPTED else None


def charge_needs_reason(expected, amount) -> bool:
    """An amount charged other than the agreed one (fixed price, accepted quote) needs its
    reason."""
    return expected is not None and Decimal(amount) != Decimal(expected)


def may_record_payment(payment_status: str, charged_amount) -> bool:
    """A payment is recorded once the amount charged is, and only once."""
    return charged_amount is not None and payment_status == PaymentStatus.UNPAID


def may_change_charge(payment_status: str) -> bool:
    """The amount charged may be corrected until it is paid or waived."""
    return payment_status == PaymentStatus.UNPAID


def may_waive(*, has_waive_permission: bool, payment_status: str) -> bool:
    """Only a supervisor (the waive permission) waives, and only an unpaid order."""
    return has_waive_permission and payment_status == PaymentStatus.UNPAID
