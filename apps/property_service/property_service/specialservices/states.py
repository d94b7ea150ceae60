"""The choices of special services, each with a line of meaning: how an item is priced, where an
order's quote and payment stand."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Pricing(models.TextChoices):
    FIXED = "fixed", _("Fixed price")  # the catalogue's price is what is charged
    QUOTED = "quoted", _("Quoted on site")  # the technician quotes; the resident accepts first


class PriceUnit(models.TextChoices):
    PER_VISIT = "per_visit", _("per visit")
    PER_HOUR = "per_hour", _("per hour")
    PER_ITEM = "per_item", _("per item")
    PER_SQM = "per_sqm", _("per square metre")


class QuoteStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Fixed price")  # nothing to quote
    AWAITING_QUOTE = "awaiting", _("Awaiting the quote")  # quoted item, no quote yet
    QUOTED = "quoted", _("Quoted, awaiting the resident")  # the resident is to accept
    ACCEPTED = "accepted", _("Quote accepted")  # the work may start
    DECLINED = "declined", _("Quote declined")  # the resident said no; a new quote may follow


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", pgettext_lazy("payment", "Paid")
    WAIVED = "waived", _("Waived")  # by a supervisor, with a reason


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CARD = "card", _("Bank card")
    TRANSFER = "transfer", _("Bank transfer")
    PROPERTY_FEE = "property_fee", _("With the property fees")
