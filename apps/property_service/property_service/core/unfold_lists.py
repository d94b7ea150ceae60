"""Rendering of admin lists: each column's header built once per list, not once per row.

unfold's ``items_for_result`` rebuilds every column header (field inspection, sorting state and
three query strings per sortable column) for every row, only to read each header's text as the
cell's ``data-label``: on a 50-row page that is a quarter of the page's time. The headers of a
list do not change while it renders, so they are built on the first call and reused.
"""

from __future__ import annotations

from unfold.templatetags import unfold_list

_build_headers = unfold_list.result_headers
_ATTR = "_property_service_result_headers"


def result_headers_once(cl):
    headers = getattr(cl, _ATTR, None)
    if headers is None:
        headers = list(_build_headers(cl))
        setattr(cl, _ATTR, headers)
    return iter(headers)


def install() -> None:
    unfold_list.result_headers = result_headers_once
