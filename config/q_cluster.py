"""django-q2 cluster settings.

The queue is the database (django-q2's ORM broker), with Redis or without: what is queued is
then as durable as the data it works on, survives a Redis outage or restart, and a task whose
run failed (an exception, a worker killed at ``timeout``) is handed out again after ``retry``
seconds, at most ``max_attempts`` times in all, then left in the failed tasks (admin: Failed
tasks) where an operator sees it and may resubmit it. The Redis broker offers no such retry
(a task taken from its list is gone), and the queue carries only the scheduler's few tasks.
Redis, when configured, is the cache (``config/settings.py``, ``core/cache.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The longest a periodic job may run before its worker is stopped and the run counts as failed.
TIMEOUT = 300
# When a task handed out and not acknowledged is handed out again: after its timeout, or the
# same task would run twice at once.
RETRY = TIMEOUT + 60
# Runs of one task in all (the first and two retries): a job that fails three times in a row
# needs a person, not a fourth try.
MAX_ATTEMPTS = 3


def q_cluster(*, site: str) -> dict:
    """The cluster of ``site``: its queue is the site's database."""
    return {
        "name": f"property-service-{site}",
        "workers": 2,
        "timeout": TIMEOUT,
        "retry": RETRY,
        "max_attempts": MAX_ATTEMPTS,
        # A failed run is not acknowledged, so the broker hands it out again (see above).
        "ack_failures": False,
        "queue_limit": 50,
        "bulk": 10,
        "catch_up": True,
        "label": _("Scheduled jobs"),  # its name in the back office
        "save_limit": 1000,
        "orm": "default",
        # Seconds between two looks at an empty queue.
        "poll": 2,
    }
