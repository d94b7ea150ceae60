"""Rendering of admin lists: each column's header built once per list, not once per row, the
cells that unfold draws through a template (labels, the row's checkbox) drawn once per distinct
value, and each column's way to its value and its cell's markup decided once per list.

unfold's ``items_for_result`` rebuilds every column header (field inspection, sorting state and
three query strings per sortable column) for every row, only to read each header's text as the
cell's ``data-label``: on a 50-row page that is a quarter of the page's time. The headers of a
list do not change while it renders, so they are built on the first call and reused.
"""

from __future__ import annotations

import datetime
import inspect

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import FieldIsAForeignKeyColumnName, _get_non_gfk_field
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from unfold import admin as unfold_admin
from unfold import utils as unfold_utils
from unfold.sites import UnfoldAdminSite
from unfold.templatetags import unfold_list

_build_headers = unfold_list.result_headers
_draw_cells = unfold_list.items_for_result
_draw_boolean = unfold_utils._boolean_icon
_draw_label = unfold_list.display_for_label
_ATTR = "_property_service_result_headers"
# Labels are drawn from a few values (states, priorities, SLA states); the memo stays small,
# and is emptied should a list label free text.
_LABELS: dict = {}
_LABELS_MAX = 2048
_ROW_MARK = "__property_service_row__"
# The checkbox carries a translated label: one drawing per language.
_checkbox: dict[str, str] = {}
# A yes/no/unknown icon: three drawings per language.
_booleans: dict[tuple, str] = {}


def result_headers_once(cl):
    headers = getattr(cl, _ATTR, None)
    if headers is None:
        headers = list(_build_headers(cl))
        for header in headers:
            # Each row's cells repeat the header's text (a lazy translation): drawn once.
            header["text"] = str(header["text"])
        setattr(cl, _ATTR, headers)
    return iter(headers)


def label_once(value, empty_value_display, label):
    """unfold's ``display_for_label``, drawn once per value: its output depends only on its
    arguments (the label's text arrives translated)."""
    try:
        key = (id(label) if isinstance(label, dict) else label, value, empty_value_display,
               translation.get_language())
        drawn = _LABELS.get(key)
    except TypeError:  # a value that cannot be a key is drawn every time
        return _draw_label(value, empty_value_display, label)
    if drawn is None:
        if len(_LABELS) >= _LABELS_MAX:
            _LABELS.clear()
        # The label dicts are the admins' own (class attributes): their ids stay theirs.
        drawn = _LABELS[key] = _draw_label(value, empty_value_display, label)
    return drawn


def row_checkbox(pk) -> str:
    """The row's selection checkbox as unfold draws it (its widget through a template), drawn
    once per language and filled in with each row's key."""
    language = translation.get_language()
    drawn = _checkbox.get(language)
    if drawn is None:
        drawn = _checkbox[language] = unfold_admin.checkbox.render(helpers.ACTION_CHECKBOX_NAME,
                                                                   _ROW_MARK)
    return mark_safe(drawn.replace(_ROW_MARK, escape(str(pk))))


def boolean_once(value) -> str:
    """unfold's yes/no/unknown icon (a template) drawn once per kind and language."""
    kind = None if value is None or value == "" else bool(value)
    key = (kind, translation.get_language())
    drawn = _booleans.get(key)
    if drawn is None:
        drawn = _booleans[key] = _draw_boolean(value)
    return drawn


# -- a list's cells, planned once per list --------------------------------------------------

# Stands for the row's key in the change link drawn once per list (letters only: the admin's
# quoting and the URL's escaping leave it as it is).
_PK_MARK = "PSROWKEY"
_PLAN = "_property_service_cell_plan"
_DATES = (datetime.date, datetime.time)
_NOWRAP_FIELDS = (models.DateField, models.TimeField, models.ForeignKey)
_LINK_CLASSES = " ".join(unfold_list.LINK_CLASSES)


class Unplanned(Exception):
    """A column (or list) drawn by unfold itself: a model attribute or a path looked up per
    row, list-like choices, an editable or popup list, a sortable one."""


