"""Who may see residents' personal data unmasked, the access log that every reveal writes, and
how lookups by a full number are limited for those who may not see it.

A user without the personal-data permission sees ``150****5911``; looking a resident up by the
full number (to find a caller) stays possible, but each such lookup is logged and counted, and
only ``PROPERTY_SERVICE["PERSONAL_DATA_LOOKUPS_PER_HOUR"]`` are answered per user and hour, so
the hidden digits cannot be recovered by trying them all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import throttle
from .masking import mask

PERSONAL_DATA_PERMISSION = "property_service.view_personal_data"
DEFAULT_LOOKUPS_PER_HOUR = 20
LOOKUP_WINDOW = datetime.timedelta(hours=1)


def can_view_personal_data(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PERSONAL_DATA_PERMISSION))


def searches_personal_data_freely(user) -> bool:
    """Whether ``user`` may look residents up by full phone or ID number without limit (those
    who see the numbers anyway); everyone else's lookups are logged and throttled."""
    return can_view_personal_data(user)


def masked_value(value: str | None, *, revealed: bool) -> str:
    return (value or "") if revealed else mask(value)


def reveal_personal_data(*, user, resident_ids: Iterable[int], channel: str) -> bool:
    """Return whether ``user`` may see the personal data of these residents unmasked.

    When they may, one access row per resident is written (who, when, which resident, where),
    so that every unmasked view is accounted for.
    """
    if not can_view_personal_data(user):
        return False
    log_reveal(user=user, resident_ids=resident_ids, channel=channel)
    return True


def log_reveal(*, user, resident_ids: Iterable[int], channel: str) -> None:
    """One access row per resident shown unmasked to ``user``. For callers that decided by a
    narrower rule of their own that ``user`` may see them (a technician calling the resident
    of their own order)."""
    from .models import PersonalDataAccess

    for ids in _batches(resident_ids):
        PersonalDataAccess.objects.bulk_create(
            [PersonalDataAccess(user=user, resident_id=pk, channel=channel) for pk in ids])


REVEAL_BATCH = 500


def _batches(resident_ids: Iterable[int]) -> Iterator[list[int]]:
    """``resident_ids`` ``REVEAL_BATCH`` at a time; a queryset is read a batch at a time in the
    order of its ids, so that a whole register is never in memory."""
    if isinstance(resident_ids, QuerySet):
        ids, last = resident_ids.order_by("pk").prefetch_related(None), None
        while True:
            batch = list((ids if last is None else ids.filter(pk__gt=last))[:REVEAL_BATCH])
            if not batch:
                return
            yield batch
            last = batch[-1]
    else:
        resident_ids = iter(resident_ids)
        while batch := list(islice(resident_ids, REVEAL_BATCH)):
            yield batch


def lookups_per_hour() -> int:
    return int(getattr(settings, "PROPERTY_SERVICE", {}).get(
        "PERSONAL_DATA_LOOKUPS_PER_HOUR", DEFAULT_LOOKUPS_PER_HOUR))


def count_lookup(user) -> None:
    """Count one lookup by a full number for ``user``; ``Throttled`` once the hour's are used."""
    throttle.check("personal-data-lookup", user.pk, limit=lookups_per_hour(),
                   window=LOOKUP_WINDOW,
                   message=_("Too many searches by a full phone or ID number: try again in an "
                             "hour, or search by name or the last four digits."))


def log_lookup(*, user, value: str, resident_ids: Iterable[int], channel: str) -> None:
    """One access row per resident found by ``value`` (one without a resident if none was)."""
    from .models import PersonalDataAccess

    ids = list(resident_ids) or [None]
    PersonalDataAccess.objects.bulk_create([
        PersonalDataAccess(user=user, resident_id=pk, channel=channel,
                           kind=PersonalDataAccess.Kind.LOOKUP, looked_up=mask(value)[:40])
        for pk in ids])
