"""Who may see residents' personal data unmasked, and the access log that every reveal writes."""

from __future__ import annotations

from collections.abc import Iterable

from .masking import mask

PERSONAL_DATA_PERMISSION = "property_service.view_personal_data"


def can_view_personal_data(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PERSONAL_DATA_PERMISSION))


def masked_value(value: str | None, *, revealed: bool) -> str:
    return (value or "") if revealed else mask(value)


def reveal_personal_data(*, user, resident_ids: Iterable[int], channel: str) -> bool:
    """Return whether ``user`` may see the personal data of these residents unmasked.

    When they may, one access row per resident is written (who, when, which resident, where),
    so that every unmasked view is accounted for.
    """
    from .models import PersonalDataAccess

    if not can_view_personal_data(user):
        return False
    rows = [PersonalDataAccess(user=user, resident_id=pk, channel=channel) for pk in resident_ids]
    PersonalDataAccess.objects.bulk_create(rows, batch_size=500)
    return True
