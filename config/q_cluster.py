"""django-q2 cluster settings: the Redis broker when a Redis URL is configured, else the ORM
broker (the site's database).

With the ORM broker a task whose run failed (an exception, a worker stopped at ``timeout``) is
not acknowledged and is handed out again after ``retry`` seconds, at most ``max_attempts``
times in all, then left in the failed tasks (admin: Failed tasks) where an operator sees it and
may resubmit it.

With Redis as broker a task is taken off its Redis list when a worker picks it up: ``retry``
and ``max_attempts`` do not apply. A run that fails or is stopped at ``timeout`` is recorded in
the failed tasks; a task taken from Redis and lost in a crash (the cluster killed mid-run) is
not handed out again. Tasks waiting in Redis are durable only with Redis persistence (AOF,
``appendonly yes``), which production should enable; without it a Redis restart drops them
(both tested against a real Redis killed with SIGKILL: tests/ops/test_redis_durable_queue.py).
The schedules themselves live in the database: when the scheduler cannot queue a due run
because Redis is down, its transaction rolls back (django-q2's ``scheduler``), so the
schedule's ``next_run`` is not advanced and the run is queued at the first scheduler tick after
Redis is back. Every job is safe to run again, and the chasing jobs catch up on their next run.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The longest a periodic job may run before its worker is stopped and the run counts as failed.
TIMEOUT = 300
# When a task handed out and not acknowledged is handed out again (ORM broker): after its
# timeout, or the same task would run twice at once.
RETRY = TIMEOUT + 60
# Runs of one task in all (the first and two retries): a job that fails three times in a row
# needs a person, not a fourth try.
MAX_ATTEMPTS = 3


def q_cluster(*, site: str, redis_url: str) -> dict:
    """The cluster of ``site``: its queue is Redis at ``redis_url`` if given, else the site's
    database."""
    conf = {
        "name": f"property-service-{site}",
        "workers": 2,
        "timeout": TIMEOUT,
        "retry": RETRY,
        "max_attempts": MAX_ATTEMPTS,
        # A failed run is not acknowledged, so the ORM broker hands it out again (see above).
        "ack_failures": False,
        "queue_limit": 50,
        "bulk": 10,
        "catch_up": True,
        "label": _("Scheduled jobs"),  # its name in the back office
        "save_limit": 1000,
    }
    if redis_url:
        conf["redis"] = redis_url
    else:
        conf["orm"] = "default"
        # Seconds between two looks at an empty queue.
        conf["poll"] = 2
    return conf
