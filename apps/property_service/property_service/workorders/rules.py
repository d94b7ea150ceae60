"""Work-order rules that are numbers, with their defaults; a site may change them in its
settings (``PROPERTY_SERVICE["WORK_ORDERS"]``)."""

from __future__ import annotations

import datetime

from django.conf import settings

DEFAULTS = {
    # A new order for the same unit and category as this many orders in the window is a repeat.
    "REPEAT_MIN_EARLIER": 2,
    "REPEAT_WINDOW_DAYS": 30,
    # The follow-up call is due this long after the resident accepted the repair (max 48 h).
    "FOLLOW_UP_HOURS": 24,
}
MAX_FOLLOW_UP_HOURS = 48


def rule(name: str):
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("WORK_ORDERS", {})
    return configured.get(name, DEFAULTS[name])


def follow_up_delay() -> datetime.timedelta:
    return datetime.timedelta(hours=min(int(rule("FOLLOW_UP_HOURS")), MAX_FOLLOW_UP_HOURS))


def repeat_window() -> datetime.timedelta:
    return datetime.timedelta(days=int(rule("REPEAT_WINDOW_DAYS")))
