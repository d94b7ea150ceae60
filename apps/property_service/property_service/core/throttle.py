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


def _name(bucket: str, key) -> str:
    return f"throttle:{bucket}:{key}"


def hit(bucket: str, key, *, window: datetime.timedelta) -> int:
    """Count one attempt of ``key`` in ``bucket``; the attempts of its window so far (the
    window starts at its first attempt)."""
    name = _name(bucket, key)
    seconds = max(1, int(window.total_seconds()))
    cache.add(name, 0, timeout=seconds)
    try:
        return cache.incr(name)
    except ValueError:  # the window ended between add and incr
        cache.add(name, 1, timeout=seconds)
        return 1


def exceeded(bucket: str, key, *, limit: int) -> bool:
    """Whether ``key`` has used its ``limit`` attempts of the current window (counts nothing)."""
    return cache.get(_name(bucket, key), 0) >= limit


def allow(bucket: str, key, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one attempt; whether it is within ``limit`` attempts per ``window``."""
    return hit(bucket, key, window=window) <= limit


def check(bucket: str, key, *, limit: int, window: datetime.timedelta, message=None) -> None:
    """``allow``, raising ``Throttled`` with ``message`` when the limit is passed."""
    if not allow(bucket, key, limit=limit, window=window):
        raise Throttled(message or _("Too many attempts: wait a while and try again."))