class _Column:
    """How one column of a list reaches its value and draws its cell: what unfold's
    ``items_for_result`` works out again for every cell, worked out once."""

    __slots__ = ("name", "field", "attr", "empty", "style", "choices", "fk", "open",
                 "open_nowrap", "close", "link", "nowrap")

    def __init__(self, cl, index: int, name, label: str, empty: str, link: bool):
        model_admin = cl.model_admin
        self.name, self.link = name, link
        self.field = self.attr = self.choices = None
        self.fk = False
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
            if callable(name):
                self.attr = name
            elif hasattr(model_admin, name) and name != "__str__":
                self.attr = getattr(model_admin, name)
            else:  # the model's method or property: its markers are the class attribute's
                self.attr = getattr(cl.model, name, None)
                if not inspect.isfunction(self.attr) and not isinstance(self.attr, property):
                    raise Unplanned(name) from None
        if field is not None and not field.auto_created:
            self.style, self.field = "field", field
            self.fk = isinstance(field.remote_field, models.ManyToOneRel)
            if getattr(field, "flatchoices", None):
                try:
                    self.choices = dict(field.flatchoices)
                except TypeError:
                    raise Unplanned(name) from None
        else:  # a method of the admin, a callable, or an automatic key
            self.style = "value"
        self.empty = getattr(self.attr, "empty_value_display", empty)
        classes = [f"field-{_coerce_field_name(name, index)}", *unfold_list.ROW_CLASSES]
        if name == "action_checkbox" and self.style == "value":
            classes = list(unfold_list.CHECKBOX_CLASSES)
        tag = "th" if link == "first" else "td"
        label = conditional_escape(label)
        self.open = f'<{tag} class="{" ".join(classes)}" data-label="{label}">'
        self.open_nowrap = f'<{tag} class="{" ".join([*classes, "nowrap"])}" data-label="{label}">'
        self.close = f"</{tag}>"
        # A date, time or related field's cell does not wrap; a value's when it is a date.
        self.nowrap = self.style == "field" and isinstance(field, _NOWRAP_FIELDS)

    def shown(self, result):
        """The cell's content and whether it must not wrap (a date)."""
        if self.style == "field":
            field = self.field
            if self.fk:
                shown = getattr(result, field.name)
                return (self.empty if shown is None else shown), self.nowrap
            value = getattr(result, field.attname)
            if self.choices is not None:
                try:
                    return self.choices.get(value, self.empty), self.nowrap
                except TypeError:  # a value that cannot be a key: unfold's own way
                    pass
            return unfold_list.display_for_field(value, field, self.empty), self.nowrap
        attr = self.attr
        if attr is None:
            value = getattr(result, self.name)
            shown = unfold_list.display_for_value(value, self.empty, False)
            return shown, isinstance(value, _DATES)
        if isinstance(attr, property):
            value = getattr(result, self.name)
            if callable(value):  # a property that hands out a method: called, as the admin does
                value = value()
        else:  # the admin's method, a callable, or the model's method (bound to the row)
            value = attr(result)
        if getattr(attr, "label", False):
            shown = unfold_list.display_for_label(value, self.empty, attr.label)
        elif getattr(attr, "dropdown", False):
            shown = unfold_list.display_for_dropdown(result, self.name, value, self.empty)
        elif getattr(attr, "header", False):
            shown = unfold_list.display_for_header(value, self.empty)
        else:
            shown = unfold_list.display_for_value(value, self.empty, getattr(attr, "boolean",
                                                                             False))
        return shown, isinstance(value, _DATES)


class _Plan:
    """A list's columns and its change link, drawn with a stand-in key once per list."""

    def __init__(self, cl):
        model_admin = cl.model_admin
        if cl.is_popup or cl.to_field or getattr(model_admin, "ordering_field", None):
            raise Unplanned("list")
        empty = model_admin.get_empty_value_display()
        headers = list(unfold_list.result_headers(cl))
        links = cl.list_display_links
        columns, first = [], True
        for index, name in enumerate(cl.list_display):
            link = links is not None and ((first and not links) or name in links)
            if link:
                link, first = ("first" if first else True), False
            label = headers[index]["text"] if index or link else str(unfold_list._("Select "
                                                                                     "record"))
            columns.append(_Column(cl, index, name, label, empty, link))
        self.columns, self.empty = columns, empty
        self.pk = cl.lookup_opts.pk.attname
        try:
            url = reverse(f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
                          args=(_PK_MARK,), current_app=model_admin.admin_site.name)
        except NoReverseMatch:
            self.url = None
        else:
            url = escape(add_preserved_filters({"preserved_filters": cl.preserved_filters,
                                                "opts": cl.opts}, url))
            path, mark, query = url.partition("?")
            self.url = (path.split(_PK_MARK), mark + query)

    def link(self, pk) -> str:
        (before, *after), query = self.url
        if len(after) != 1 or not isinstance(pk, int):
            raise Unplanned("key")
        return f"{before}{pk}{after[0]}{query}"

    def cells(self, cl, result):
        for column in self.columns:
            try:
                shown, nowrap = column.shown(result)
            except ObjectDoesNotExist:
                shown, nowrap = self.empty, False
            shown = conditional_escape(shown)
            if column.link and self.url is not None:
                shown = (f'<a href="{self.link(getattr(result, self.pk))}" '
                         f'class="{_LINK_CLASSES}" >{shown}</a>')
            yield mark_safe(f"{column.open_nowrap if nowrap else column.open}{shown}"
                            f"{column.close}")


def cells_planned(cl, result, form):
    """unfold's ``items_for_result`` with the list's columns planned once (``_Plan``); a list
    the plan does not cover, or an editable row, is drawn by unfold's own."""
    plan = cl.__dict__.get(_PLAN)
    if plan is None and _PLAN not in cl.__dict__:
        try:
            plan = _Plan(cl)
        except Unplanned:
            plan = None
        cl.__dict__[_PLAN] = plan
    if plan is None or form is not None:
        return _draw_cells(cl, result, form)
    try:
        return list(plan.cells(cl, result))
    except Unplanned:
        cl.__dict__[_PLAN] = None
        return _draw_cells(cl, result, form)


_build_app_list = UnfoldAdminSite.get_app_list


def app_list_when_read(site, request, app_label=None):
    """Django's list of every application and model, built only when a template reads it
    (once a request): every admin page puts it in its context for a sidebar, but the sidebar
    here is the work areas' (``workspace.navigation``), so on most pages nothing reads it."""
    memo = request.__dict__.setdefault("_property_service_app_lists", {})
    if app_label not in memo:
        memo[app_label] = SimpleLazyObject(lambda: _build_app_list(site, request, app_label))
    return memo[app_label]


def install() -> None:
    UnfoldAdminSite.get_app_list = app_list_when_read
    unfold_list.result_headers = result_headers_once
    unfold_list.items_for_result = cells_planned
    unfold_list.display_for_label = label_once
    unfold_utils._boolean_icon = boolean_once
    # unfold's list template asks every row for the admin's list sections (expandable rows);
    # an admin without any answers at once instead of through a failed attribute lookup.
    if not hasattr(unfold_admin.ModelAdmin, "list_sections"):
        unfold_admin.ModelAdmin.list_sections = ()
