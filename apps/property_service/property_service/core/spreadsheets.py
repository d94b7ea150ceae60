"""Report pages offered as an Excel workbook (one sheet: a header row, then the rows), and
uploaded workbooks read once for an import's preview and its confirmation."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

import openpyxl
import tablib
from django.core.cache import cache
from django.http import HttpResponse
from import_export.formats import base_formats

# How long an uploaded workbook's rows are kept for its confirmation (its preview's page is
# rarely left open longer; later, the file is read again).
PARSED_TTL = 3600

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(*, title, header: list, rows: Iterable[list], filename: str) -> HttpResponse:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(title)[:31]  # Excel's limit for a sheet name
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ParsedOnceXLSX(base_formats.XLSX):
    """An import's workbook read once: its preview reads the rows from the file (a second for
    10,000 rows), and its confirmation, which uploads nothing and names the same file, finds
    them kept under the file's digest. The rows are a pure function of the file's bytes, so
    the same file always gives the same rows, whoever uploads it."""

    @staticmethod
    def key(content: bytes) -> str:
        return f"import-rows:{hashlib.sha256(content).hexdigest()}"

    def create_dataset(self, in_stream):
        key = self.key(in_stream)
        kept = cache.get(key)
        if kept is not None:
            headers, rows = kept
            return tablib.Dataset(*rows, headers=headers)
        dataset = super().create_dataset(in_stream)
        cache.set(key, (list(dataset.headers or ()), [tuple(row) for row in dataset]),
                  PARSED_TTL)
        return dataset
