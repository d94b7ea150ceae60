"""How people and records are named to staff: a user by their name, a record by its kind and
number ("Work order WO-202611-00042"), never by a login name or a database id."""

from __future__ import annotations

import functools
import re

from django import forms
from django.utils.text import capfirst

# A name written in Chinese characters: family name first, no space ("王建国").
CJK = re.compile(r"[\u3400-\u9fff]")


def display_name(user) -> str:
    """A user's full name, else their username; "" for no user (anything else, a name already,
    as it is)."""
    if user is None or user == "":
        return ""
    if not hasattr(user, "get_full_name"):
        return str(user)
    return full_name(user.first_name, user.last_name) or user.get_username()


def full_name(first: str, last: str) -> str:
    """The name as it is written: a Chinese one family name first ("王" + "建国" → "王建国"),
    others given name first ("Jane Smith")."""
    first, last = (first or "").strip(), (last or "").strip()
    if CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def record_label(record) -> str:
    """The record's kind and number (``number`` field), else its kind and its own name."""
    kind = capfirst(record._meta.verbose_name)
    number = getattr(record, "number", None)
    return f"{kind} {number if number else record}"


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of staff users, each shown by ``display_name``."""

    def label_from_instance(self, obj):
        return display_name(obj)


@functools.cache
def _choice_labels(field) -> dict:
    # The labels are lazy: kept once per field, each drawn in the language of the moment.
    return dict(field.flatchoices)


def choice_label(field, value) -> str:
    """The label of ``value`` among the choices of the model field ``field`` (the value itself
    if it is not one of them). Model's ``get_<field>_display()`` hashes every (lazy) label on
    each call, and a list calls it once per row and field."""
    return str(_choice_labels(field).get(value, value))


def state_and_label(record, field_name: str = "state") -> tuple[str, str]:
    """A record's state and its label, for a state badge in a list."""
    value = getattr(record, field_name)
    return value, choice_label(record._meta.get_field(field_name), value)
