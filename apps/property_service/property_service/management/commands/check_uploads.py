"""Re-check every stored upload against the kinds the app accepts (``core.files``).

Without ``--fix`` it only reports. With ``--fix``:
- a file whose content is an accepted kind but whose name has another extension is renamed to
  that kind's extension (the row follows the new name);
- a file whose content is of no accepted kind is moved under ``quarantine/`` (the row follows
  it, so it is still listed and still downloadable, as an opaque file, by whoever may see its
  record).
Nothing is deleted: every file stays on disk, under its old or its new name.
"""

from __future__ import annotations

import os

from django.core.files.base import File
from django.core.management.base import BaseCommand

from ...complaints.models import ComplaintAttachment
from ...core.files import detect_kind
from ...incidents.models import IncidentAttachment
from ...renewals.models import AgreementDocument
from ...workorders.models import WorkOrderPhoto

UPLOADS = [(WorkOrderPhoto, "image"), (ComplaintAttachment, "file"),
           (IncidentAttachment, "file"), (AgreementDocument, "file")]
QUARANTINE = "quarantine"


def _move(row, field_name: str, new_name: str) -> str:
    field = getattr(row, field_name)
    storage, old = field.storage, field.name
    with storage.open(old, "rb") as handle:
        saved = storage.save(new_name, File(handle))
    type(row).objects.filter(pk=row.pk).update(**{field_name: saved})
    storage.delete(old)
    return saved


class Command(BaseCommand):
    help = ("Report stored uploads whose content is not a photo or PDF, or whose extension "
            "does not match it; with --fix rename the mismatched and move the rest under "
            "quarantine/ (nothing is deleted).")

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true",
                            help="rename and quarantine instead of only reporting")

    def handle(self, *args, fix=False, **options):
        problems = 0
        for model, field_name in UPLOADS:
            for row in model.objects.exclude(**{field_name: ""}).iterator():
                field = getattr(row, field_name)
                try:
                    with field.storage.open(field.name, "rb") as handle:
                        kind = detect_kind(handle)
                except FileNotFoundError:
                    self.stdout.write(f"missing  {model.__name__} {row.pk}: {field.name}")
                    problems += 1
                    continue
                stem, extension = os.path.splitext(field.name)
                if kind is not None and extension.lower() == f".{kind.extension}":
                    continue
                problems += 1
                if kind is None:
                    if field.name.startswith(f"{QUARANTINE}/"):
                        self.stdout.write(f"quarantined  {model.__name__} {row.pk}: "
                                          f"{field.name}")
                        continue
                    action, target = "quarantine", f"{QUARANTINE}/{field.name}"
                else:
                    action, target = "rename", f"{stem}.{kind.extension}"
                if fix:
                    target = _move(row, field_name, target)
                self.stdout.write(f"{action}{'d' if fix else ''}  {model.__name__} {row.pk}: "
                                  f"{field.name} -> {target}")
        self.stdout.write(f"{problems} file(s) {'fixed' if fix else 'to fix (run with --fix)'}"
                          if problems else "All stored uploads match their kind.")
