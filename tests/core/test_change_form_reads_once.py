"""A change page works out each read-only field once (core/unfold_forms.py and the read-only
value's template): the field built once, its contents drawn once; and the record is read with
the links its list reads with it, not one query a link."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.workorders.admin import WorkOrderAdmin
from unfold.fields import UnfoldAdminReadonlyField

from tests.factories.workorders import WorkOrderFactory


@pytest.fixture
def order(place_a):
    return WorkOrderFactory(community=place_a.community, unit=place_a.unit,
                            resident=place_a.resident, state="in_progress")


def _counted(monkeypatch, name):
    calls = []
    original = getattr(UnfoldAdminReadonlyField, name)

    def counted(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls.append(self.field["field"])
        return result

    monkeypatch.setattr(UnfoldAdminReadonlyField, name, counted)
    return calls


def test_each_read_only_field_is_built_and_drawn_once(client, make_staff, order, monkeypatch):
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    built = _counted(monkeypatch, "__init__")
    drawn = _counted(monkeypatch, "contents")
    response = client.get(f"/admin/property_service/workorder/{order.pk}/change/")
    assert response.status_code == 200
    shown = set(drawn)
    assert {"number", "state", "team", "reported_at"} <= shown
    assert sorted(drawn) == sorted(shown), "a read-only value drawn more than once"
    # The order's own fields (an inline's are built for each of its forms, the blank one too).
    built = [name for name in built if name in WorkOrderAdmin.change_fields]
    assert len(built) > 20
    assert sorted(built) == sorted(set(built)), "a read-only field built more than once"
    # The values are still there: the team, linked to its record, and the order's number.
    page = response.content.decode()
    assert order.number in page and order.team.name in page
    assert f"/admin/property_service/team/{order.team.pk}/change/" in page


def test_the_change_page_reads_the_orders_links_with_it(client, make_staff, order):
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/property_service/workorder/{order.pk}/change/")
    assert response.status_code == 200
    alone = [q["sql"] for q in queries.captured_queries
             if q["sql"].lstrip().startswith("SELECT") and any(
                 f'FROM "property_service_{table}" WHERE' in q["sql"].replace("`", '"')
                 for table in ("team", "workordercategory", "building"))]
    assert alone == []


def test_each_rows_classes_are_unfolds(client, make_staff, order):
    """The row classes worked out without walking the line are unfold's own, for every line
    of the order's change form and of its inline."""
    from django.template import Context
    from property_service.core import unfold_forms

    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    response = client.get(f"/admin/property_service/workorder/{order.pk}/change/")
    context = next(c for c in response.context if "adminform" in c).flatten()
    compared = 0
    for fieldset in context["adminform"]:
        for line in fieldset:
            drawn = Context({**context, "line": line})
            assert set(unfold_forms.fieldset_row_classes(drawn).split()) == set(
                unfold_forms._row_classes(drawn).split())
            compared += 1
    assert compared > 20
