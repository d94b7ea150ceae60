"""Every periodic job of the app, in one list (like Frappe's scheduler_events).

``sync_schedules`` writes them into django-q2's schedule table by name, so the scheduler of
``manage.py qcluster`` runs them; changing a cadence here and syncing updates the row in place.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    # Local wall-clock time of the first run (daily jobs run in the quiet hours; monthly ones
    # on the 1st of the month).
    at: datetime.time | None = None


SCHEDULES: list[PeriodicJob] = [
    PeriodicJob(
        name="work orders: chase deadlines and escalate",
        func="property_service.workorders.jobs.chase_work_orders",
        schedule_type=Schedule.MINUTES,
        minutes=5,
    ),
    PeriodicJob(
        name="complaints: chase deadlines and escalate",
        func="property_service.complaints.jobs.chase_complaints",
        schedule_type=Schedule.MINUTES,
        minutes=5,
    ),
    PeriodicJob(
        name="enquiries: chase deadlines and escalate",
        func="property_service.enquiries.jobs.chase_enquiries",
        schedule_type=Schedule.MINUTES,
        minutes=5,
    ),
    PeriodicJob(
        name="notifications: send the emails that failed",
        func="property_service.core.notifications.send_pending_emails",
        schedule_type=Schedule.MINUTES,
        minutes=5,
    ),
    PeriodicJob(
        name="contracts and policies: renewal reminders and expiry",
        func="property_service.renewals.scan.run_renewal_scan",
        schedule_type=Schedule.DAILY,
        at=datetime.time(0, 20),
    ),
    PeriodicJob(
        name="working calendar: hold every year in use and next year",
        func="property_service.core.workcalendar.extend_calendars",
        schedule_type=Schedule.DAILY,
        at=datetime.time(0, 5),
    ),
    PeriodicJob(
        name="follow-up visits: plan the visits the rules ask for",
        func="property_service.visits.jobs.plan_missing_visits",
        schedule_type=Schedule.DAILY,
        at=datetime.time(0, 30),
    ),
    PeriodicJob(
        name="follow-up visits: chase late visits and escalate",
        func="property_service.visits.jobs.chase_visits",
        schedule_type=Schedule.MINUTES,
        minutes=15,
    ),
    PeriodicJob(
        name="surveys: close the surveys whose closing day has passed",
        func="property_service.surveys.jobs.close_finished_surveys",
        schedule_type=Schedule.DAILY,
        at=datetime.time(0, 40),
    ),
    PeriodicJob(
        name="notices: draft the holiday greetings and seasonal reminders that are due",
        func="property_service.seasonal.jobs.draft_seasonal_notices",
        schedule_type=Schedule.DAILY,
        at=datetime.time(0, 40),
    ),
    PeriodicJob(
        name="community activities: close the sign-up at its time",
        func="property_service.activities.jobs.close_due_signups",
        schedule_type=Schedule.MINUTES,
        minutes=15,
    ),
    PeriodicJob(
        name="registry: refresh unit statuses",
        func="property_service.registry.jobs.refresh_unit_statuses",
        schedule_type=Schedule.DAILY,
        at=datetime.time(0, 10),
    ),
    PeriodicJob(
        name="home page: keep every community's figures",
        func="property_service.workspace.series.refresh",
        schedule_type=Schedule.MINUTES,
        minutes=10,
    ),
    PeriodicJob(
        name="reports: draft last month's management report of every community",
        func="property_service.reports.jobs.generate_monthly_reports",
        schedule_type=Schedule.MONTHLY,
        at=datetime.time(1, 0),
    ),
]


def _first_run(job: PeriodicJob) -> datetime.datetime:
    now = timezone.localtime()
    if job.at is None:
        return now
    first = now.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
    if job.schedule_type == Schedule.MONTHLY:
        # Monthly jobs run on the 1st: this month's if still ahead, else next month's.
        first = first.replace(day=1)
        if first <= now:
            first = first.replace(year=first.year + (first.month == 12),
                                  month=first.month % 12 + 1)
        return first
    return first if first > now else first + datetime.timedelta(days=1)


@transaction.atomic
def sync_schedules(jobs: list[PeriodicJob] | None = None) -> dict[str, str]:
    """Create or update one schedule row per job, keyed by name. Idempotent."""
    jobs = SCHEDULES if jobs is None else jobs
    outcome = {}
    for job in jobs:
        rows = list(Schedule.objects.select_for_update().filter(name=job.name).order_by("id"))
        if rows:
            row, duplicates = rows[0], rows[1:]
            for duplicate in duplicates:
                duplicate.delete()
            changed = (row.func, row.schedule_type, row.minutes) != (
                job.func, job.schedule_type, job.minutes)
            if changed:
                row.func, row.schedule_type, row.minutes = job.func, job.schedule_type, job.minutes
                row.save(update_fields=["func", "schedule_type", "minutes"])
            outcome[job.name] = "updated" if changed else "unchanged"
        else:
            Schedule.objects.create(name=job.name, func=job.func, schedule_type=job.schedule_type,
                                    minutes=job.minutes, next_run=_first_run(job), repeats=-1)
            outcome[job.name] = "created"
    return outcome
