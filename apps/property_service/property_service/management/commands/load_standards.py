from django.core.management.base import BaseCommand

from ...workorders.standards import load_standards


class Command(BaseCommand):
    help = ("Create the working calendar, SLA standards, teams, work-order categories and "
            "incident playbooks from fixtures/ where missing (edited rows are kept).")

    def handle(self, *args, **options):
        counts = load_standards()
        self.stdout.write(", ".join(f"{n} {k} created" for k, n in counts.items()))
