from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from ..core.params import parse_id


class IdCursorPagination(CursorPagination):
    """Keyset pagination, newest first: deep pages cost the same as the first one."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        # A cursor is only base64 the client can forge: its position must be an id (the
        # ordering's key), or the query it reaches fails.
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None \
                and parse_id(cursor.position) is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor


class IdsFirstCursorPagination(IdCursorPagination):
    """For big tables: the page's ids are chosen first (one query over the table's own
    index), then only those rows are read with their joins and prefetches, so the big table
    drives the join whatever the optimizer would start from."""

    def paginate_queryset(self, queryset, request, view=None):
        ids = super().paginate_queryset(
            queryset.prefetch_related(None).select_related(None).values("id"), request, view)
        if ids is None:
            return None
        rows = {row.pk: row for row in queryset.filter(pk__in=[each["id"] for each in ids])}
        self.page = [rows[each["id"]] for each in ids if each["id"] in rows]
        return self.page
