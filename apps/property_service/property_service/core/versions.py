"""Edits never overwrite each other silently: whoever edits a record says which version of it
they were shown (its ``updated_at``, as a token: a hidden field of the admin form, the API's
``ETag``/``If-Match``); saving over a newer version is refused as a concurrent change."""

from __future__ import annotations

from datetime import UTC

from .errors import ConcurrentChange

# The admin form's hidden field that carries the token of the version it shows.
FORM_FIELD = "_version"


def version_token(instance) -> str:
    """The token of the version of ``instance`` as loaded ("" for records without one)."""
    stamp = getattr(instance, "updated_at", None)
    return _token(stamp)


def _token(stamp) -> str:
    return stamp.astimezone(UTC).strftime("%Y%m%d%H%M%S%f") if stamp else ""


def ensure_unchanged(instance, token: str | None) -> None:
    """Lock the record's row until the transaction ends and refuse (``ConcurrentChange``) if it
    changed since ``token`` was issued, or was deleted. Without a token nothing is compared.
    Call it inside the transaction that saves the record."""
    if not token or instance.pk is None:
        return
    current = (type(instance)._default_manager.select_for_update()
               .filter(pk=instance.pk).values_list("updated_at", flat=True).first())
    if current is None or _token(current) != token:
        raise ConcurrentChange()
