"""Base classes of every back-office page: unfold theme, audit history, row-level scope."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters, ShowFacets
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import connection
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.signals import post_export
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm
from unfold.decorators import display
from unfold.views import ChangeList

from ..access.roles import may_export
from ..access.scoping import COMPANY_RULE_REFUSED, is_community_bound, may_write, scope
from .display import StaffChoiceField
from .errors import ActionError, ConcurrentChange
from .exports import csv_response, xlsx_response
from .files import file_response
from .lists import CappedPaginator, rows_by_ids_first
from .params import MAX_ID, BadParameter, parse_id, parse_int
from .replica import reading_replica, replica_rows
from .resources import cycle_collector_paused
from .spreadsheets import ParsedOnceXLSX
from .unfold_lists import row_checkbox
from .versions import FORM_FIELD, ensure_unchanged, version_token


def shown_with_links(queryset):
    """``queryset`` reading with its rows the links their names read: a model's ``shown_with``
    (a unit is named with its building and community)."""
    links = getattr(queryset.model, "shown_with", ())
    return queryset.select_related(*links) if links else queryset


class ScopedFieldsMixin:
    """Choices of foreign keys (dropdowns, autocompletes, inlines) only offer, and only accept,
    rows of the user's communities; each is read with the links its name reads."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        related = db_field.remote_field.model
        if is_community_bound(related) or getattr(related, "shown_with", ()):
            if queryset is None:
                queryset = related._default_manager.using(db)
            if is_community_bound(related):
                queryset = scope(queryset, request.user)
            queryset = shown_with_links(queryset)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A choice of staff shows each by name (an autocomplete's chosen one too).
        if db_field.remote_field.model is get_user_model() and \
                db_field.name not in self.raw_id_fields:
            kwargs.setdefault("form_class", StaffChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UnchangedSinceShownForm:
    """Mixed into a change form: saving is refused if the record changed since the form was
    shown (the row stays locked from this check until the save)."""

    def clean(self):
        cleaned = super().clean()
        try:
            ensure_unchanged(self.instance, self.data.get(FORM_FIELD))
        except ConcurrentChange as error:
            raise ValidationError(error.message, code="changed") from None
        return cleaned


class CompanyRuleForm:
    """Mixed into the form of a model whose rows may serve every community: a user limited to
    some communities cannot save a row into one that does (``may_write``)."""

    scope_user = None

    def _post_clean(self):
        super()._post_clean()
        if not may_write(self.scope_user, self.instance):
            path = self._meta.model.community_path
            self.add_error(path if path in self.fields else None, COMPANY_RULE_REFUSED)


# Lookups whose value is compared as a number with the field's own type.
NUMERIC_LOOKUPS = {"exact", "in", "gt", "gte", "lt", "lte"}


# Parts of a date a filter may compare (``reported_at__year=2026``), and their ranges.
DATE_PARTS = {"year": (datetime.MINYEAR, datetime.MAXYEAR),
              "iso_year": (datetime.MINYEAR, datetime.MAXYEAR), "quarter": (1, 4),
              "month": (1, 12), "week": (1, 53), "day": (1, 31), "week_day": (1, 7),
              "iso_week_day": (1, 7), "hour": (0, 23), "minute": (0, 59), "second": (0, 59)}


def _field(model, parts):
    try:
        return get_fields_from_path(model, LOOKUP_SEP.join(parts))[-1]
    except (FieldDoesNotExist, NotRelationField):
        return None


def integer_range(model, key: str) -> tuple[int, int] | None:
    """The whole numbers a list filter ``key`` may compare with: those the integer column
    holds (``unit``, ``unit__id__exact``, ``id__in``) or a part of a date holds
    (``reported_at__year``); None if it compares something else."""
    parts = key.split(LOOKUP_SEP)
    if len(parts) > 1 and parts[-1] in NUMERIC_LOOKUPS:
        parts = parts[:-1]
    field = _field(model, parts)
    if field is None:
        if len(parts) > 1 and parts[-1] in DATE_PARTS and _field(model, parts[:-1]):
            return DATE_PARTS[parts[-1]]
        return None  # not a plain field (isnull, a custom filter...): the list checks it
    if field.is_relation:
        field = getattr(field, "target_field", None) or field.related_model._meta.pk
    low, high = connection.ops.integer_field_ranges.get(field.get_internal_type(), (None, None))
    if low is None and high is None:
        return None
    return (-MAX_ID if low is None else low, MAX_ID if high is None else high)


class CheckedChangeList(ChangeList):
    """A list (or its export) whose filters in the query string are checked before any query:
    a number the column cannot hold, text for an id, or an unknown lookup is a 400 that says
    so (instead of a 500, or Django's "database error" page)."""

    def __init__(self, *args, **kwargs):
        try:
            super().__init__(*args, **kwargs)
        except IncorrectLookupParameters:
            raise BadParameter("", _("This list cannot be filtered that way: a filter in the "
                                     "address is unknown or has a wrong value.")) from None

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        for key, values in lookup_params.items():
            bounds = integer_range(self.model, key)
            if bounds is None:
                continue
            for value in values:
                for part in (value.split(",") if key.endswith("__in") else [value]):
                    if parse_int(part, minimum=bounds[0], maximum=bounds[1]) is None:
                        raise BadParameter(key, _("“%(value)s” is not a valid value for the "
                                                  "filter “%(name)s”.")
                                           % {"value": part[:30], "name": key})
        return lookup_params


class CheckedListsMixin:
    """Mixed into every model admin: its lists use ``CheckedChangeList``."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList


MAX_PAGE = 1_000_000


class BigTableChangeList(CheckedChangeList):
    """A list of a big table: even a list that fits on one page (or "show all") reads its rows
    by their ids first, so that the big table drives the join."""

    def get_results(self, request):
        super().get_results(request)
        if self.show_all:
            self.result_list = rows_by_ids_first(self.queryset, 0, self.list_max_show_all)
        elif not self.multi_page:
            # Read as its paginator reads any page: the same queries for one page or many.
            self.result_list = self.paginator.page(1).object_list
        if self.model_admin.list_row_fields:
            self.result_list = self.result_list.only(*self.model_admin.list_row_fields)


class BigTableListMixin:
    """For the lists of tables that grow to millions of rows: the count stops at a cap
    (``LIST_COUNT_CAP``, shown as "1,000+"), a page's ids come from an index first, no filter
    counts its choices (facets), and the date drill-down probes indexed ranges
    (``property_service/admin/big_change_list.html``)."""

    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    change_list_template = "property_service/admin/big_change_list.html"
    # The columns the list's cells read (``only``), related ones by their path; empty: every
    # column of the row and of its ``list_select_related`` links. A page's rows are read with
    # these alone: the rest (a work order's dozen timestamps, a user's password hash) would be
    # converted and set on fifty model instances only to be thrown away.
    list_row_fields: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        return BigTableChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0,
                      allow_empty_first_page=True):
        return CappedPaginator(queryset, per_page, orphans, allow_empty_first_page,
                               page_hint=parse_int(request.GET.get(PAGE_VAR), minimum=1,
                                                   maximum=MAX_PAGE) or 1)


class ScopedAdmin(CheckedListsMixin, ScopedFieldsMixin, ModelAdmin):
    """Lists, pages, search, autocomplete and exports limited by ``scope``; a change form saves
    only over the version it showed. Company rules (``may_write``) are read-only to users
    limited to some communities."""

    def action_checkbox(self, obj):
        return row_checkbox(obj.pk)

    action_checkbox.short_description = ModelAdmin.action_checkbox.short_description

    list_per_page = 50
    # Counting a whole table on every list page is the first thing that gets slow.
    show_full_result_count = False
    warn_unsaved_form = True
    change_form_template = "property_service/admin/change_form.html"

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def get_object(self, request, object_id, from_field=None):
        """The record, read for a page that shows it (GET) with the links its list reads with
        it (``list_select_related``): a change form shows them too, each else one query."""
        if request.method not in ("GET", "HEAD") or from_field is not None or \
                not isinstance(self.list_select_related, (list, tuple)) or \
                not self.list_select_related:
            return super().get_object(request, object_id, from_field)
        queryset = self.get_queryset(request).select_related(*self.list_select_related)
        try:
            return queryset.get(pk=self.model._meta.pk.to_python(object_id))
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def has_add_permission(self, request):
        return super().has_add_permission(request) and may_write(request.user, model=self.model)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            may_write(request.user, obj) if obj is not None
            else may_write(request.user, model=self.model))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            may_write(request.user, obj) if obj is not None
            else may_write(request.user, model=self.model))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(self.model, "community_optional", False):
            form = type(form.__name__, (CompanyRuleForm, form), {"scope_user": request.user})
        if obj is None or not version_token(obj):
            return form
        return type(form.__name__, (UnchangedSinceShownForm, form), {})

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            # A form shown again with errors keeps the version it was first shown with.
            context["record_version"] = request.POST.get(FORM_FIELD) or version_token(obj)
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)


class WorkflowActionsMixin:
    """Action buttons on a form post to ``<id>/act/``; ``perform_action`` calls the domain's
    service, and the page reports what the service said (``ActionError`` messages)."""

    action_form_class = None  # a Form with the fields any action may need

    def get_urls(self):
        opts = self.model._meta
        return [path("<int:object_id>/act/", self.admin_site.admin_view(self.act_view),
                     name=f"{opts.app_label}_{opts.model_name}_act")] + super().get_urls()

    def perform_action(self, user, obj, data):
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform_action()")

    def act_view(self, request, object_id):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        opts = self.model._meta
        back = redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                                args=[obj.pk]))
        if request.method != "POST":
            return back
        form = self.action_form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{k}: {' '.join(v)}"
                                              for k, v in form.errors.items()))
            return back
        try:
            self.perform_action(request.user, obj, form.cleaned_data)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Done."))
        return back


class ReadOnlyAdmin(ScopedAdmin):
    """Logs and messages: listed and read, never added, edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledChanges(HistoricalRecordContextHelper):
    """A history page's changes as people read them: a choice's label, not its code ("已派单",
    not "dispatched"), yes or no, and a dash for nothing."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return super().prepare_delta_change_value(change, value)


class BaseAdmin(SimpleHistoryAdmin, ScopedAdmin):
    """Every domain model's admin: scoped, with its audit history reachable from the form."""

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, page_obj, *args, **kwargs):
        super().set_history_delta_changes(request, page_obj, *args, **kwargs)
        for record in page_obj:
            # A change without a reason shows nothing (the page would print "None").
            if record.history_change_reason is None:
                record.history_change_reason = ""

    def _get_scoped_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def owned_file_response(self, request, rows, pk, *, owner: str, file_field: str):
        """Serve the file of one of ``rows`` (photos, attachments, documents) only if the user
        may see the record of this admin it belongs to (``owner``, the link's name)."""
        item = get_object_or_404(rows.filter(**{f"{owner}__in": self.get_queryset(request)}),
                                 pk=pk)
        if not self.has_view_permission(request, getattr(item, owner)):
            raise PermissionDenied
        return file_response(getattr(item, file_field))

    def history_view(self, request, object_id, extra_context=None):
        # simple-history falls back to the last historical copy for rows the queryset does not
        # return; that would show rows outside the user's communities.
        self._get_scoped_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._get_scoped_object_or_404(request, object_id)
        if parse_id(version_id) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id,
                                         extra_context=extra_context)


