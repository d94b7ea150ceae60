"""Template tags of the figures pages: their table rows, drawn in Python.

A company's year of complaint figures is 50 communities × 12 months, 600 rows of eight cells;
drawn by the template language that took about 150 ms, here a few. The markup is the pages'
own (a test draws the same rows both ways and compares them).
"""

import functools

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# The group's column of the repair figures' rows: the row's id and label keys.
DETAIL = {"team": ("team_id", "team"), "technician": ("technician_id", "technician")}


@register.simple_tag
def figure_rows(rows, group: str | None = None, subjects: bool = False) -> SafeString:
    """The table rows of the figures ``rows`` (each with its ``figures``): the community, the
    month, the team or technician of the ``group`` if it is one, what was received, each
    figure against its target and, with ``subjects``, the top subjects."""
    # What repeats from cell to cell is escaped and localized once.
    marks = {True: format_html(' <span class="text-green-600" title="{}">✓</span>',
                               gettext("target met")),
             False: format_html(' <span class="text-red-600" title="{}">✗</span>',
                                gettext("target missed")),
             None: ""}
    met_attributes = {True: ' data-met="yes"', False: ' data-met="no"', None: ""}
    none = escape(gettext("(none)"))
    local = functools.lru_cache(maxsize=None)(lambda value: escape(localize(value)))

    def cell(figure: dict) -> str:
        value = "—" if figure["value"] is None else local(figure["value"])
        target = ("" if figure["target"] is None else
                  f' <span class="text-xs text-base-500">/ {local(figure["target"])}</span>')
        return (f'<td class="px-3 py-2 text-right" data-figure="{local(figure["key"])}"'
                f'{met_attributes[figure["met"]]}>{value}{marks[figure["met"]]}{target}</td>')

    detail = DETAIL.get(group or "")
    drawn = []
    for row in rows:
        month = row["month"].strftime("%Y-%m")
        detail_attribute = detail_cell = ""
        if detail is not None:
            detail_id, label = row[detail[0]], row[detail[1]]
            detail_attribute = f' data-{group}="{"" if detail_id is None else local(detail_id)}"'
            detail_cell = (f'<td class="px-3 py-2">'
                           f'{none if label is None else escape(label)}</td>')
        top = ""
        if subjects:
            top = '<td class="px-3 py-2 text-sm">{}</td>'.format(", ".join(
                f"{escape(label)} ({local(n)})" for label, n in row["top_categories"]))
        drawn.append(
            f'<tr class="border-t border-base-200 dark:border-base-800" '
            f'data-community="{local(row["community_id"])}" data-month="{month}"'
            f'{detail_attribute}><td class="px-3 py-2">{escape(row["community"])}</td>'
            f'<td class="px-3 py-2">{month}</td>{detail_cell}'
            f'<td class="px-3 py-2 text-right">{local(row["received"])}</td>'
            f'{"".join(map(cell, row["figures"]))}{top}</tr>')
    return mark_safe("\n".join(drawn))  # noqa: S308 (every value above is escaped)
