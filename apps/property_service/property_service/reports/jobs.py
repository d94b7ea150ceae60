"""The monthly job: last month's draft report of every community. Idempotent: a community
that already has its report for the month (draft or approved) is left as it is."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef

from ..core.months import this_month
from ..registry.models import Community
from .builder import previous_month
from .models import ManagementReport
from .services import management_report_generate


def generate_monthly_reports(month: datetime.date | None = None) -> dict[str, object]:
    """Draft the report of ``month`` (by default the month before today's, in local time) for
    every active community; returns how many were created and how many existed already."""
    month = month or previous_month(this_month())
    created = existing = 0
    # Which communities have their report already, in one query whatever their number: a
    # run after the first (or the rerun of one that failed midway) drafts the missing only.
    reported = ManagementReport.objects.filter(community=OuterRef("pk"), month=month)
    communities = (Community.objects.filter(is_active=True)
                   .annotate(reported=Exists(reported)).order_by("pk"))
    for community in communities:
        if community.reported:
            existing += 1
            continue
        _report, new = management_report_generate(community=community, month=month)
        created, existing = created + new, existing + (not new)
    return {"month": f"{month:%Y-%m}", "created": created, "existing": existing}
