"""Base of Excel/CSV import-export resources: the same row-level scope and validation as forms."""

from __future__ import annotations

import datetime
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import copy
from functools import partial

from django.conf import settings
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.formats import sanitize_strftime_format
from django.utils.translation import gettext as _
from import_export import resources, results, widgets
from import_export.fields import Field
from simple_history.utils import bulk_update_with_history

from ..access.scoping import scope
from .exports import CHUNK_ROWS, instance_rows, unbuffered_reads, values_plan
from .history import create_with_history


class ChoiceWidget(widgets.Widget):
    """Exports a choice as its label; imports its code or its label in any shipped language."""

    def __init__(self, choices_class, **kwargs):
        super().__init__(**kwargs)
        self.choices_class = choices_class

    def _values_by_text(self) -> dict[str, str]:
        """Each choice's code and labels in the shipped languages -> its code (the first
        choice to claim a text keeps it). Worked out once: the labels do not change."""
        if "_by_text" not in self.__dict__:
            by_text = {}
            for choice in self.choices_class:
                texts = [choice.value]
                for language in ("en", "zh-hans"):
                    with translation.override(language):
                        texts.append(str(choice.label))
                for text in texts:
                    by_text.setdefault(text, choice.value)
            self._by_text = by_text
        return self._by_text

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip()
        if text in self._values_by_text():
            return self._values_by_text()[text]
        allowed = ", ".join(str(c.label) for c in self.choices_class)
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s.")
                         % {"value": text, "allowed": allowed})

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return ""
        try:
            return str(self.choices_class(value).label)
        except ValueError:
            return value