class RulesAdminMixin:
    """The admin of rules that deadlines are chased by (policies, standards, teams, calendars):
    once a record is saved (with its inlines) or deleted, each of ``after_change`` is called,
    so that the chasers look again at every record those rules apply to."""

    after_change: tuple = ()

    def _changed(self):
        for call in self.after_change:
            call()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._changed()


class ImportExportAdmin(BaseAdmin, ImportExportModelAdmin):
    """A model admin with Excel/CSV import and export through the same scope."""

    import_form_class = ImportForm
    export_form_class = ExportForm
    # As the settings' formats, in their order (a form names its format by its index).
    import_formats = (ParsedOnceXLSX, CSV)

    def has_export_permission(self, request):
        return may_export(request.user, self.model)

    def has_import_permission(self, request):
        # An import both adds and updates rows.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def import_action(self, request, **kwargs):
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        with cycle_collector_paused():
            return super().import_action(request, **kwargs)

    def process_import(self, request, **kwargs):
        with cycle_collector_paused():
            return super().process_import(request, **kwargs)

    def export_action(self, request):
        # The posted export, the list's own queries (its filters' choices) included, reads
        # from the replica when there is one (core/replica.py); the form itself from the primary.
        if request.method != "POST":
            return super().export_action(request)
        with reading_replica():
            return super().export_action(request)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        # The one place django-import-export turns the list's queryset into a file: here the
        # file is written row by row instead of from a dataset held in memory.
        if not self.has_export_permission(request):
            raise PermissionDenied
        if type(file_format) not in (XLSX, CSV):
            return super()._do_file_export(file_format, request, queryset, export_form)
        excel = type(file_format) is XLSX  # cells keep their types (dates, numbers)
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request, export_form=export_form,
                                              force_native_type=excel))
        # Read from the replica when there is one (core/replica.py), also while a CSV streams.
        rows = replica_rows(resource.export_rows(
            queryset, selected_fields=self.get_export_resource_fields_from_form(export_form),
            force_native_type=excel, export_form=export_form))
        filename = self.get_export_filename(request, queryset, file_format)
        if excel:
            response = xlsx_response(rows, filename=filename, title=self.opts.verbose_name_plural)
        else:
            response = csv_response(rows, filename=filename)
        post_export.send(sender=None, model=self.model)
        return response

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import must be all or nothing, like its preview.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between the preview and the confirmation.
            messages.error(request, _("Nothing was imported: some rows are no longer valid. "
                                      "Upload the file again to see which."))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_result(result, request)


