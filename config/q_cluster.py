"""django-q2 cluster settings: Redis broker when a Redis URL is configured, else the ORM broker."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def q_cluster(*, site: str, redis_url: str) -> dict:
    conf = {
        "name": f"property-service-{site}",
        "workers": 2,
        "timeout": 300,
        # retry must exceed timeout, or a long task is handed out twice.
        "retry": 360,
        "max_attempts": 3,
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
        conf["poll"] = 2
    return conf
