import datetime

from django.core.management.base import BaseCommand, CommandError

from property_service.renewals.scan import run_renewal_scan


class Command(BaseCommand):
    help = ("Flag contracts and insurance policies due for renewal, send the reminders that are "
            "due (each once) and expire those past their end date. Safe to run at any time.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Scan as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be a date like 2026-11-25, not {today!r}") \
                    from None
        for kind, counts in run_renewal_scan(today=day).items():
            self.stdout.write(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
