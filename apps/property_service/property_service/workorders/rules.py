"""Work-order rules that are numbers, with their defaults; a site may change them in its
settings (``PROPERTY_SERVICE["WORK_ORDERS"]``)."""

from __future__ import annotations

import datetime

from django.conf import settings

DEFAULTS = {
    # A new order for the same unit and category as this many orders in the window is a repeat.
    "REPEAT_MIN_EARLIER": 2,
    "REPEAT_WINDOW_DAYS": 30,
}
# The follow-up call's deadlines are SLA standards (SlaPolicy, fixtures/sla_standards.toml).


def rule(name: str):
    configured = getattr(settings, "PROPERTY_SERVICE", {}).get("WORK_ORDERS", {})
    return configured.get(name, DEFAULTS[name])


def repeat_window() -> datetime.timedelta:
    return datetime.timedelta(days=int(rule("REPEAT_WINDOW_DAYS")))


def is_repeat_report(earlier_count: int) -> bool:
    """Whether a report with ``earlier_count`` earlier reports of the same unit and category
    within ``repeat_window()`` is a repeat (the intake desk and the intake service agree)."""
    return earlier_count >= int(rule("REPEAT_MIN_EARLIER"))
