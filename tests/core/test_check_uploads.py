"""The re-check of stored uploads: it reports, and with --fix renames files to the extension of
their content and moves content of no accepted kind under quarantine/, deleting nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from property_service.workorders.models import WorkOrderPhoto

from tests.factories.workorders import WorkOrderFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PAGE = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def stored(settings, tmp_path, place_a):
    """Two photos stored before the checks: a PNG named .html and a page named .png."""
    settings.MEDIA_ROOT = tmp_path
    order = WorkOrderFactory(unit=place_a.unit)
    folder = tmp_path / "work_orders/2025/01/1"
    folder.mkdir(parents=True)
    (folder / "a.html").write_bytes(PNG)
    (folder / "b.png").write_bytes(PAGE)
    rows = []
    for name in ("a.html", "b.png"):
        row = WorkOrderPhoto.objects.create(work_order=order,
                                            image=SimpleUploadedFile("x.png", PNG))
        WorkOrderPhoto.objects.filter(pk=row.pk).update(image=f"work_orders/2025/01/1/{name}")
        rows.append(row)
    return tmp_path, rows


def run(*args) -> str:
    out = io.StringIO()
    call_command("check_uploads", *args, stdout=out)
    return out.getvalue()


def test_without_fix_it_only_reports(stored):
    root, (renamed, quarantined) = stored
    report = run()
    assert "a.html -> work_orders/2025/01/1/a.png" in report
    assert "b.png -> quarantine/work_orders/2025/01/1/b.png" in report
    assert (root / "work_orders/2025/01/1/a.html").exists()
    renamed.refresh_from_db()
    assert renamed.image.name.endswith("a.html")


def test_with_fix_it_renames_and_quarantines_and_loses_nothing(stored):
    root, (renamed, quarantined) = stored
    run("--fix")
    renamed.refresh_from_db()
    quarantined.refresh_from_db()
    assert renamed.image.name == "work_orders/2025/01/1/a.png"
    assert (root / renamed.image.name).read_bytes() == PNG
    assert quarantined.image.name == "quarantine/work_orders/2025/01/1/b.png"
    assert (root / quarantined.image.name).read_bytes() == PAGE
    assert not (root / "work_orders/2025/01/1/a.html").exists()
    assert "quarantined  WorkOrderPhoto" in run() and "1 file(s)" in run()