def value_renderer(widget, **kwargs) -> Callable:
    """``widget.render(value, **kwargs)`` as a function of the value alone, worked out once for
    a whole column: a choice's label from a table of the labels, a time in the local zone
    without the per-cell lookups, text as it is. Any other widget renders as it would."""
    render, native = type(widget).render, kwargs.get("force_native_type")
    if render is ChoiceWidget.render:
        labels = {choice.value: str(choice.label) for choice in widget.choices_class}
        return lambda value: "" if value is None or value == "" else labels.get(value, value)
    if render is widgets.DateTimeWidget.render and (native or widget.coerce_to_string):
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        # A file's cells hold no time zone (the local time); a text is in the widget's format.
        text_format = None if native else sanitize_strftime_format(widget.formats[0])

        def local_time(value):
            if not value or not isinstance(value, datetime.datetime):
                return ""
            if zone is not None:
                if value.tzinfo is None:
                    return timezone.localtime(value, zone)  # refused, as the widget refuses it
                value = value.astimezone(zone)
            return value.replace(tzinfo=None) if text_format is None else value.strftime(
                text_format)

        return local_time
    if render is widgets.Widget.render or (render is widgets.CharWidget.render
                                           and widget.coerce_to_string):
        return lambda value: ("" if value is None else value if type(value) is str
                              else force_str(value))
    if render is widgets.NumberWidget.render and (native or not widget.coerce_to_string):
        return lambda value: value
    return partial(widget.render, **kwargs)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks up a related row among those of the importing user's communities only; each value
    once per import (the widget belongs to one resource, which serves one user and one file)."""

    user = None

    def get_queryset(self, value, row, *args, **kwargs):
        return scope(super().get_queryset(value, row, *args, **kwargs), self.user)

    def row_key(self, row) -> tuple:
        """What else of the row the lookup depends on (``get_queryset`` may read the row)."""
        return ()

    def clean(self, value, row=None, **kwargs):
        found = self.__dict__.setdefault("_found", {})
        key = (value, *self.row_key(row or {}))
        if key not in found:
            found[key] = self._lookup(value, row, **kwargs)
        return found[key]

    def _lookup(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("%(model)s “%(value)s” does not exist or is not in your communities.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(
                _("%(model)s “%(value)s” is ambiguous.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


@contextmanager
def cycle_collector_paused():
    """Python's cycle collector paused while a file is imported: an import holds every row
    of its file (each row's record, its audit copy, its result) until it ends, and the
    collector, set off by the objects it allocates, walks all of them again and again (a
    quarter of the time of a 10,000-row import). Memory is still freed as each object is let
    go; the few cycles an import leaves are collected once it ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# An import's preview shows its file's first rows with their changes; a file's other rows are
# checked as thoroughly, and counted.
PREVIEW_ROWS = 100


class ImportResult(results.Result):
    """An import's outcome, whose preview shows its first rows (the only ones compared)."""

    def shown_rows(self) -> list:
        return self.valid_rows()[:PREVIEW_ROWS]

    def rows_not_shown(self) -> int:
        return max(len(self.valid_rows()) - PREVIEW_ROWS, 0)


class ScopedResource(resources.ModelResource):
    """A model resource that knows the user it works for: lookups are scoped, rows validated
    with the model's own rules, and any error leaves the whole file unsaved."""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.user = user

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        rollback_on_validation_errors = True

    def get_queryset(self):
        # Existing rows are matched only among those the user may see.
        return scope(super().get_queryset(), self.user)

    _import_fields: list | None = None
    # A confirmed import's values of each row's instance before the row was applied (the
    # import fields', in order): what tells an unchanged row (``skip_row``).
    _values_before: list | None = None
    # A preview whose rows past the first PREVIEW_ROWS are not compared (``import_row``).
    _capped_preview = False

    def import_data(self, dataset, dry_run=False, **kwargs):
        self._capped_preview = False
        if not self._has_many_to_many():
            # Only a preview shows rows' changes, and only its first PREVIEW_ROWS rows'
            # (``import_row``): a confirmed import neither writes them out nor keeps a copy of
            # each instance to compare with; it compares the values of the import fields
            # before and after, to skip unchanged rows (``skip_row``).
            self._meta = copy(self._meta)
            self._meta.skip_html_diff = self._meta.skip_diff = not dry_run
            self._capped_preview = dry_run
        self._import_fields = None
        try:
            return super().import_data(dataset, dry_run=dry_run, **kwargs)
        finally:
            self._import_fields = None

    def get_result_class(self):
        return ImportResult

    def import_row(self, row, instance_loader, **kwargs):
        if self._capped_preview and kwargs.get("row_number") == PREVIEW_ROWS + 1:
            # The preview's page shows the first rows' changes (when no row is refused, the
            # rows it shows are these); the rest are checked alike and counted, not compared.
            self._meta.skip_html_diff = self._meta.skip_diff = True
        return super().import_row(row, instance_loader, **kwargs)

    def _has_many_to_many(self) -> bool:
        return any(isinstance(field.widget, widgets.ManyToManyWidget)
                   for field in self.fields.values())

    def get_import_fields(self):
        # The same for every row of a file: worked out once per import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if self._meta.skip_diff:
            self._values_before = [field.get_value(instance)
                                   for field in self.get_import_fields()]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_diff:
            return super().skip_row(instance, original, row, import_validation_errors)
        # What the comparison with a copy of the instance would say (without many-to-many
        # fields: those imports keep the copy).
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        return all(field.get_value(instance) == before for field, before
                   in zip(self.get_import_fields(), self._values_before, strict=True))

    # With ``use_bulk`` (see ``Meta``), rows are saved a batch at a time, with their audit
    # history as a save would write it (new rows' history copied by the database: core/history).
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                create_with_history(self.create_instances, self._meta.model,
                                    batch_size=batch_size, user=self.user)
            except Exception as error:  # reported as the import's error, like a row's save
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        if self.update_instances and (using_transactions or not dry_run):
            now = timezone.now()
            for instance in self.update_instances:
                instance.updated_at = now  # what auto_now does on save()
            try:
                bulk_update_with_history(self.update_instances, self._meta.model,
                                         self.get_bulk_update_fields(), batch_size=batch_size,
                                         default_user=self.user)
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def get_bulk_update_fields(self):
        # Every column a save would write, the import key included (a row matched another way
        # may change it), and the time of the change.
        return [field.attribute for field in self.fields.values()
                if field.attribute and not field.readonly] + ["updated_at"]

    @staticmethod
    def export_path(field) -> str | None:
        """What the export of ``field`` reads from a row: the field's attribute, and for a
        related row the field its widget shows (``community`` -> ``community__code``). Only
        these are read (``values_plan``): a ``dehydrate_<field>`` method may read its own
        field's attribute, nothing else of the row."""
        if not field.attribute:
            return None
        shown = getattr(field.widget, "field", None)
        if isinstance(field.widget, widgets.ForeignKeyWidget) and shown:
            return f"{field.attribute}__{shown}"
        return field.attribute

    @classmethod
    def export_paths(cls, fields) -> list[str]:
        return [path for path in map(cls.export_path, fields) if path]

    def export_rows(self, queryset, *, selected_fields=None, **kwargs) -> Iterator[list]:
        """The export of ``queryset`` row by row, in its order: the header, then each row as
        ``export()`` would write it (the same fields, dehydrate methods, widgets and hooks). The
        rows are read ``CHUNK_ROWS`` at a time with the joins the columns need
        (``export_paths``), so the number of queries does not depend on the number of rows.

        When every column reads a plain value (``values_plan``), each cell is that value as its
        widget renders it (``value_renderer``: the same result, without the per-cell lookups of
        ``export_field``); a column with a ``dehydrate_<field>`` method is given the row as a
        light object."""
        self.before_export(queryset, **kwargs)
        queryset = self.filter_export(queryset, **kwargs)
        fields = self.get_export_fields(selected_fields)
        yield [str(field.column_name) for field in fields]
        paths = [self.export_path(field) for field in fields]
        queryset = queryset.select_related(None).prefetch_related(None)
        plan = values_plan(queryset.model, [path for path in paths if path])
        if plan is None:
            # A column shows a row itself: its text may read more rows (a unit names its
            # building and community), which an unbuffered read in progress would not allow.
            for row in instance_rows(queryset, [p for p in paths if p], chunk_size=CHUNK_ROWS):
                yield [self.export_field(field, row, **kwargs) for field in fields]
            return
        with unbuffered_reads(queryset.db):
            columns = [self._export_column(field, path, plan, kwargs)
                       for field, path in zip(fields, paths, strict=True)]
            needs_row = any(column is None for column in columns)
            for values in plan.values(queryset, chunk_size=CHUNK_ROWS):
                row = plan.row(values) if needs_row else None
                yield [self.export_field(field, row, **kwargs) if column is None
                       else column(values) for field, column in zip(fields, columns, strict=True)]

    def _export_column(self, field, path, plan, kwargs):
        """The cell of ``field`` from a row's values (a function of them), or ``None`` when
        only ``export_field`` on the row can tell: a dehydrate method, a field or resource
        that exports its own way."""
        if (path is None or type(self).export_field is not resources.Resource.export_field
                or type(field).export is not Field.export
                or type(field).get_value is not Field.get_value):
            return None
        method = field.get_dehydrate_method(self.get_field_name(field))
        if callable(method) or getattr(self, method, None) is not None:
            return None
        index, widget = plan.index[path], field.widget
        if isinstance(widget, widgets.ForeignKeyWidget):
            if (type(widget).render is not widgets.ForeignKeyWidget.render or widget.key_is_id
                    or widget.use_natural_foreign_keys):
                return None
            # ``render`` of the related row: "" without one, else its field's value.
            related = plan.index[field.attribute]
            return lambda values: "" if values[related] is None else values[index]
        render = value_renderer(widget, **kwargs)
        return lambda values: render(values[index])
