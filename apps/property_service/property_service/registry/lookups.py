"""Finding residents by their personal data, and answering "this ID number is taken", the same
way in the back office, the API and imports (see ``core.personal_data``).

- A search term that is a full phone or ID number is an exact lookup: free for users who may
  see personal data, counted, throttled and logged for everyone else.
- Four digits match the end of phone numbers (the digits every masked number shows) for anyone.
- A duplicate ID number is only confirmed to a user who may see personal data and sees the
  resident who has it; anyone else's answer counts as a lookup, and for a resident they cannot
  see it does not say that one exists.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from ..core.personal_data import count_lookup, log_lookup, searches_personal_data_freely
from ..core.validators import is_valid_phone, normalize_phone
from .models import Resident

SHOWN_DIGITS = 4
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")

ID_NUMBER_TAKEN = _("A resident with this ID number already exists.")
ID_NUMBER_REFUSED = _("This ID number cannot be registered here. Check it; if it is right, ask "
                      "a property manager of the community to register the resident.")


def full_number(term: str) -> tuple[str, str] | None:
    """``("phone" | "id_number", normalised value)`` when ``term`` is a full number."""
    term = (term or "").strip()
    phone = normalize_phone(term)
    if is_valid_phone(phone):
        return "phone", phone
    id_number = term.upper()
    if ID_NUMBER_RE.match(id_number):
        return "id_number", id_number
    return None


def find_by_number(queryset: QuerySet, *, user, field: str, value: str,
                   channel: str) -> QuerySet:
    """Residents of ``queryset`` whose ``field`` is exactly ``value``. For a user who may not
    search personal data freely this is counted first (``Throttled`` past the limit) and
    logged with what it found."""
    found = queryset.filter(**{field: value})
    if not searches_personal_data_freely(user):
        count_lookup(user)
        log_lookup(user=user, value=value, resident_ids=found.values_list("pk", flat=True),
                   channel=channel)
    return found


def search_residents(queryset: QuerySet, *, user, term: str, channel: str) -> QuerySet | None:
    """The residents a search for ``term`` finds by personal data, or ``None`` when ``term``
    is not about personal data (the caller then searches names)."""
    term = (term or "").strip()
    number = full_number(term)
    if number is not None:
        field, value = number
        return find_by_number(queryset, user=user, field=field, value=value, channel=channel)
    if len(term) == SHOWN_DIGITS and term.isdigit():
        # ``phone_tail`` is the phone's last four digits, kept by the database and indexed.
        return queryset.filter(Q(name__istartswith=term) | Q(phone_tail=term))
    return None


def normalize_id_number(value: str | None) -> str:
    return (value or "").strip().upper()


class IdNumberHolders:
    """Which resident holds each of ``id_numbers``, and which of those ``user`` sees: read at
    once (two queries per ``BATCH`` numbers), so that a file of thousands of rows is checked
    without a query per row."""

    BATCH = 1000

    def __init__(self, *, user, id_numbers):
        numbers = sorted({normalize_id_number(n) for n in id_numbers} - {""})
        self.holders: dict[str, int] = {}
        self.visible: set[int] = set()
        for start in range(0, len(numbers), self.BATCH):
            found = dict(Resident.objects.filter(id_number__in=numbers[start:start + self.BATCH])
                         .values_list("id_number", "pk"))
            if found:
                self.visible.update(scope(Resident.objects.filter(pk__in=found.values()), user)
                                    .values_list("pk", flat=True))
            self.holders.update(found)


def id_number_refusal(*, user, id_number: str | None, exclude_pk=None, channel: str,
                      deferred_log: list | None = None, holders: IdNumberHolders | None = None):
    """What to tell ``user`` who enters ``id_number`` for a resident (new, or ``exclude_pk``):
    ``None`` when no other resident has it, else the message (see the module). A caller whose
    transaction is rolled back (an import preview) passes ``deferred_log`` and writes the
    lookups it collects afterwards; a caller checking many numbers passes their ``holders``,
    read beforehand."""
    id_number = normalize_id_number(id_number)
    if not id_number:
        return None
    if holders is None:
        holders = IdNumberHolders(user=user, id_numbers=[id_number])
    existing = holders.holders.get(id_number)
    if existing is None or existing == exclude_pk:
        return None
    visible = existing in holders.visible
    if not (visible and searches_personal_data_freely(user)):
        count_lookup(user)
        entry = {"user": user, "value": id_number, "resident_ids": [existing],
                 "channel": channel}
        if deferred_log is None:
            log_lookup(**entry)
        else:
            deferred_log.append(entry)
    return ID_NUMBER_TAKEN if visible else ID_NUMBER_REFUSED