class ParentReachMixin:
    """Rows edited inside a company rule's page (a calendar's days, a team's members) are as
    read-only as the rule itself."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None
                                                             or may_write(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None
                                                                or may_write(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None
                                                                or may_write(request.user, obj))


class InlineRowsMixin:
    """An inline's rows read with the links their names read (``shown_with``): each row is
    shown by its name, which else reads each link once a row."""

    def get_queryset(self, request):
        return shown_with_links(super().get_queryset(request))


class BaseTabularInline(InlineRowsMixin, ParentReachMixin, ScopedFieldsMixin, TabularInline):
    extra = 0
    show_change_link = True


class OwnedRowsInline(BaseTabularInline):
    """Rows that belong to their parent (photos, attachments): whoever may edit the parent may
    add and remove them, whoever may see it may see them; each row's file opens through the
    parent admin's ``file_view`` (which serves it with ``owned_file_response``)."""

    show_change_link = False
    file_view = ""  # the parent admin's URL name suffix, e.g. "attachment"
    readonly_fields = ["open_file", "uploaded_at"]

    @display(description=_("view"))
    def open_file(self, row):
        if not row.pk:
            return "—"
        opts = self.parent_model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{self.file_view}",
                      args=[row.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Open"))

    def _parent_perm(self, request, action: str) -> bool:
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")

    def has_view_permission(self, request, obj=None):
        return self._parent_perm(request, "view") or self._parent_perm(request, "change")

    def has_add_permission(self, request, obj=None):
        return self._parent_perm(request, "change")

    def has_change_permission(self, request, obj=None):
        return self._parent_perm(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._parent_perm(request, "change")


class BaseStackedInline(InlineRowsMixin, ParentReachMixin, ScopedFieldsMixin, StackedInline):
    extra = 0


def check_every_list(site) -> None:
    """Give every model admin of ``site`` (other apps' too) the checked lists."""
    for model_admin in site._registry.values():
        if not isinstance(model_admin, CheckedListsMixin):
            model_admin.__class__ = type(model_admin.__class__.__name__,
                                         (CheckedListsMixin, model_admin.__class__), {})
