"""Template tags of the lists of big tables."""

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode

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
