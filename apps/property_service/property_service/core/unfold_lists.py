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
from django.utils.html import escape
from django.utils.safestring import mark_safe
from unfold import admin as unfold_admin
from unfold.templatetags import unfold_list

_build_headers = unfold_list.result_headers
_draw_label = unfold_list.display_for_label
_ATTR = "_property_service_result_headers"
# Labels are drawn from a few values (states, priorities, SLA states); the memo stays small,
# and is emptied should a list label free text.
_LABELS: dict = {}
_LABELS_MAX = 2048
_ROW_MARK = "__property_service_row__"
# The checkbox carries a translated label: one drawing per language.
_checkbox: dict[str, str] = {}


def result_headers_once(cl):
    headers = getattr(cl, _ATTR, None)
    if headers is None:
        headers = list(_build_headers(cl))
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


def install() -> None:
    unfold_list.result_headers = result_headers_once
    unfold_list.display_for_label = label_once
