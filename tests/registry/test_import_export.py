"""Excel import of units and residents: a bad row is reported row by row and nothing of the file
is saved; importing the same file twice creates no duplicates; exports import back."""

import pytest
from property_service.registry.models import Resident, Unit

from tests.helpers import export, import_file, preview_errors, xlsx_bytes, xlsx_rows

UNIT_HEADER = ["community", "building", "entrance", "number", "floor", "area", "use", "status",
               "note"]
RESIDENT_HEADER = ["community", "name", "phone", "id_number", "email", "language", "note"]


@pytest.fixture
def staff(client, make_staff):
    user = make_staff("System Manager")
    client.force_login(user)
    return user


def unit_rows(place, *numbers):
    return [UNIT_HEADER] + [
        ["AAA", place.building.name, "2", number, 5, 89.5, "residential", "vacant", ""]
        for number in numbers
    ]


def test_a_clean_file_imports_all_its_units(client, staff, place_a):
    preview, confirmed = import_file(client, "unit", xlsx_bytes(unit_rows(place_a, "501", "502")))
    assert confirmed.status_code == 302
    assert set(Unit.objects.filter(entrance="2").values_list("number", flat=True)) == {"501",
                                                                                      "502"}


def test_importing_the_same_file_twice_creates_no_duplicates(client, staff, place_a):
    content = xlsx_bytes(unit_rows(place_a, "501", "502"))
    import_file(client, "unit", content)
    import_file(client, "unit", content)
    assert Unit.objects.count() == 3  # the existing one and the two imported


def test_a_bad_row_is_reported_and_nothing_of_the_file_is_saved(client, staff, place_a):
    rows = unit_rows(place_a, "501", "502")
    rows.append(["AAA", "no-such-building", "2", "503", 5, 89.5, "residential", "vacant", ""])
    rows.append(["AAA", place_a.building.name, "2", "504", 5, 89.5, "residential", "flying", ""])
    preview, confirmed = import_file(client, "unit", xlsx_bytes(rows))
    assert confirmed is None
    errors = preview_errors(preview)
    assert "no-such-building" in errors
    assert "“flying” is not one of" in errors
    assert Unit.objects.count() == 1


def test_a_row_of_another_community_is_refused_for_a_limited_user(client, make_staff, place_a,
                                                                  place_b):
    client.force_login(make_staff("System Manager", communities=[place_a.community]))
    rows = [UNIT_HEADER, ["BBB", place_b.building.name, "2", "501", 5, 80, "", "", ""]]
    preview, confirmed = import_file(client, "unit", xlsx_bytes(rows))
    assert confirmed is None
    assert "not in your communities" in preview_errors(preview)
    assert not Unit.objects.filter(number="501").exists()


def test_a_duplicate_unit_in_a_file_updates_rather_than_duplicates(client, staff, place_a):
    rows = unit_rows(place_a, "301")
    rows[1][2] = "1"  # entrance 1, number 301: the existing unit
    rows[1][5] = 120
    import_file(client, "unit", xlsx_bytes(rows))
    place_a.unit.refresh_from_db()
    assert place_a.unit.area == 120
    assert Unit.objects.count() == 1


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(client, staff, place_a):
    preview, confirmed = import_file(client, "unit", b"\x00\x01 this is not a spreadsheet")
    assert confirmed is None
    form = preview.context["form"]
    assert form.errors
    assert Unit.objects.count() == 1


def test_a_file_without_the_required_columns_is_refused(client, staff, place_a):
    preview, confirmed = import_file(client, "unit", xlsx_bytes([["community", "building"],
                                                                 ["AAA", "x"]]))
    assert confirmed is None
    assert Unit.objects.count() == 1


def test_an_invalid_resident_row_saves_nothing(client, staff, place_a):
    rows = [RESIDENT_HEADER,
            ["AAA", "李雷", "13800001111", "", "", "", ""],
            ["AAA", "韩梅梅", "12345", "", "", "", ""],
            ["AAA", "王芳", "13800002222", "110105194912310021", "", "", ""]]
    preview, confirmed = import_file(client, "resident", xlsx_bytes(rows))
    assert confirmed is None
    errors = preview_errors(preview)
    assert "valid phone number" in errors
    assert "check digit" in errors
    assert not Resident.objects.filter(name__in=["李雷", "韩梅梅", "王芳"]).exists()


def test_residents_import_once_whatever_the_number_of_uploads(client, staff, place_a):
    rows = [RESIDENT_HEADER,
            ["AAA", "李雷", "13800001111", "", "", "", ""],
            ["AAA", "王芳", "+86 138 0000 2222", "11010519491231002X", "", "en", ""]]
    for _ in range(2):
        import_file(client, "resident", xlsx_bytes(rows))
    assert Resident.objects.filter(name="李雷").count() == 1
    wang = Resident.objects.get(name="王芳")
    # The importing file's ID number was already the resident of place A: it updated them.
    assert wang.pk == place_a.resident.pk
    assert (wang.phone, wang.language) == ("13800002222", "en")


def test_an_export_imports_back_unchanged(client, staff, place_a):
    content = export(client, "unit", "xlsx")
    rows = xlsx_rows(content)
    assert rows[0] == UNIT_HEADER
    preview, confirmed = import_file(client, "unit", content)
    assert confirmed.status_code == 302
    assert Unit.objects.count() == 1


def test_import_is_offered_only_to_roles_that_may_add_and_change(client, make_staff, place_a):
    client.force_login(make_staff("Front Desk"))  # may add residents, not change them
    from tests.helpers import admin_url

    assert client.get(admin_url("resident", "import")).status_code == 403


def test_rows_that_became_invalid_after_the_preview_save_nothing(client, make_staff, place_a,
                                                                 place_b):
    client.force_login(make_staff("System Manager", communities=[place_a.community]))
    rows = [RESIDENT_HEADER,
            ["AAA", "李雷", "13800001111", "", "", "", ""],
            ["AAA", "王芳", "13800002222", "320102197506150028", "", "", ""]]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.helpers import FORMATS, admin_url

    preview = client.post(admin_url("resident", "import"), {
        "import_file": SimpleUploadedFile("r.xlsx", xlsx_bytes(rows)), "format": FORMATS["xlsx"]})
    confirm = preview.context["confirm_form"].initial
    # Meanwhile, someone registers that ID number in a community this user does not see.
    Resident.objects.filter(pk=place_b.resident.pk).update(id_number="320102197506150028")
    response = client.post(admin_url("resident", "process_import"), confirm, follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert not Resident.objects.filter(name__in=["李雷", "王芳"]).exists()


def test_an_import_runs_with_the_cycle_collector_paused_and_restarts_it(client, staff, place_a,
                                                                        monkeypatch):
    import gc

    from property_service.registry.resources import ResidentResource

    seen = []
    original = ResidentResource.import_row

    def import_row(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ResidentResource, "import_row", import_row)
    rows = [RESIDENT_HEADER, ["AAA", "李雷", "13800001111", "", "", "", ""],
            ["AAA", "韩梅梅", "12345", "", "", "", ""]]
    assert gc.isenabled()
    preview, confirmed = import_file(client, "resident", xlsx_bytes(rows))
    assert confirmed is None and "valid phone number" in preview_errors(preview)
    assert seen == [False, False] and gc.isenabled()
    seen.clear()
    preview, confirmed = import_file(client, "resident", xlsx_bytes(rows[:2]))
    assert confirmed.status_code == 302 and Resident.objects.filter(name="李雷").exists()
    assert seen == [False, False] and gc.isenabled()  # the preview's row, then the import's
