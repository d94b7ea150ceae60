"""A one-sheet Excel workbook (.xlsx) written as its rows arrive: the sheet's XML is made row by
row as plain text and compressed straight into the zip file, so neither the rows nor the sheet
are ever held in memory, at several times the speed of a general-purpose writer.

What it writes is what openpyxl's write-only workbook wrote for the same rows, read back alike:
text as inline strings (cut to Excel's 32,767 characters, characters XML cannot hold removed),
numbers as numbers, booleans as booleans, dates and times as Excel serial numbers with a date
format, empty values as empty cells. Unlike openpyxl, a text starting with "=" stays text: a value
typed by a user is never turned into a formula. A header row in bold and frozen, column widths,
and multi-line text wrapped.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from math import isfinite
from xml.sax.saxutils import quoteattr

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# Excel's limits: the characters of a cell, the characters of a sheet's name.
MAX_TEXT = 32767
MAX_TITLE = 31
# Rows turned into XML before they are handed to the compressor together.
ROWS_PER_WRITE = 500
# Fast deflate: the sheet is mostly repeated markup, which compresses well at any level.
COMPRESS_LEVEL = 1

# The cell formats of styles.xml, by their index there.
HEADER, DATETIME, DATE, WRAPPED = 1, 2, 3, 4

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = _HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
PACKAGE_RELS = _HEAD + (
    f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK_RELS = _HEAD + (
    f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    '</Relationships>')
STYLES = _HEAD + (
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment wrapText="1"/></xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')

# What text needs more than to be written as it is: a character to escape (& < >), to remove
# (control characters), a line break to wrap, a space at either end to keep.
_NOT_PLAIN = re.compile(r"[\x00-\x1f&<>]|^\s|\s\Z")
# Characters a sheet's name may not hold.
_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def sheet_title(title) -> str:
    """``title`` as Excel accepts a sheet's name: without \\ / * ? : [ ], at most 31
    characters, not empty."""
    text = ILLEGAL_CHARACTERS_RE.sub("", _TITLE_FORBIDDEN.sub(" ", str(title))).strip()
    return text[:MAX_TITLE].strip().strip("'") or "Sheet1"


def _workbook(title: str) -> str:
    return _HEAD + (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        '<bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name={quoteattr(sheet_title(title))} sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>')


def _text_cell(ref: str, value: str, style: int = 0) -> str:
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not style and "\n" in value:
        style = WRAPPED
    space = ' xml:space="preserve"' if value != value.strip() else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _number_cell(ref: str, value) -> str:
    if not isfinite(value):
        return f'<c r="{ref}"/>'
    return f'<c r="{ref}"><v>{float(value):.16g}</v></c>'


def _datetime_cell(ref: str, value: datetime.datetime) -> str:
    if value.tzinfo is not None:
        raise TypeError("Excel holds no time zones: give a naive (local) datetime.")
    return f'<c r="{ref}" s="{DATETIME}"><v>{to_excel(value):.16g}</v></c>'


def _date_cell(ref: str, value: datetime.date) -> str:
    return f'<c r="{ref}" s="{DATE}"><v>{to_excel(value):.16g}</v></c>'


def _cell(ref: str, value) -> str:
    """The cell at ``ref`` holding ``value``, by its type. An empty cell is written all the
    same: a reader of the rows as they come (openpyxl's read-only mode, imports) then sees
    every row as wide as the header."""
    if value is None or value == "":
        return f'<c r="{ref}"/>'
    if isinstance(value, str):
        return _text_cell(ref, str(value))
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float | Decimal):
        return _number_cell(ref, value)
    if isinstance(value, datetime.datetime):
        return _datetime_cell(ref, value)
    if isinstance(value, datetime.date):
        return _date_cell(ref, value)
    return _cell(ref, str(value))


def _row(number: int, letters: list[str], values) -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        # The common types first, by their exact type: this runs for every cell.
        kind = type(value)
        if kind is str and value:
            if len(value) > MAX_TEXT or _NOT_PLAIN.search(value):
                cells.append(_text_cell(f"{letter}{number}", value))
            else:  # most text: nothing to escape, remove, wrap or keep spaces of
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
        elif value is None or kind is str:
            cells.append(f'<c r="{letter}{number}"/>')
        elif kind is int:
            cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        elif kind is datetime.datetime and value.tzinfo is None:
            cells.append(f'<c r="{letter}{number}" s="{DATETIME}">'
                         f'<v>{to_excel(value):.16g}</v></c>')
        else:
            cells.append(_cell(f"{letter}{number}", value))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_start(widths: list[float]) -> str:
    cols = "".join(f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>'
                   for n, width in enumerate(widths, start=1))
    return _HEAD + (
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        '</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>")


def write_sheet(target, *, title, header: list, rows: Iterable, widths: list[float] = ()
                ) -> int:
    """Write a workbook of one sheet named ``title`` into ``target`` (a writable binary file,
    seekable or not): ``header`` in bold and frozen, then each of ``rows`` (lists of values), as
    they are read, columns ``widths`` wide (in characters) where given. Returns the number of
    rows written, the header's not counted."""
    letters = [get_column_letter(n) for n in range(1, len(header) + 1)]
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", PACKAGE_RELS)
        book.writestr("xl/workbook.xml", _workbook(title))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = "".join(_text_cell(f"{letter}1", str(name), HEADER) if str(name)
                           else f'<c r="{letter}1"/>'
                           for letter, name in zip(letters, header, strict=True))
            pending = [_sheet_start(list(widths)), f'<row r="1">{head}</row>']
            for count, values in enumerate(rows, start=1):
                pending.append(_row(count + 1, letters, values))
                if len(pending) >= ROWS_PER_WRITE:
                    sheet.write("".join(pending).encode())
                    pending.clear()
            pending.append("</sheetData></worksheet>")
            sheet.write("".join(pending).encode())
    return count
