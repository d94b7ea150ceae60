"""unfold's ``DASHBOARD_CALLBACK``: the home page's context for the user's workspace."""

from __future__ import annotations

from ..core.replica import reading_replica
from .cards import workspace


def dashboard_callback(request, context: dict) -> dict:
    with reading_replica():
        context["workspace"] = workspace(request.user)
    return context
