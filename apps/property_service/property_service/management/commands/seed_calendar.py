from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...core.workcalendar import seed_china_calendar, years_in_use


class Command(BaseCommand):
    help = ("Create the mainland China working calendar if missing and add its public holidays "
            "and make-up working days (调休). Days already in the calendar are kept as they are.")

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int,
                            help="Years to add (default: every year records touch, to next year).")

    def handle(self, *args, **options):
        years = options["years"]
        try:
            years = years or years_in_use(timezone.localdate())
            result = seed_china_calendar(years=years)
        except ValueError as error:
            raise CommandError(str(error)) from error
        state = "created" if result["calendar_created"] else "exists"
        self.stdout.write(f"calendar {result['calendar']}: {state}")
        self.stdout.write(f"years: {' '.join(str(year) for year in sorted(set(years)))}")
        self.stdout.write(f"days created: {result['created']}, kept: {result['kept']}")
