"""Restore an archive written by ``backup`` into an empty site (see ``core.backup``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup archive into this site's database and media folder. Refuses when "
            "the site already holds data, unless --force; then checks the row counts.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar.gz written by backup")
        parser.add_argument("--force", action="store_true",
                            help="overwrite a site that already holds data")

    def handle(self, *args, archive, force=False, **options):
        try:
            report = restore_backup(archive, force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        manifest = report.manifest
        self.stdout.write(f"Restored {archive}: site {manifest['site']}, made "
                          f"{manifest['created']} by version {manifest['app_version']}.")
        if report.mismatches:
            for table, (expected, found) in sorted(report.mismatches.items()):
                self.stderr.write(f"  {table}: {expected} row(s) in the backup, {found} restored")
            raise CommandError(f"{len(report.mismatches)} table(s) differ from the backup's "
                               f"row counts.")
        self.stdout.write(f"All {len(manifest['row_counts'])} tables match the backup's row "
                          f"counts.")
        if report.older_migrations:
            self.stdout.write("The backup predates this code's migrations: run "
                              "`manage.py migrate` now.")
