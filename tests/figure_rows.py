"""The figures pages' rows as the template language drew them before they were drawn in
Python (``templatetags/figure_tables``): both drawings of the same rows must match."""

import re

from django.template import Context, Template
from property_service.templatetags.figure_tables import figure_rows

CELLS = """{% for figure in row.figures %}
        <td class="px-3 py-2 text-right" data-figure="{{ figure.key }}"{% if figure.met is not None %} data-met="{{ figure.met|yesno:'yes,no' }}"{% endif %}>
          {% if figure.value is None %}—{% else %}{{ figure.value }}{% endif %}
          {% if figure.met is True %}<span class="text-green-600" title="{% trans 'target met' %}">✓</span>{% elif figure.met is False %}<span class="text-red-600" title="{% trans 'target missed' %}">✗</span>{% endif %}
          {% if figure.target is not None %}<span class="text-xs text-base-500">/ {{ figure.target }}</span>{% endif %}
        </td>
        {% endfor %}"""  # noqa: E501

COMPLAINT_ROWS = """{% load i18n %}{% for row in rows %}
      <tr class="border-t border-base-200 dark:border-base-800" data-community="{{ row.community_id }}" data-month="{{ row.month|date:'Y-m' }}">
        <td class="px-3 py-2">{{ row.community }}</td>
        <td class="px-3 py-2">{{ row.month|date:"Y-m" }}</td>
        <td class="px-3 py-2 text-right">{{ row.received }}</td>
        """ + CELLS + """
        <td class="px-3 py-2 text-sm">{% for label, count in row.top_categories %}{{ label }} ({{ count }}){% if not forloop.last %}, {% endif %}{% endfor %}</td>
      </tr>
      {% endfor %}"""  # noqa: E501

WORK_ORDER_ROWS = """{% load i18n %}{% for row in rows %}
      <tr class="border-t border-base-200 dark:border-base-800" data-community="{{ row.community_id }}" data-month="{{ row.month|date:'Y-m' }}"{% if selected.group == "team" %} data-team="{{ row.team_id|default_if_none:'' }}"{% elif selected.group == "technician" %} data-technician="{{ row.technician_id|default_if_none:'' }}"{% endif %}>
        <td class="px-3 py-2">{{ row.community }}</td>
        <td class="px-3 py-2">{{ row.month|date:"Y-m" }}</td>
        {% if selected.group == "team" %}<td class="px-3 py-2">{{ row.team|default_if_none:_("(none)") }}</td>{% elif selected.group == "technician" %}<td class="px-3 py-2">{{ row.technician|default_if_none:_("(none)") }}</td>{% endif %}
        <td class="px-3 py-2 text-right">{{ row.received }}</td>
        """ + CELLS + """
      </tr>
      {% endfor %}"""  # noqa: E501


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*(<[^>]+>)\s*", r"\1", html)).strip()


def assert_drawn_alike(rows, group=None):
    """The rows drawn by the template language and by ``figure_rows`` are the same HTML (but
    for the whitespace between tags)."""
    if group is None:
        template, drawn = COMPLAINT_ROWS, figure_rows(rows, subjects=True)
    else:
        template, drawn = WORK_ORDER_ROWS, figure_rows(rows, group)
    expected = Template(template).render(Context({"rows": rows, "selected": {"group": group}}))
    assert _plain(drawn) == _plain(expected)
    assert rows and "<tr" in drawn
