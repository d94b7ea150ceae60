"""How often one user (or one address) may try something: a count per window in the cache,
shared by every process that shares the cache (Redis in production)."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .errors import ActionError


class Throttled(ActionError):
    """Tried too often; nothing was done. HTTP 429 in the API."""

    status_code = 429


def allow(bucket: str, key, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one attempt of ``key`` in ``bucket``; whether it is within ``limit`` attempts per
    ``window`` (counted from the window's first attempt)."""
    name = f"throttle:{bucket}:{key}"
    seconds = max(1, int(window.total_seconds()))
    cache.add(name, 0, timeout=seconds)
    try:
        count = cache.incr(name)
    except ValueError:  # the window ended between add and incr
        cache.add(name, 1, timeout=seconds)
        count = 1
    return count <= limit


def check(bucket: str, key, *, limit: int, window: datetime.timedelta, message=None) -> None:
    """``allow``, raising ``Throttled`` with ``message`` when the limit is passed."""
    if not allow(bucket, key, limit=limit, window=window):
        raise Throttled(message or _("Too many attempts: wait a while and try again."))
