"""Report pages offered as an Excel workbook (one sheet: a header row, then the rows)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import openpyxl
from django.http import HttpResponse

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
