"""``/health/`` for the load balancer: is this server able to answer?

``database`` (a trivial query) and ``cache`` (a set and a get) decide the status: 200 when both
are ``ok``, 503 otherwise. ``scheduler`` is reported, not decisive: ``ok`` while django-q2's
scheduler keeps running the frequent periodic jobs of ``schedules.py``, ``stale`` when their
runs are overdue (or they were never synced), with the age of the last run in seconds.
No login, no personal data, a handful of cheap queries.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_q.models import Schedule

log = logging.getLogger(__name__)

CACHE_KEY = "health:probe"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.warning("health: database check failed", exc_info=True)
        return "error"
    return "ok"


def cache_status() -> str:
    token = secrets.token_hex(8)
    # The strict alias: the default one answers without its server (core/cache.py).
    cache = caches["strict"]
    try:
        cache.set(CACHE_KEY, token, timeout=30)
        ok = cache.get(CACHE_KEY) == token
    except Exception:  # a cache server down raises its client's own errors (redis, ...)
        log.warning("health: cache check failed", exc_info=True)
        return "error"
    return "ok" if ok else "error"


def scheduler_heartbeat(now) -> tuple[str, int | None]:
    """``(status, age in seconds)`` of the scheduler's last run of a minutes-cadence job.

    The scheduler moves a schedule's ``next_run`` on by its interval each time it queues it, so
    the last run was ``next_run - minutes``. Stale once the newest of these is older than twice
    the shortest interval.
    """
    rows = list(Schedule.objects.filter(schedule_type=Schedule.MINUTES, minutes__gt=0,
                                        next_run__isnull=False)
                .values_list("next_run", "minutes"))
    if not rows:
        return "stale", None
    last_run = max(next_run - datetime.timedelta(minutes=minutes) for next_run, minutes in rows)
    age = max(0, int((now - last_run).total_seconds()))
    shortest = min(minutes for _, minutes in rows)
    return ("ok" if age <= 2 * shortest * 60 else "stale"), age


@never_cache
@require_safe
def health(request):
    body = {"database": database_status(), "cache": cache_status()}
    healthy = body["database"] == "ok" and body["cache"] == "ok"
    if body["database"] == "ok":
        try:
            body["scheduler"], body["scheduler_heartbeat_age_seconds"] = scheduler_heartbeat(
                timezone.now())
        except DatabaseError:
            log.warning("health: scheduler check failed", exc_info=True)
            body["scheduler"], body["scheduler_heartbeat_age_seconds"] = "unknown", None
    else:
        body["scheduler"], body["scheduler_heartbeat_age_seconds"] = "unknown", None
    return JsonResponse(body, status=200 if healthy else 503)
