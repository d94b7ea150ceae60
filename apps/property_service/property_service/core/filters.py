from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import ForeignKey, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access.scoping import scope
from .lists import count_cap, count_label, queue_counts


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-object list filter that only lists rows of the user's communities."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        queryset = scope(model._default_manager.all(), request.user)
        to_one = [f.name for f in model._meta.fields if isinstance(f, ForeignKey)]
        if to_one:
            queryset = queryset.select_related(*to_one)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class QueueFilter(admin.SimpleListFilter):
    """The queues staff work from, each with its size: shown as tabs above the list
    (``queue_tabs``) and among the filters. The sizes are counted once per page, for both.

    Made for a list by ``queue_filter(conditions)``: ``conditions(user, now)`` -> name ->
    (label, condition on the list's model), the domain's own selector."""

    title = _("queue")
    parameter_name = "queue"
    conditions_of: Callable[[object, datetime.datetime], dict[str, tuple[str, Q]]]

    def __init__(self, request, params, model, model_admin):
        # One clock and one reading of the user's teams for the counts and the filter.
        self.conditions = type(self).conditions_of(request.user, timezone.now())
        self.cap = count_cap()
        self.counts = queue_counts(model_admin.get_queryset(request), self.conditions, self.cap)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(name, f"{label} ({count_label(self.counts[name], self.cap)})")
                for name, (label, _cond) in self.conditions.items()]

    def queryset(self, request, queryset):
        if self.value() in self.conditions:
            return queryset.filter(self.conditions[self.value()][1])
        return queryset

    def tabs(self, changelist) -> list[dict]:
        """The tabs: "All", then each queue with its size; each keeps the list's other filters
        and search, and starts again on the first page."""
        current = self.value() if self.value() in self.conditions else None
        tabs = [{"name": "", "title": _("All"), "count": "", "active": current is None,
                 "link": changelist.get_query_string({self.parameter_name: None, PAGE_VAR: None})}]
        for name, (label, _cond) in self.conditions.items():
            tabs.append({
                "name": name, "title": label, "active": name == current,
                "count": count_label(self.counts[name], self.cap),
                "link": changelist.get_query_string({self.parameter_name: name, PAGE_VAR: None})})
        return tabs


def queue_filter(conditions: Callable[[object, datetime.datetime], dict[str, tuple[str, Q]]]):
    """The queue filter (and tabs) of a list whose queues ``conditions(user, now)`` gives."""
    return type("QueueFilter", (QueueFilter,), {"conditions_of": staticmethod(conditions)})
