from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ...access.roles import apply_roles, load_roles, roles_file


class Command(BaseCommand):
    help = "Create the role groups and give each exactly the permissions of the roles file."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Roles file (default: the PROPERTY_SERVICE setting).")

    def handle(self, *args, **options):
        path = options["file"] or roles_file()
        try:
            changes = apply_roles(roles=load_roles(path))
        except (ImproperlyConfigured, OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        for name, (added, removed) in changes.items():
            self.stdout.write(f"{name}: +{added} -{removed}")
