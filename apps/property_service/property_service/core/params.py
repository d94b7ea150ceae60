"""Numbers taken from a URL or a query string (row ids, years, counts): parsed in one place,
so that text, zero or a number too big for the database is refused as bad input instead of
reaching a query (where it fails with a 500)."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

# The widest primary key either database stores (a signed 64-bit BIGINT).
MAX_ID = 2**63 - 1


class BadParameter(BadRequest):
    """A query parameter that is not what the page accepts: a 400 whose page shows the
    message (``core.errorpages.bad_request``)."""

    def __init__(self, name: str, message):
        super().__init__(str(message))
        self.name = name
        self.message = message


def choice_param(query, name: str, choices) -> str | None:
    """The optional parameter ``name``, which must be one of ``choices``, or ``BadParameter``."""
    raw = query.get(name, "")
    if raw == "":
        return None
    if raw not in {str(c) for c in choices}:
        raise BadParameter(name, _("“%(value)s” is not a valid choice for “%(name)s”.")
                           % {"value": raw[:30], "name": name})
    return raw


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    """``value`` as a whole number within [minimum, maximum], or None (text, blanks, decimals,
    out of range). Only plain digits with an optional minus sign count."""
    text = str(value).strip() if value is not None else ""
    digits = text[1:] if text.startswith("-") else text
    if not digits.isdigit() or not digits.isascii() or len(digits) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """``value`` as a row id (1 up to the widest key), or None."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def id_param(query, name: str) -> int | None:
    """The optional id parameter ``name`` of a query string; absent or blank is None, anything
    else that is not an id raises ``BadParameter``."""
    raw = query.get(name, "")
    if raw == "":
        return None
    number = parse_id(raw)
    if number is None:
        raise BadParameter(name, _("“%(value)s” is not a valid id for “%(name)s”.")
                           % {"value": raw[:30], "name": name})
    return number


def year_param(query, name: str = "year") -> int | None:
    """The optional year parameter ``name`` (a year the calendar can hold), or ``BadParameter``."""
    raw = query.get(name, "")
    if raw == "":
        return None
    number = parse_int(raw, minimum=datetime.MINYEAR, maximum=datetime.MAXYEAR)
    if number is None:
        raise BadParameter(name, _("“%(value)s” is not a valid year.") % {"value": raw[:30]})
    return number


class IdField(forms.IntegerField):
    """A form field for a row id: a positive whole number the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """An API list filter on a related row's id (``?unit=12``): anything else is a 400."""

    field_class = IdField
