"""Driving the back office over HTTP the way a user does; running calls concurrently."""

from __future__ import annotations

import io
import threading

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

FORMATS = {"xlsx": "0", "csv": "1"}  # IMPORT_EXPORT_FORMATS order


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:property_service_{model}_{view}", args=args)


def export(client, model: str, fmt: str = "csv", query: str = "", **data) -> bytes:
    response = client.post(admin_url(model, "export") + query, {"format": FORMATS[fmt], **data})
    assert response.status_code == 200, response.content[:500]
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def import_file(client, model: str, content: bytes, *, fmt: str = "xlsx", confirm: bool = True):
    """Upload a file; if the preview has no errors and ``confirm``, confirm it.

    Returns (preview response, confirm response or None).
    """
    upload = SimpleUploadedFile(f"{model}.{fmt}", content)
    preview = client.post(admin_url(model, "import"),
                          {"import_file": upload, "format": FORMATS[fmt]})
    assert preview.status_code == 200
    confirm_form = preview.context.get("confirm_form") if preview.context else None
    if not (confirm and confirm_form):
        return preview, None
    confirmed = client.post(admin_url(model, "process_import"), confirm_form.initial)
    return preview, confirmed


def preview_errors(preview) -> str:
    """Every error an import preview reports, row by row, as text."""
    result = preview.context["result"]
    messages = [str(e.error) for row in result.rows for e in row.errors]
    messages += [f"{row.number}: {row.error_dict}" for row in result.invalid_rows]
    messages += [str(e.error) for e in result.base_errors]
    return "\n".join(messages)


def run_together(*calls):
    """Run the calls in threads released at the same moment; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
