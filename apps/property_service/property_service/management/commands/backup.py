"""Write a consistent archive of the site's database and media folder (see ``core.backup``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...core.backup import BackupError, create_backup, default_backup_dir


class Command(BaseCommand):
    help = ("Write the site's database (a consistent dump) and its media folder to a "
            "timestamped .tar.gz archive, with a manifest of migrations and row counts.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path,
                            help=f"folder or .tar.gz file name (default: {default_backup_dir()})")

    def handle(self, *args, output=None, **options):
        try:
            archive = create_backup(output=output)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {archive}")
