from django.contrib import admin
from django.db.models import ForeignKey

from ..access.scoping import scope


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
