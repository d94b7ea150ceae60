"""Human numbers (WO-202611-00042, TS-202611-00007): per prefix and month, gapless."""

from __future__ import annotations

import datetime

from django.db import IntegrityError
from django.utils import timezone

from .models import NumberSequence


def _key(prefix: str, at: datetime.datetime) -> str:
    return f"{prefix}-{timezone.localtime(at):%Y%m}"


def ensure_sequence(*, prefix: str, at: datetime.datetime) -> None:
    """Create the month's sequence row if missing. Call it before the creating transaction:
    racing inserts inside it would deadlock on MariaDB (each loser keeps a shared lock)."""
    try:
        NumberSequence.objects.get_or_create(key=_key(prefix, at))
    except IntegrityError:
        pass  # created by a concurrent caller a moment ago


def next_number(*, prefix: str, at: datetime.datetime) -> str:
    """The next number. Runs inside the creating transaction: the sequence row stays locked
    until it commits, so concurrent callers queue up, and a rollback gives the number back."""
    key = _key(prefix, at)
    ensure_sequence(prefix=prefix, at=at)
    sequence = NumberSequence.objects.select_for_update().get(key=key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{key}-{sequence.last:05d}"
