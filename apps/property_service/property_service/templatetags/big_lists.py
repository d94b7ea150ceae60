"""Template tags of the lists of big tables."""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ..core.lists import ProbedDatesChangeList

register = template.Library()


def probed_date_hierarchy(cl):
    """Django's date drill-down, its years, months and days found by probing indexed ranges."""
    return date_hierarchy(ProbedDatesChangeList(cl))


@register.tag(name="probed_date_hierarchy")
def probed_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(parser, token, func=probed_date_hierarchy,
                              template_name="date_hierarchy.html", takes_context=False)


@register.inclusion_tag("property_service/admin/queue_tabs.html")
def queue_tabs(cl):
    """The list's queues as tabs (``core.filters.QueueFilter``), with the sizes its filter
    counted already: no query of its own."""
    for spec in cl.filter_specs:
        if hasattr(spec, "tabs"):
            return {"tabs": spec.tabs(cl)}
    return {"tabs": []}


_ROW_SHADES = ("", "bg-base-50 dark:bg-white/[.02]")


@register.simple_tag
def result_rows(results):
    """unfold's list rows (``admin/change_list_results.html``) in one piece: each row's
    cells, in a body shaded every other row, without a template rendered for each row."""
    rows = []
    for number, cells in enumerate(results):
        rows.append(
            f'<tbody class="block relative lg:table-row-group {_ROW_SHADES[number % 2]}" '
            'x-data="{rowOpen: false}" >'
            '<tr class="data-row block border border-base-200 mb-3 relative rounded-default '
            'lg:table-row lg:border-none lg:mb-0 lg:rounded-none dark:border-base-800">'
            f'{"".join(cells)}</tr></tbody>')
    return mark_safe("".join(rows))


_ENTRY_ACTIVE = ("bg-base-100 font-semibold text-primary-600 dark:bg-white/[.06] "
                 "dark:text-primary-500 active")


@register.simple_tag
def sidebar_entries(items):
    """The entries of a sidebar group as unfold draws them (``unfold/helpers/app_list.html``),
    in one piece; None when an entry needs unfold's own drawing (a badge, a link worked out
    when shown)."""
    drawn = []
    for item in items:
        if item.get("badge") or item.get("badge_callback") or item.get("link_callback"):
            return None
        if not item.get("has_permission"):
            continue
        icon = (f'<span class="material-symbols-outlined md-18 mr-3 w-[18px]">'
                f'{conditional_escape(item["icon"])}</span>' if item.get("icon") else "")
        drawn.append(
            f'<li><a href="{conditional_escape(item.get("link") or "")}" class="flex h-[38px] '
            "items-center -mx-3 px-3 rounded-default hover:text-primary-600 "
            f'dark:hover:text-primary-500 {_ENTRY_ACTIVE if item.get("active") else ""}">'
            f'{icon}<span>{item["title"]}</span></a></li>')
    return mark_safe("".join(drawn))


_CHOICE_CHOSEN = "font-semibold text-primary-600 dark:text-primary-500 "
_CHOICE_OTHER = "hover:text-base-700 dark:hover:text-base-200"
_CHOICE_ITEM = {
    True: ("basis-1/3 border-r border-base-200 grow truncate last:border-r-0 "
           "dark:border-base-700 ", "block py-2 text-center hover:text-primary-600 "
           "dark:hover:text-primary-500"),
    False: ("border-b border-base-200 last:border-b-0 dark:border-base-700 ",
            "block px-3 py-2 hover:text-primary-600 dark:hover:text-primary-500"),
}


@register.simple_tag
def filter_choice_items(choices, horizontal):
    """A list filter's choices as unfold draws them (``admin/filter.html``), in one piece:
    without the template's loop drawing each of a filter's 50 communities."""
    item_classes, link_classes = _CHOICE_ITEM[bool(horizontal)]
    drawn = []
    for choice in choices:
        display = conditional_escape(choice["display"])
        drawn.append(
            f'<li class="{item_classes}'
            f'{_CHOICE_CHOSEN if choice.get("selected") else _CHOICE_OTHER}">'
            f'<a href="{conditional_escape(iri_to_uri(choice["query_string"]))}" '
            f'title="{display}" class="{link_classes}">{display}</a></li>')
    return mark_safe("".join(drawn))
