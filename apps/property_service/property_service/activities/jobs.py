"""The periodic job of community activities: sign-up ends at its time (schedules.py)."""

from __future__ import annotations

from django.utils import timezone

from .models import Activity
from .states import State


def close_due_signups() -> int:
    """Close the sign-up of every published activity whose sign-up time has passed, each
    through the service (locked, once: a rerun or a concurrent run closes nothing twice).
    Returns how many it closed."""
    from .services import signup_close_due

    now = timezone.now()
    due = Activity.objects.filter(state=State.PUBLISHED, signup_closes_at__lte=now) \
        .values_list("pk", flat=True)
    return sum(signup_close_due(activity_id=pk) for pk in list(due))
