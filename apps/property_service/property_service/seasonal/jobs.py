"""The daily job: draft the greetings and reminders that are due, for every active community,
exactly once each (``ScheduledNotice``'s unique row; a run that did not happen is caught up by
the next as long as the occasion has not begun)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ..core.models import WorkingCalendar
from ..registry.models import Community
from . import occasions
from .models import MAX_LEAD_DAYS, GreetingTemplate, OccasionKind, ScheduledNotice, SeasonalReminder
from .services import scheduled_notice_draft


def _templates() -> tuple[dict[str, GreetingTemplate], dict[tuple[int, str], GreetingTemplate]]:
    company, own = {}, {}
    for template in GreetingTemplate.objects.all():
        if template.community_id is None:
            company[template.code] = template
        else:
            own[(template.community_id, template.code)] = template
    return company, own


def _holidays(today: datetime.date, company: dict[str, GreetingTemplate]) -> list:
    calendar = WorkingCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return []
    codes_by_name = {name: t.code for t in company.values()
                     if t.occasion == OccasionKind.HOLIDAY for name in t.names()}
    # Wide enough to see each holiday starting within the longest lead whole.
    days = calendar.days.filter(
        date__gte=today - datetime.timedelta(days=31),
        date__lte=today + datetime.timedelta(days=MAX_LEAD_DAYS + 31),
    ).values_list("date", "is_workday", "name")
    return [o for o in occasions.holiday_occasions(days, codes_by_name)
            if o.starts_on >= today]


def draft_seasonal_notices(today: datetime.date | None = None) -> dict[str, int]:
    """Draft every greeting (before each statutory holiday of the default working calendar)
    and every seasonal reminder (on the dates each community set) whose time has come. Drafts
    only what is due and not drafted yet: a second run drafts nothing."""
    today = today or timezone.localdate()
    company, own = _templates()
    holidays = _holidays(today, company)
    drafted = {"holidays": 0, "reminders": 0}
    communities = list(Community.objects.filter(is_active=True).order_by("pk"))
    done = set(ScheduledNotice.objects.filter(year__gte=today.year).values_list(
        "community_id", "occasion_key", "year"))
    for community in communities:
        for occasion in holidays:
            template = own.get((community.pk, occasion.code)) or company[occasion.code]
            if (community.pk, occasion.key, occasion.year) in done or \
                    not occasions.is_due(occasion, template.lead_days, today):
                continue
            drafted["holidays"] += bool(scheduled_notice_draft(
                community=community, occasion=occasion, template=template))
    reminders = (SeasonalReminder.objects.filter(is_active=True, community__is_active=True)
                 .select_related("community", "template"))
    for reminder in reminders:
        template = own.get((reminder.community_id, reminder.template.code)) or reminder.template
        lead = reminder.lead_days if reminder.lead_days is not None else template.lead_days
        for occasion in occasions.reminder_occasions(
                reminder_id=reminder.pk, code=template.code, name=reminder.name,
                month=reminder.month, day=reminder.day, today=today):
            if (reminder.community_id, occasion.key, occasion.year) in done or \
                    not occasions.is_due(occasion, lead, today):
                continue
            drafted["reminders"] += bool(scheduled_notice_draft(
                community=reminder.community, occasion=occasion, template=template,
                reminder=reminder))
    return drafted
