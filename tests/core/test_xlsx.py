"""The Excel writer of exports (core/xlsx.py): what it writes reads back as what openpyxl's own
writer wrote for the same rows, in Excel's layout (a bold frozen header, widths, wrapped lines),
whole row by whole row for a reader of the rows as they come, and a text never as a formula."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from import_export import widgets
from property_service.core import xlsx
from property_service.core.resources import ChoiceWidget, value_renderer
from property_service.workorders.models import Priority

HEADER = ["text", "number", "when", "day", "flag", "empty", "note"]
ROWS = [
    ["plain", 5, datetime.datetime(2026, 3, 1, 9, 30, 15, 250000), datetime.date(2026, 3, 2),
     True, None, ""],
    ["a & b <c> \"d\" 'e'", 0, datetime.datetime(1999, 12, 31, 23, 59, 59), None, False, "",
     "two\nlines"],
    ["  spaces kept  ", -17, None, datetime.date(1900, 3, 1), None, None, "tab\there"],
    ["控制\x01字符\x1f", Decimal("85.50"), datetime.datetime(2026, 11, 25), None, None, None,
     "中文 备注"],
    ["x" * 40000, 2.5, None, None, None, None, None],
    ["=1+1", 12345678, None, None, None, None, "#N/A"],
]


def written(rows=ROWS, header=HEADER, **options) -> bytes:
    target = io.BytesIO()
    xlsx.write_sheet(target, title=options.pop("title", "orders"), header=header,
                     rows=iter(rows), **options)
    return target.getvalue()


def openpyxl_written(rows=ROWS, header=HEADER) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("orders")
    sheet.append(header)
    for row in rows:
        # openpyxl refuses control characters; the writer removes them.
        sheet.append([xlsx.ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in row])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def read(content: bytes, **options) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), **options).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_sheet_reads_back_as_what_openpyxl_wrote_for_the_same_rows():
    rows = [row for row in ROWS if not str(row[0]).startswith("=")]  # openpyxl: a formula
    assert read(written(rows)) == read(openpyxl_written(rows))


def test_each_kind_of_value_reads_back_as_itself():
    back = read(written())
    assert back[0] == HEADER
    assert back[1] == ["plain", 5, datetime.datetime(2026, 3, 1, 9, 30, 15, 250000),
                       datetime.datetime(2026, 3, 2), True, None, None]
    assert back[2] == ["a & b <c> \"d\" 'e'", 0, datetime.datetime(1999, 12, 31, 23, 59, 59),
                       None, False, None, "two\nlines"]
    assert back[3][0] == "  spaces kept  " and back[3][6] == "tab\there"
    assert back[4][:2] == ["控制字符", 85.5]
    assert back[5][:2] == ["x" * xlsx.MAX_TEXT, 2.5]


def test_a_text_that_looks_like_a_formula_stays_text():
    sheet = openpyxl.load_workbook(io.BytesIO(written())).active
    assert (sheet["A7"].value, sheet["A7"].data_type) == ("=1+1", "s")
    assert (sheet["G7"].value, sheet["G7"].data_type) == ("#N/A", "s")


def test_a_reader_of_the_rows_as_they_come_sees_every_row_as_wide_as_the_header():
    """As an import reads a file (openpyxl's read-only mode, then tablib): a row ending in
    empty cells is still whole."""
    rows = read(written(), read_only=True)
    assert {len(row) for row in rows} == {len(HEADER)}
    dataset = tablib.Dataset().load(written(), format="xlsx")
    assert dataset.headers == HEADER and len(dataset) == len(ROWS)


def test_the_header_is_bold_and_frozen_columns_sized_and_line_breaks_wrapped():
    sheet = openpyxl.load_workbook(io.BytesIO(written(widths=[12, 8, 21]))).active
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [12, 8, 21]
    assert sheet["G3"].alignment.wrap_text and not sheet["G4"].alignment.wrap_text
    assert sheet["C2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert sheet["D2"].number_format == "yyyy-mm-dd"


def test_a_sheet_is_named_as_excel_allows():
    title = "工单 [2026/11] 一个很长很长很长很长很长很长很长很长的名字"
    book = openpyxl.load_workbook(io.BytesIO(written(title=title)))
    assert book.active.title == "工单  2026 11  一个很长很长很长很长很长很长很长很长"
    assert len(book.active.title) == 31
    assert xlsx.sheet_title("***") == "Sheet1"


def test_a_time_with_a_time_zone_is_refused():
    moment = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    with pytest.raises(TypeError):
        written([["x", 1, moment, None, None, None, None]])


def test_rows_are_written_as_they_are_read():
    """The writer takes the rows one at a time: nothing asks for the rows as a list."""
    taken = []

    def rows():
        for n in range(1200):
            taken.append(n)
            yield [f"row {n}", n]

    target = io.BytesIO()
    assert xlsx.write_sheet(target, title="t", header=["a", "b"], rows=rows()) == 1200
    assert read(target.getvalue())[-1] == ["row 1199", 1199]


@pytest.mark.parametrize("native", [True, False])
@pytest.mark.parametrize("widget", [
    ChoiceWidget(Priority), widgets.DateTimeWidget(), widgets.CharWidget(), widgets.Widget(),
    widgets.IntegerWidget(), widgets.DecimalWidget(), widgets.BooleanWidget(),
    widgets.DateWidget()], ids=lambda widget: type(widget).__name__)
def test_a_columns_renderer_renders_each_value_as_its_widget_does(widget, native):
    values = [None, "", "urgent", "normal", "unknown", 7, Decimal("1.50"), True, False,
              datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC),
              datetime.datetime(2026, 12, 31, 23, 0, tzinfo=datetime.UTC),
              datetime.date(2026, 3, 1)]
    render = value_renderer(widget, force_native_type=native)
    for value in values:
        assert render(value) == widget.render(value, force_native_type=native), value
