"""Importing thousands of residents: what the rows need is read once per file and the rows are
saved a batch at a time, with their audit history; a bad row is still reported on its line, in
the user's language, and saves nothing of the file."""

import pytest
from property_service.core.models import PersonalDataAccess
from property_service.core.validators import id_number_check_code
from property_service.registry.models import Resident
from property_service.registry.resources import ResidentResource

from tests.conftest import ID_B
from tests.factories.registry import ResidentFactory
from tests.helpers import import_file, preview_errors, xlsx_bytes

HEADER = ["community", "name", "phone", "id_number", "email", "language", "note"]


def id_number(n: int) -> str:
    first17 = f"32010219800101{n:03d}"
    return first17 + id_number_check_code(first17)


def resident_rows(count: int, *, start: int = 0) -> list[list]:
    return [["AAA", f"住户{n}", f"135{n:08d}", id_number(n), "", "", ""]
            for n in range(start, start + count)]


@pytest.fixture
def manager(client, make_staff, place_a):
    user = make_staff("Property Manager", communities=[place_a.community])
    client.force_login(user)
    return user


def import_queries(client, rows) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *rows]))
    assert confirmed is not None and confirmed.status_code == 302, preview_errors(preview)
    return len(queries)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(client, manager, place_a):
    """New residents and updates of known ones (found by ID number, or by name and phone), and
    one row refused: a constant number of queries for the preview and the confirmation (the
    rows are saved up to ``batch_size`` at a time: a few more per thousand rows)."""
    def rows(count, start):
        existing = [ResidentFactory(community=place_a.community, id_number=id_number(n),
                                    phone=f"135{n:08d}") for n in range(start, start + count)]
        unnamed = ResidentFactory(community=place_a.community, id_number=None)
        return (resident_rows(count, start=start + 500)  # new
                + [["AAA", r.name, "13900000000", r.id_number, "", "en", ""] for r in existing]
                + [["AAA", unnamed.name, unnamed.phone, "", "", "", "a note"]])

    few = import_queries(client, rows(2, 0))
    many = import_queries(client, rows(20, 100))
    assert many == few
    assert Resident.objects.filter(name__startswith="住户").count() == 22
    assert Resident.objects.filter(phone="13900000000").count() == 22


def test_a_bulk_import_keeps_each_residents_audit_history(client, manager, place_a):
    known = ResidentFactory(community=place_a.community, id_number=id_number(900))
    rows = resident_rows(3) + [["AAA", "改名", known.phone, known.id_number, "", "", ""]]
    import_file(client, "resident", xlsx_bytes([HEADER, *rows]))
    for resident in Resident.objects.filter(name__startswith="住户"):
        created = resident.history.get()
        assert (created.history_type, created.history_user) == ("+", manager)
    known.refresh_from_db()
    changed = known.history.latest("history_date")
    assert (known.name, changed.history_type, changed.history_user) == ("改名", "~", manager)
    assert known.updated_at > known.created_at
    # The history is the one record of the rows: the admin's log holds no second copy.
    from django.contrib.admin.models import LogEntry

    assert not LogEntry.objects.exists()


def test_a_resident_on_two_rows_is_reported_on_both_in_the_users_language(client, manager,
                                                                         place_a):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    rows = resident_rows(3)
    rows.append(["AAA", "另一个人", "13600000009", rows[1][3], "", "", ""])
    preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *rows]))
    assert confirmed is None
    invalid = preview.context["result"].invalid_rows
    assert [row.number for row in invalid] == [2, 4]
    assert all("多行" in str(row.error_dict) for row in invalid)
    assert not Resident.objects.filter(name__startswith="住户").exists()


def test_an_import_answers_each_id_number_as_the_form_does(client, manager, place_a, place_b):
    """Another community's ID number is neither confirmed nor saved, and counts as a lookup;
    the file saves nothing."""
    rows = resident_rows(3) + [["AAA", "李四", "13600000001", ID_B, "", "", ""]]
    preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *rows]))
    errors = preview_errors(preview)
    assert "cannot be registered here" in errors and "already exists" not in errors
    assert confirmed is None
    assert not Resident.objects.filter(name__startswith="住户").exists()
    assert PersonalDataAccess.objects.get(user=manager).channel == "import"


