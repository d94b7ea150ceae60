from django.core.management.base import BaseCommand

from ...schedules import sync_schedules


class Command(BaseCommand):
    help = "Write the app's periodic jobs into the django-q2 schedule table (by name)."

    def handle(self, *args, **options):
        for name, outcome in sync_schedules().items():
            self.stdout.write(f"{name}: {outcome}")
