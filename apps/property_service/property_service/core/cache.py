"""The cache backends of a site with Redis (``REDIS_URL``).

``default`` (``TolerantRedisCache``): what is kept there can always be computed again (the home
page's chart figures, unfold's search results), so while Redis is down a read is a miss and a
write is skipped, each logged: pages answer from the database, a little slower. After an error
the server is left alone for ``RETRY_AFTER`` seconds (every call a miss at once), so a server
that does not answer costs one connection timeout per process and pause, not one per call.

``strict`` (Django's own ``RedisCache``, the same server and keys): for what must not pass
silently. Its callers see the error and decide: the throttles (``core.throttle``) refuse every
attempt while they cannot count it, the health probe answers 503.

Sessions and the login lockout (django-axes) are in the database, not in the cache: a Redis
outage logs nobody out and lifts no lockout. The task broker uses Redis too; what it does
during an outage is told in ``config/q_cluster.py``.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

# Seconds during which a server that failed is not asked again.
RETRY_AFTER = 5.0

# LOCATION -> monotonic time until which it is left alone (shared by the threads of a process:
# Django keeps one cache object per thread).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class TolerantRedisCache(RedisCache):
    """Redis as a cache that may be missing: reads miss, writes are skipped, errors logged.
    ``incr``/``decr`` still raise (a counter that cannot count must not pretend to), and ``add``
    answers False (nothing was added: whoever uses it as a lock does not get it)."""

    def _down(self) -> bool:
        return _down_until.get(self._location_key, 0.0) > time.monotonic()

    @property
    def _location_key(self) -> str:
        return ",".join(self._servers)

    def _failed(self, operation: str, error: Exception) -> None:
        with _lock:
            first = not self._down()
            _down_until[self._location_key] = time.monotonic() + RETRY_AFTER
        if first:
            log.warning("cache unavailable (%s: %s); answering without it for %ss",
                        operation, error, RETRY_AFTER)

    def _try(self, operation: str, call, fallback):
        if self._down():
            return fallback
        try:
            return call()
        except Exception as error:  # the client's own errors (redis.ConnectionError, timeouts)
            self._failed(operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._try("get", lambda: super(TolerantRedisCache, self).get(key, default,
                                                                            version), default)

    def get_many(self, keys, version=None):
        return self._try("get_many", lambda: super(TolerantRedisCache, self).get_many(
            keys, version), {})

    def has_key(self, key, version=None):
        return self._try("has_key", lambda: super(TolerantRedisCache, self).has_key(
            key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try("set", lambda: super(TolerantRedisCache, self).set(key, value, timeout,
                                                                     version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("set_many", lambda: super(TolerantRedisCache, self).set_many(
            data, timeout, version), list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("add", lambda: super(TolerantRedisCache, self).add(
            key, value, timeout, version), False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try("touch", lambda: super(TolerantRedisCache, self).touch(
            key, timeout, version), False)

    def delete(self, key, version=None):
        return self._try("delete", lambda: super(TolerantRedisCache, self).delete(
            key, version), False)

    def delete_many(self, keys, version=None):
        self._try("delete_many", lambda: super(TolerantRedisCache, self).delete_many(
            keys, version), None)

    def clear(self):
        return self._try("clear", lambda: super(TolerantRedisCache, self).clear(), False)


def reset() -> None:
    """Forget every server's failure (tests; a process that knows Redis is back)."""
    with _lock:
        _down_until.clear()
