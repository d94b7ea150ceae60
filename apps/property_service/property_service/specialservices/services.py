"""Writes of special services. The portal, the admin and the API call these and nothing else.

An order is filed as a work order through ``workorders.services.create_work_order`` (numbered,
routed to the item's team, given its SLA deadlines); dispatch, the field work, the resident's
acceptance and the follow-up call are the work order's. These services add the price: the
quote and its answer, the amount charged, the payment. Each locks the order row, checks the
user's right and the rule (``rules``), saves the fields it changed and writes an event row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import resident_unit_ids, scope, works_for_community
from ..access.selectors import users_with_role
from ..core.errors import ActionError, NotAllowed
from ..core.models import Notification
from ..core.notifications import notify
from ..core.numbering import ensure_sequence
from ..workorders import services as work_order_services
from ..workorders.models import Channel
from ..workorders.states import DONE_STATES
from ..workorders.states import State as OrderState
from . import rules
from .models import SpecialService, SpecialServiceEvent, SpecialServiceOrder
from .selectors import catalogue_for
from .states import PaymentMethod, PaymentStatus, QuoteStatus

# While the work has not started, a quote may be given and answered.
BEFORE_WORK = (OrderState.NEW, OrderState.DISPATCHED, OrderState.ACCEPTED)


def _event(order, *, action, by, comment=""):
    return SpecialServiceEvent.objects.create(order=order, action=action, by=by,
                                              comment=comment, at=timezone.now())


def _amount(value, *, field: str):
    problem = rules.amount_problem(value)
    if problem:
        raise ActionError(problem, field=field)
    return rules.money(value)


def _description(service: SpecialService, *, preferred_at, notes: str) -> str:
    lines = [_("Special service (paid): %(service)s, %(price)s.") % {
        "service": service.name, "price": service.price_label}]
    if preferred_at:
        lines.append(_("Preferred time: %(when)s.") % {
            "when": timezone.localtime(preferred_at).strftime("%Y-%m-%d %H:%M")})
    if notes:
        lines.append(notes)
    return "\n".join(lines)


def order_special_service(*, by, service_id, unit, resident=None, channel: str = Channel.APP,
                          preferred_at=None, notes: str = "") -> SpecialServiceOrder:
    """A resident (portal) or the desk orders an item of the unit's community catalogue: the
    work order is filed through the work-order intake and this order links to it, priced as
    the catalogue says today. Refused, nothing is saved."""
    ensure_sequence(prefix=work_order_services.NUMBER_PREFIX, at=timezone.now())
    return _order(by=by, service_id=service_id, unit=unit, resident=resident, channel=channel,
                  preferred_at=preferred_at, notes=(notes or "").strip())


@transaction.atomic
def _order(*, by, service_id, unit, resident, channel, preferred_at, notes):
    community = unit.building.community
    units = resident_unit_ids(by)
    if units is not None:
        if unit.pk not in units:
            raise NotAllowed(_("Choose one of your own units."), field="unit")
        resident, channel = by.resident_account.resident, Channel.APP
    elif not (by.has_perm("property_service.add_specialserviceorder")
              and works_for_community(by, community.pk)):
        raise NotAllowed(_("You may not record special service orders for this community."))
    if channel not in Channel.values:
        raise ActionError(_("Choose the channel."), field="channel")
    service = catalogue_for(community.pk).filter(pk=service_id).first()
    if service is None:
        raise ActionError(_("This service is not offered in this community."), field="service")
    if preferred_at is not None and preferred_at < timezone.now():
        raise ActionError(_("The preferred time is in the past."), field="preferred_at")
    work_order = work_order_services.create_work_order(
        by=by, community=community, unit=unit, resident=resident, channel=channel,
        category=service.category, team=service.team,
        description=_description(service, preferred_at=preferred_at, notes=notes))
    order = SpecialServiceOrder.objects.create(
        community=community, service=service, work_order=work_order, unit=unit,
        resident=resident, channel=channel, preferred_at=preferred_at, notes=notes,
        ordered_at=work_order.reported_at, pricing=service.pricing,
        list_price=service.price if service.pricing == "fixed" else None,
        quote_status=rules.initial_quote_status(service.pricing))
    _event(order, action="ordered", by=by, comment=service.price_label)
    return order


def _lock(order_id: int, user) -> SpecialServiceOrder:
    try:
        return (scope(SpecialServiceOrder.objects.all(), user).select_for_update()
                .select_related("work_order").get(pk=order_id))
    except (SpecialServiceOrder.DoesNotExist, ValueError, TypeError):
        raise NotAllowed(_("This special service order does not exist or is not yours to "
                           "handle.")) from None


def _staff_with(user, permission: str) -> bool:
    return resident_unit_ids(user) is None and user.has_perm(f"property_service.{permission}")


@transaction.atomic
def quote(*, order_id: int, user, amount, note: str = "") -> SpecialServiceOrder:
    """The technician's or agent's quote of a service quoted on site, before the work starts;
    the resident is then to accept it. A new quote replaces one not yet accepted."""
    order = _lock(order_id, user)
    if not _staff_with(user, "quote_specialserviceorder"):
        raise NotAllowed(_("You may not quote special services."))
    if order.pricing != "quoted":
        raise ActionError(_("This service has a fixed price: there is nothing to quote."))
    if not rules.may_quote(order.quote_status) or order.work_order.state not in BEFORE_WORK:
        raise ActionError(_("The quote can no longer change: it was accepted or the work has "
                            "begun."))
    order.quoted_amount = _amount(amount, field="amount")
    order.quote_note = (note or "").strip()
    order.quoted_by, order.quoted_at = user, timezone.now()
    order.quote_status = QuoteStatus.QUOTED
    order.quote_answered_by, order.quote_answered_at = None, None
    order.save(update_fields=["quoted_amount", "quote_note", "quoted_by", "quoted_at",
                              "quote_status", "quote_answered_by", "quote_answered_at",
                              "updated_at"])
    _event(order, action="quoted", by=user,
           comment=" ".join(filter(None, [f"¥{order.quoted_amount}", order.quote_note])))
    return order


@transaction.atomic
def answer_quote(*, order_id: int, user, accepted: bool, comment: str = "") -> SpecialServiceOrder:
    """The resident's answer to the quote: in the portal, or recorded by staff who may quote
    (the resident agreed on the phone or on site). Accepted, the work may start; declined,
    the agents are told (a new quote, or the order is cancelled)."""
    order = _lock(order_id, user)
    if resident_unit_ids(user) is None and \
            not _staff_with(user, "quote_specialserviceorder"):
        raise NotAllowed(_("You may not record the answer to a quote."))
    if not rules.may_answer_quote(order.quote_status) or \
            order.work_order.state not in BEFORE_WORK:
        raise ActionError(_("There is no quote waiting for an answer."))
    order.quote_status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.DECLINED
    order.quote_answered_by, order.quote_answered_at = user, timezone.now()
    order.save(update_fields=["quote_status", "quote_answered_by", "quote_answered_at",
                              "updated_at"])
    _event(order, action="quote_accepted" if accepted else "quote_declined", by=user,
           comment=(comment or "").strip())
    if not accepted:
        notify(users=users_with_role("CS Agent", order.community_id),
               kind=Notification.Kind.ASSIGNED, target=order.work_order,
               message=_("%(number)s: the resident declined the quote of ¥%(amount)s.") % {
                   "number": order.work_order.number, "amount": order.quoted_amount},
               dedupe_key=f"special:{order.pk}:declined:{order.events.count()}")
    return order


@transaction.atomic
def record_charge(*, order_id: int, user, amount, reason: str = "",
                  quantity=None) -> SpecialServiceOrder:
    """The amount charged, once the work is completed: the agreed amount (the fixed price
    times the ``quantity`` of its unit, or the accepted quote), or another with its reason.
    Corrected until it is paid or waived."""
    order = _lock(order_id, user)
    if not _staff_with(user, "charge_specialserviceorder"):
        raise NotAllowed(_("You may not record the amount charged."))
    if order.work_order.state not in DONE_STATES:
        raise ActionError(_("The amount charged is recorded once the work is completed."))
    if not rules.may_change_charge(order.payment_status):
        raise ActionError(_("The payment is settled: the amount can no longer change."))
    charged = _amount(amount, field="amount")
    if quantity not in (None, "") and order.pricing == "fixed":
        if problem := rules.quantity_problem(quantity):
            raise ActionError(problem, field="quantity")
        order.quantity = rules.money(quantity)
    reason = (reason or "").strip()
    if rules.charge_needs_reason(order.expected_amount, charged) and not reason:
        raise ActionError(_("The amount differs from the agreed ¥%(agreed)s: say why.") % {
            "agreed": order.expected_amount}, field="reason")
    order.charged_amount, order.charge_reason = charged, reason
    order.charged_by, order.charged_at = user, timezone.now()
    order.save(update_fields=["quantity", "charged_amount", "charge_reason", "charged_by",
                              "charged_at", "updated_at"])
    _event(order, action="charged", by=user,
           comment=" ".join(filter(None, [f"¥{charged}", reason])))
    return order


@transaction.atomic
def record_payment(*, order_id: int, user, method: str, paid_at=None) -> SpecialServiceOrder:
    """The resident paid the amount charged (how and when; now unless told)."""
    order = _lock(order_id, user)
    if not _staff_with(user, "charge_specialserviceorder"):
        raise NotAllowed(_("You may not record payments."))
    if method not in PaymentMethod.values:
        raise ActionError(_("Choose how it was paid."), field="method")
    if not rules.may_record_payment(order.payment_status, order.charged_amount):
        raise ActionError(_("A payment is recorded once, after the amount charged."))
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now:
        raise ActionError(_("The payment time is in the future."), field="paid_at")
    order.payment_status, order.payment_method, order.paid_at = (PaymentStatus.PAID, method,
                                                                 paid_at)
    order.settled_by = user
    order.save(update_fields=["payment_status", "payment_method", "paid_at", "settled_by",
                              "updated_at"])
    _event(order, action="paid", by=user,
           comment=f"¥{order.charged_amount} {order.get_payment_method_display()}")
    return order


@transaction.atomic
def waive_payment(*, order_id: int, user, reason: str) -> SpecialServiceOrder:
    """A supervisor waives the payment of an unpaid order, with the reason."""
    order = _lock(order_id, user)
    supervisor = _staff_with(user, "waive_specialserviceorder")
    if not rules.may_waive(has_waive_permission=supervisor,
                           payment_status=order.payment_status):
        if not supervisor:
            raise NotAllowed(_("Only a supervisor may waive a payment."))
        raise ActionError(_("The payment is settled already."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why the payment is waived: a reason is required."),
                          field="reason")
    order.payment_status, order.waive_reason = PaymentStatus.WAIVED, reason
    order.settled_by, order.waived_at = user, timezone.now()
    order.save(update_fields=["payment_status", "waive_reason", "settled_by", "waived_at",
                              "updated_at"])
    _event(order, action="waived", by=user, comment=reason)
    return order


def check_work_may_start(work_order) -> None:
    """Refuse to start the work order of a special service quoted on site before the resident
    accepted the quote (called by the work order's start)."""
    order = SpecialServiceOrder.objects.filter(work_order=work_order).first()
    if order is not None and not rules.may_start(order.pricing, order.quote_status):
        raise ActionError(_("The resident has not accepted the quote yet: the work cannot "
                            "start."))
