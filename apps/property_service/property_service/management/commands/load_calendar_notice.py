from django.core.management.base import BaseCommand, CommandError

from ...complaints.jobs import chase_every_complaint_again
from ...core.workcalendar import apply_notice, read_notice
from ...workorders.jobs import chase_every_order_again


class Command(BaseCommand):
    help = ("Enter a year's official holiday notice (a TOML file like those in "
            "fixtures/calendars/cn/) into the default working calendar. The year's estimated "
            "days are replaced and the year is no longer provisional.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The notice, e.g. fixtures/calendars/cn/2027.toml")

    def handle(self, *args, **options):
        try:
            result = apply_notice(read_notice(options["file"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Deadlines counted in working time may warn at other moments now.
        chase_every_order_again()
        chase_every_complaint_again()
        self.stdout.write(f"calendar {result['calendar']}: {result['year']} official")
        self.stdout.write(f"days created: {result['created']}, changed: {result['changed']}, "
                          f"removed: {result['removed']}")
