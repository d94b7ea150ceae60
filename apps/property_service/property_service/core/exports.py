"""An admin list's export written row by row as the rows are read: CSV streamed to the browser,
Excel through ``core.xlsx`` into a temporary file served from disk. Neither
keeps the rows in memory, so an export of a million rows needs as much memory as one of ten
thousand. The columns are the resource's (``ScopedResource.export_rows``); this module only
reads and writes them."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, islice
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.http import FileResponse, StreamingHttpResponse

from .xlsx import write_sheet

# Rows read from the database at a time.
CHUNK_ROWS = 2000
# An Excel column is sized from the header and the first rows (a sheet written as its rows
# arrive is sized before them).
SIZED_FROM_ROWS = CHUNK_ROWS
MAX_COLUMN_WIDTH = 60


def _resolve(model, path: str) -> tuple[list[str], bool]:
    """The relations ``path`` (``unit__building__name``) follows from ``model`` that a join can
    load, and whether the path ends on a plain column."""
    joins, current = [], model
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return joins, False
        if not field.concrete:
            return joins, False
        if field.many_to_one or field.one_to_one:
            joins.append(part)
            current = field.related_model
        elif field.is_relation:
            return joins, False
    # A path ending on a related row reads the row itself, not its key.
    return joins, not field.is_relation


class ValuesPlan:
    """How rows are read as plain values for the columns reading ``paths`` (``number``,
    ``unit__building__name``, ``community__code``): the names given to ``values_list`` (each
    path, and the key of each related row on the way), where each path is among them
    (``index``), and the tree that turns a row's values into light objects (``row``)."""

    def __init__(self, paths: list[str]):
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.tree: dict = {}
        for path in paths:
            parts, node = path.split("__"), self.tree
            for depth, part in enumerate(parts[:-1]):
                if not isinstance(node.get(part), tuple):
                    self.index["__".join(parts[:depth + 1])] = len(self.names)
                    self.names.append("__".join(parts[:depth + 1]))  # the related row's key
                    node[part] = (len(self.names) - 1, {})
                node = node[part][1]
            if parts[-1] not in node:
                self.index[path] = len(self.names)
                self.names.append(path)
                node[parts[-1]] = len(self.names) - 1

    def values(self, queryset, *, chunk_size: int) -> Iterator[tuple]:
        """Each row of ``queryset`` as the tuple of its values of ``names``."""
        return queryset.values_list(*self.names).iterator(chunk_size=chunk_size)

    def row(self, values: tuple) -> SimpleNamespace:
        """The row as a light object with just the attributes of the paths
        (``row.unit.building.name``; a missing related row is ``None``)."""
        return _row(self.tree, values)


def values_plan(model, paths: list[str]) -> ValuesPlan | None:
    """The plan to read ``paths`` of ``model`` as plain values, or ``None`` when a path does not
    end on a column of the row or of a row it points to (it is read from model instances)."""
    if not all(concrete for _joins, concrete in (_resolve(model, path) for path in paths)):
        return None
    return ValuesPlan(paths)


def instance_rows(queryset, paths: list[str], *, chunk_size: int) -> Iterator:
    """The model instances of ``queryset`` with the related rows ``paths`` go through joined."""
    queryset = queryset.select_related(None).prefetch_related(None)
    joins = {"__".join(relations[:end]) for relations, _concrete in
             (_resolve(queryset.model, path) for path in paths)
             for end in range(1, len(relations) + 1)}
    if joins:
        queryset = queryset.select_related(*sorted(joins))
    return queryset.iterator(chunk_size=chunk_size)


def _row(tree: dict, values: tuple) -> SimpleNamespace:
    attributes = {}
    for name, item in tree.items():
        if isinstance(item, int):
            attributes[name] = values[item]
        else:
            key, children = item
            attributes[name] = None if values[key] is None else _row(children, values)
    return SimpleNamespace(**attributes)


@contextmanager
def unbuffered_reads(using: str):
    """MySQL's client library otherwise loads a whole result into memory before the first row
    is handed over, whatever ``iterator(chunk_size)`` asks; inside this block ``iterator()``
    reads the rows as they come (``mysql_use_result``). No other query may run on the connection
    while such a result is being read."""
    connection = connections[using]
    if connection.vendor != "mysql":
        yield
        return
    from django.db.backends.mysql.base import CursorWrapper
    from MySQLdb.cursors import SSCursor

    def chunked_cursor():
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection._prepare_cursor(CursorWrapper(connection.connection.cursor(SSCursor)))

    connection.chunked_cursor = chunked_cursor
    try:
        yield
    finally:
        del connection.chunked_cursor


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Line:
    """A file-like target for ``csv.writer`` that hands back what was written to it."""

    def write(self, text):
        return text


def csv_response(rows: Iterator[list], *, filename: str) -> StreamingHttpResponse:
    """The header and rows of ``rows`` as a CSV download written while it is read."""
    writer = csv.writer(_Line())
    return _attachment(StreamingHttpResponse((writer.writerow(row) for row in rows),
                                             content_type="text/csv"), filename)


def _shown(value) -> str:
    return "" if value is None else str(value)


def column_widths(header: list, rows: list[list]) -> list[int]:
    """Each column as wide as its header and ``rows`` need (in characters), within bounds."""
    return [min(max([len(str(name))] + [len(_shown(row[index])) for row in rows]) + 2,
                MAX_COLUMN_WIDTH)
            for index, name in enumerate(header)]


def write_xlsx(rows: Iterator[list], target, *, title: str) -> int:
    """Write the header and rows of ``rows`` into ``target`` as one sheet (``core.xlsx``): a
    bold, frozen header row, columns as wide as the header and the first rows need, multi-line
    text wrapped. Returns the number of rows written."""
    header = next(rows)
    first = list(islice(rows, SIZED_FROM_ROWS))
    return write_sheet(target, title=title, header=header, rows=chain(first, rows),
                       widths=column_widths(header, first))


def xlsx_response(rows: Iterator[list], *, filename: str, title: str) -> FileResponse:
    """The rows as an Excel download: written to a temporary file first (a workbook is a zip
    file, whose index comes last), then served from it; the file is gone once it is closed."""
    target = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(rows, target, title=title)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet")
