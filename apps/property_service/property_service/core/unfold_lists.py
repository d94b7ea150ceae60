"""Rendering of admin lists: each column's header built once per list, not once per row, and
the cells that unfold draws through a template (labels, the row's checkbox) drawn once per
distinct value.

unfold's ``items_for_result`` rebuilds every column header (field inspection, sorting state and
three query strings per sortable column) for every row, only to read each header's text as the
cell's ``data-label``: on a 50-row page that is a quarter of the page's time. The headers of a
list do not change while it renders, so they are built on the first call and reused.
"""

from __future__ import annotations

from django.contrib.admin import helpers
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from unfold import admin as unfold_admin
from unfold import utils as unfold_utils
from unfold.sites import UnfoldAdminSite
from unfold.templatetags import unfold_list

_build_headers = unfold_list.result_headers
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


_build_app_list = UnfoldAdminSite.get_app_list


def app_list_when_read(site, request, app_label=None):
    """Django's list of every application and model, built only when a template reads it:
    every admin page puts it in its context for a sidebar, but the sidebar here is the work
    areas' (``workspace.navigation``), so on most pages nothing reads it."""
    return SimpleLazyObject(lambda: _build_app_list(site, request, app_label))


def install() -> None:
    UnfoldAdminSite.get_app_list = app_list_when_read
    unfold_list.result_headers = result_headers_once
    unfold_list.display_for_label = label_once
    unfold_utils._boolean_icon = boolean_once
    # unfold's list template asks every row for the admin's list sections (expandable rows);
    # an admin without any answers at once instead of through a failed attribute lookup.
    if not hasattr(unfold_admin.ModelAdmin, "list_sections"):
        unfold_admin.ModelAdmin.list_sections = ()
