"""What a record still lets staff correct once it is taken in, declared once per model and used
by the admin (its read-only fields), the API (a PATCH of anything else is refused) and the
services that save the corrections.

A model declares ``editable_after_intake`` (the field names), or, where it depends on the
record, an ``editable_fields()`` method returning them (``None``: nothing is locked yet, e.g. a
draft). ``locked_message`` may say what to do instead.
"""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .errors import ActionError, full_clean_or_refuse

LOCKED = _("This can no longer be changed after intake.")


def has_intake(model: type[Model]) -> bool:
    return hasattr(model, "editable_after_intake") or hasattr(model, "editable_fields")


def editable_fields(record: Model) -> tuple[str, ...] | None:
    """The fields of the saved ``record`` that may still be corrected; ``None``: all of them."""
    method = getattr(record, "editable_fields", None)
    if method is not None:
        names = method()
        return None if names is None else tuple(names)
    return tuple(type(record).editable_after_intake)


def locked_fields(record: Model, names) -> list[str]:
    """Those of ``names`` that ``record`` no longer lets anyone change by hand."""
    editable = editable_fields(record)
    if editable is None:
        return []
    return sorted(name for name in names if name not in editable)


def locked_message(record: Model) -> str:
    return str(getattr(type(record), "locked_message", LOCKED))


def apply_corrections(record: Model, changes: dict) -> list[str]:
    """Set ``changes`` on the locked, saved ``record`` after checking each may still change and
    the result is valid; returns the names of the fields whose value changed (the caller saves
    them and writes the timeline row). Raises ``ActionError`` naming the first locked field."""
    locked = locked_fields(record, changes)
    if locked:
        raise ActionError(locked_message(record), field=locked[0])
    changed = [name for name, value in changes.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, changes[name])
    full_clean_or_refuse(record, exclude=[f.name for f in record._meta.fields
                                          if getattr(f, "protected", False)])
    return changed


def save_corrections(record: Model, changes: dict) -> list[str]:
    """``apply_corrections``, then save the fields that changed (the caller writes the timeline
    row from ``corrections_note``); returns their names."""
    changed = apply_corrections(record, changes)
    if changed:
        record.save(update_fields=[*changed, "updated_at"])
    return changed


def corrections_note(record: Model, changed: list[str]) -> str:
    """The timeline's line for a correction: which fields, by their labels."""
    labels = [str(record._meta.get_field(name).verbose_name) for name in changed]
    return ", ".join(labels)
