"""How often one user (or one address) may try something: a count per window in the cache,
shared by every process that shares the cache (Redis in production), through its ``strict``
alias: the errors of an unavailable server reach this module instead of reading as "no attempts".

While the cache cannot be reached the limits hold shut: every attempt counts as over its limit
(refused with the caller's message, logged), so an outage never lifts a limit on lookups of
personal data or on registration attempts; the pages themselves still answer."""

from __future__ import annotations

import datetime
import logging
import sys

from django.core.cache import caches
from django.utils.translation import gettext_lazy as _

from .errors import ActionError

log = logging.getLogger(__name__)

# The count of an attempt while the cache is unavailable: over every limit.
UNAVAILABLE = sys.maxsize


class Throttled(ActionError):
    """Tried too often; nothing was done. HTTP 429 in the API."""

    status_code = 429


def _counts():
    return caches["strict"]


def _name(bucket: str, key) -> str:
    return f"throttle:{bucket}:{key}"


def hit(bucket: str, key, *, window: datetime.timedelta) -> int:
    """Count one attempt of ``key`` in ``bucket``; the attempts of its window so far (the
    window starts at its first attempt)."""
    name = _name(bucket, key)
    seconds = max(1, int(window.total_seconds()))
    try:
        counts = _counts()
        counts.add(name, 0, timeout=seconds)
        try:
            return counts.incr(name)
        except ValueError:  # the window ended between add and incr
            counts.add(name, 1, timeout=seconds)
            return 1
    except Exception:  # the cache server is down (redis' own errors)
        log.error("throttle %s: the cache is unavailable; attempt refused", bucket,
                  exc_info=True)
        return UNAVAILABLE


def exceeded(bucket: str, key, *, limit: int) -> bool:
    """Whether ``key`` has used its ``limit`` attempts of the current window (counts nothing)."""
    try:
        return _counts().get(_name(bucket, key), 0) >= limit
    except Exception:  # the cache server is down (redis' own errors)
        log.error("throttle %s: the cache is unavailable; attempt refused", bucket,
                  exc_info=True)
        return True


def allow(bucket: str, key, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one attempt; whether it is within ``limit`` attempts per ``window``."""
    return hit(bucket, key, window=window) <= limit


def check(bucket: str, key, *, limit: int, window: datetime.timedelta, message=None) -> None:
    """``allow``, raising ``Throttled`` with ``message`` when the limit is passed."""
    if not allow(bucket, key, limit=limit, window=window):
        raise Throttled(message or _("Too many attempts: wait a while and try again."))
