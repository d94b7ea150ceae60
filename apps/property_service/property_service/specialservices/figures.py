"""Figures of special services per community and month: orders placed, revenue charged, paid
and waived, and the residents' average satisfaction from the work orders' follow-up calls.

``month_figures`` is a pure function over plain facts (``OrderFacts``), tested on a known data
set; ``facts`` reads those facts from the orders a user may see (``access.scoping.scope``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from ..core.months import month_bounds
from ..workorders.models import FollowUp
from .states import PaymentStatus


@dataclass(frozen=True)
class OrderFacts:
    """What the figures need of one order."""

    community_id: int
    community: str
    ordered_at: datetime.datetime
    charged_amount: Decimal | None = None
    charged_at: datetime.datetime | None = None
    payment_status: str = PaymentStatus.UNPAID
    paid_at: datetime.datetime | None = None
    waived_at: datetime.datetime | None = None
    # The follow-up calls answered: (when, satisfaction 1-5).
    ratings: tuple[tuple[datetime.datetime, int], ...] = field(default=())


@dataclass
class MonthFigures:
    community_id: int
    community: str
    month: datetime.date
    orders: int = 0
    charged: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    waived: Decimal = Decimal("0.00")
    ratings: int = 0
    rating_total: int = 0

    @property
    def satisfaction(self) -> Decimal | None:
        """The average score (1-5, two decimals) of the follow-up calls answered in the
        month, or None without any."""
        if not self.ratings:
            return None
        return (Decimal(self.rating_total) / self.ratings).quantize(Decimal("0.01"))

    @property
    def outstanding(self) -> Decimal:
        """Charged in the month and neither paid nor waived (yet)."""
        return self.charged - self.paid - self.waived


def _within(moment, start, stop) -> bool:
    return moment is not None and start <= moment < stop


def month_figures(orders, month: datetime.date) -> list[MonthFigures]:
    """One row per community with anything in ``month`` (local time), by community name: the
    orders placed in the month, the amounts charged, paid and waived in the month (each by the
    moment it happened, whenever the order was placed), and the follow-up scores given in it."""
    start, stop = month_bounds(month)
    rows: dict[int, MonthFigures] = {}

    def row(facts: OrderFacts) -> MonthFigures:
        return rows.setdefault(facts.community_id, MonthFigures(
            community_id=facts.community_id, community=facts.community, month=month))

    for facts in orders:
        if _within(facts.ordered_at, start, stop):
            row(facts).orders += 1
        if facts.charged_amount is not None and _within(facts.charged_at, start, stop):
            row(facts).charged += facts.charged_amount
        if facts.payment_status == PaymentStatus.PAID and _within(facts.paid_at, start, stop):
            row(facts).paid += facts.charged_amount or 0
        if facts.payment_status == PaymentStatus.WAIVED and \
                _within(facts.waived_at, start, stop):
            row(facts).waived += facts.charged_amount or 0
        for at, score in facts.ratings:
            if _within(at, start, stop):
                row(facts).ratings += 1
                row(facts).rating_total += score
    return sorted(rows.values(), key=lambda r: (r.community, r.community_id))


def facts(orders: QuerySet, month: datetime.date) -> list[OrderFacts]:
    """The facts of the orders (already scoped) that hold anything in ``month``."""
    from django.db.models import Q

    start, stop = month_bounds(month)
    touched = Q()
    for name in ("ordered_at", "charged_at", "paid_at", "waived_at"):
        touched |= Q(**{f"{name}__gte": start, f"{name}__lt": stop})
    rated = FollowUp.objects.filter(status=FollowUp.Status.DONE, satisfaction__isnull=False,
                                    done_at__gte=start, done_at__lt=stop)
    touched |= Q(work_order__in=rated.values("work_order_id"))
    chosen = list(orders.filter(touched).select_related("community"))
    scores: dict[int, list] = {}
    for work_order_id, at, score in rated.filter(
            work_order_id__in=[o.work_order_id for o in chosen]).values_list(
            "work_order_id", "done_at", "satisfaction"):
        scores.setdefault(work_order_id, []).append((at, score))
    return [OrderFacts(
        community_id=o.community_id, community=o.community.name, ordered_at=o.ordered_at,
        charged_amount=o.charged_amount, charged_at=o.charged_at,
        payment_status=o.payment_status, paid_at=o.paid_at, waived_at=o.waived_at,
        ratings=tuple(scores.get(o.work_order_id, ()))) for o in chosen]


def figures_for(orders: QuerySet, month: datetime.date | None = None) -> list[MonthFigures]:
    month = month or timezone.localdate().replace(day=1)
    return month_figures(facts(orders, month), month)
