"""How people and records are named to staff: a user by their name, a record by its kind and
number ("Work order WO-202611-00042"), never by a login name or a database id."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst


def display_name(user) -> str:
    """A user's full name, else their username; "" for no user (anything else, a name already,
    as it is)."""
    if user is None or user == "":
        return ""
    if not hasattr(user, "get_full_name"):
        return str(user)
    return user.get_full_name().strip() or user.get_username()


def record_label(record) -> str:
    """The record's kind and number (``number`` field), else its kind and its own name."""
    kind = capfirst(record._meta.verbose_name)
    number = getattr(record, "number", None)
    return f"{kind} {number if number else record}"


class StaffChoiceField(forms.ModelChoiceField):
    """A choice of staff users, each shown by ``display_name``."""

    def label_from_instance(self, obj):
        return display_name(obj)