def test_a_resident_resource_reads_the_file_once_before_its_rows(manager):
    """Without the admin around it: the queries of ``import_data`` do not depend on the rows."""
    import tablib
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    # The first import also reads the user's permissions.
    for count, start in ((1, 900), (3, 0), (30, 100)):
        dataset = tablib.Dataset(*resident_rows(count, start=start), headers=HEADER)
        with CaptureQueriesContext(connection) as queries:
            result = ResidentResource(user=manager).import_data(dataset, dry_run=False,
                                                                use_transactions=True)
        assert not result.has_errors() and not result.has_validation_errors()
        counts.append(len(queries))
    assert counts[1] == counts[2]


def test_a_confirmed_import_saves_only_the_rows_that_change_something(client, manager,
                                                                       place_a):
    """An unchanged resident is skipped (no save, no history row); a changed one is saved with
    its history; the preview said which is which."""
    same = ResidentFactory(community=place_a.community, id_number=id_number(700),
                           phone="13500000700", email="", note="")
    changed = ResidentFactory(community=place_a.community, id_number=id_number(701),
                              phone="13500000701", email="", note="")
    rows = [["AAA", same.name, same.phone, same.id_number, "", same.language, ""],
            ["AAA", changed.name, changed.phone, changed.id_number, "", changed.language,
             "新备注"]]
    before = {r.pk: r.history.count() for r in (same, changed)}
    preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *rows]))
    assert confirmed is not None and confirmed.status_code == 302, preview_errors(preview)
    assert [row.import_type for row in preview.context["result"].rows] == ["skip", "update"]
    assert same.history.count() == before[same.pk]
    assert changed.history.count() == before[changed.pk] + 1
    changed.refresh_from_db()
    assert changed.note == "新备注"


def test_a_preview_shows_its_first_rows_and_checks_and_counts_them_all(client, manager, place_a,
                                                                       monkeypatch):
    """A long file's preview compares and shows only its first rows, under the count of every
    row; a row past them is still checked (a bad one refuses the file) and still told
    unchanged from new."""
    from property_service.core import resources

    monkeypatch.setattr(resources, "PREVIEW_ROWS", 3)
    same = ResidentFactory(community=place_a.community, id_number=id_number(800),
                           phone="13500000800", email="", note="")
    rows = resident_rows(5) + [["AAA", same.name, same.phone, same.id_number, "",
                                same.language, ""]]
    preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *rows]),
                                     confirm=False)
    result = preview.context["result"]
    assert [row.import_type for row in result.rows] == ["new"] * 5 + ["skip"]
    assert [row.diff is not None for row in result.rows] == [True] * 3 + [False] * 3
    page = preview.content.decode()
    assert page.count('<tr class="new ') == 3 and '<tr class="skip ' not in page
    assert "5 new, 0 to update, 1 unchanged" in page and "3 more are not shown" in page

    bad = resident_rows(5)
    bad[4][2] = "12345"
    preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *bad]))
    assert confirmed is None and "valid phone number" in preview_errors(preview)
    assert [row.number for row in preview.context["result"].invalid_rows] == [5]


def test_a_confirmation_reads_the_rows_its_preview_read(client, manager, place_a,
                                                        monkeypatch):
    """The workbook is read once: the confirmation finds its preview's rows by the file's
    digest; another file is read on its own."""
    from import_export.formats import base_formats

    reads = []
    read = base_formats.XLSX.create_dataset
    monkeypatch.setattr(base_formats.XLSX, "create_dataset",
                        lambda self, content: reads.append(len(content)) or read(self, content))
    preview, confirmed = import_file(client, "resident", xlsx_bytes([HEADER, *resident_rows(3)]))
    assert confirmed.status_code == 302, preview_errors(preview)
    assert len(reads) == 1
    assert sorted(Resident.objects.filter(name__startswith="住户").values_list("name", flat=True)) \
        == ["住户0", "住户1", "住户2"]
    preview, confirmed = import_file(client, "resident",
                                     xlsx_bytes([HEADER, *resident_rows(2, start=10)]))
    assert confirmed.status_code == 302 and len(reads) == 2
    assert Resident.objects.filter(name__startswith="住户").count() == 5
