"""Exports of admin lists of any size: written row by row while they are read (a CSV is sent as
it is read), with the list's columns, masking, scope, filters and order, and a number of queries
that does not depend on the number of rows."""

import csv
import datetime
import io
import itertools

import pytest
from django.contrib.admin import site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from import_export import fields
from import_export.formats.base_formats import CSV, XLSX
from property_service.core import personal_data
from property_service.core import resources as core_resources
from property_service.core.models import PersonalDataAccess
from property_service.registry.models import Resident, Unit
from property_service.workorders.models import WorkOrder
from property_service.workorders.resources import WorkOrderResource

from tests.conftest import PHONE_A, PHONE_B
from tests.factories.registry import ResidentFactory, UnitFactory
from tests.factories.workorders import CategoryFactory, WorkOrderFactory
from tests.helpers import FORMATS, admin_url, export, xlsx_rows

UNIT_NUMBERS = itertools.count()
MODELS = {"workorder": WorkOrder, "resident": Resident, "unit": Unit}


@pytest.fixture
def small_chunks(monkeypatch):
    """Rows read three at a time, residents' reveals logged two at a time."""
    monkeypatch.setattr(core_resources, "CHUNK_ROWS", 3)
    monkeypatch.setattr(personal_data, "REVEAL_BATCH", 2)


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community])


@pytest.fixture
def category(db):
    return CategoryFactory()


def make_orders(place, category, count):
    """``count`` orders of ``place``, each reported an hour after the one before: the list shows
    the last made first."""
    start = timezone.now() - datetime.timedelta(days=30)
    return [WorkOrderFactory(unit=place.unit, category=category,
                             reported_at=start + datetime.timedelta(hours=n))
            for n in range(count)]


def make_rows(model, place, count, category):
    if model == "workorder":
        make_orders(place, category, count - 1)
        WorkOrderFactory(unit=None, community=place.community, category=category,
                         location="地下车库")  # an order of a common area: no unit
    elif model == "resident":
        for _ in range(count):
            ResidentFactory(community=place.community)
    else:
        for _ in range(count):
            UnitFactory(building=place.building, number=f"9{next(UNIT_NUMBERS):04d}")


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def dataset_export(user, model: str, file_format, query: str = "") -> bytes:
    """The file django-import-export writes from a dataset held in memory, for the same list."""
    model_admin = site._registry[MODELS[model]]
    request = RequestFactory().post(admin_url(model, "export") + query)
    request.user = user
    queryset = model_admin.get_export_queryset(request)
    resource = model_admin.get_export_resource_classes(request)[0](user=user)
    dataset = resource.export(queryset=queryset,
                              force_native_type=file_format is XLSX)
    return file_format().export_data(dataset)


@pytest.mark.parametrize("model, role", [("workorder", "CS Agent"),
                                         ("resident", "System Manager"),
                                         ("resident", "Front Desk"),
                                         ("unit", "Property Manager")])
def test_an_export_larger_than_a_chunk_is_the_file_the_dataset_export_writes(
        client, make_staff, place_a, place_b, category, small_chunks, model, role):
    user = make_staff(role, communities=[place_a.community])
    client.force_login(user)
    make_rows(model, place_a, 8, category)
    make_rows(model, place_b, 2, category)

    streamed = export(client, model, "csv")
    assert streamed.decode() == dataset_export(user, model, CSV)
    place_own_row = model != "workorder"  # place A's resident and unit
    assert len(csv_rows(streamed)) == 1 + 8 + place_own_row
    assert xlsx_rows(export(client, model, "xlsx")) == xlsx_rows(
        dataset_export(user, model, XLSX))


def test_an_export_has_every_order_in_the_lists_order(client, agent, place_a, category,
                                                      small_chunks):
    orders = make_orders(place_a, category, 10)
    client.force_login(agent)
    numbers = [row[0] for row in csv_rows(export(client, "workorder", "csv"))[1:]]
    assert numbers == [order.number for order in reversed(orders)]
    numbers = [row[0] for row in xlsx_rows(export(client, "workorder", "xlsx"))[1:]]
    assert numbers == [order.number for order in reversed(orders)]


def test_a_csv_export_is_read_while_it_is_sent(client, agent, place_a, category):
    orders = make_orders(place_a, category, 3)
    client.force_login(agent)
    response = client.post(admin_url("workorder", "export"), {"format": FORMATS["csv"]})
    assert response.streaming
    with CaptureQueriesContext(connection) as reading:
        content = b"".join(response.streaming_content).decode()
    assert any("property_service_workorder" in q["sql"] for q in reading.captured_queries)
    assert all(order.number in content for order in orders)


def export_queries(client, model, fmt) -> int:
    with CaptureQueriesContext(connection) as queries:
        export(client, model, fmt)
    return len(queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("model, role", [("workorder", "CS Agent"),
                                         ("resident", "System Manager"),
                                         ("resident", "Front Desk"),
                                         ("unit", "Property Manager")])
def test_the_queries_of_an_export_do_not_grow_with_its_rows(client, make_staff, place_a,
                                                             category, model, role, fmt):
    client.force_login(make_staff(role, communities=[place_a.community]))
    make_rows(model, place_a, 5, category)
    few = export_queries(client, model, fmt)
    make_rows(model, place_a, 45, category)
    assert export_queries(client, model, fmt) == few


def test_the_rows_of_an_export_are_read_with_the_joins_their_columns_need(agent, place_a,
                                                                          category):
    """Whatever joins the list itself makes: here none."""
    resource = WorkOrderResource(user=agent)
    make_orders(place_a, category, 5)
    with CaptureQueriesContext(connection) as few:
        list(resource.export_rows(WorkOrder.objects.order_by("pk"), force_native_type=True))
    make_orders(place_a, category, 45)
    with CaptureQueriesContext(connection) as many:
        rows = list(resource.export_rows(WorkOrder.objects.order_by("pk"),
                                         force_native_type=True))
    assert len(rows) == 51
    assert len(many) == len(few)
    assert rows[1][1:5] == ["AAA", place_a.building.name, place_a.unit.entrance, "301"]


def test_a_community_limited_user_exports_only_their_communities_orders(
        client, agent, place_a, place_b, category):
    mine, theirs = make_orders(place_a, category, 3), make_orders(place_b, category, 3)
    client.force_login(agent)
    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        numbers = {row[0] for row in read(export(client, "workorder", fmt))[1:]}
        assert numbers == {order.number for order in mine}
        assert not numbers & {order.number for order in theirs}


def test_an_export_holds_what_the_filtered_list_shows(client, make_staff, place_a, place_b,
                                                      category):
    make_orders(place_a, category, 3)
    theirs = make_orders(place_b, category, 2)
    client.force_login(make_staff("CS Supervisor"))
    content = export(client, "workorder", "csv",
                     query=f"?community__id__exact={place_b.community.pk}")
    assert [row[0] for row in csv_rows(content)[1:]] == [o.number for o in reversed(theirs)]
    content = export(client, "workorder", "csv", query=f"?q={theirs[0].number}")
    assert [row[0] for row in csv_rows(content)[1:]] == [theirs[0].number]


def test_an_unmasked_export_logs_every_resident_it_shows(client, make_staff, place_a, place_b,
                                                         small_chunks):
    manager = make_staff("System Manager")
    for _ in range(4):
        ResidentFactory(community=place_a.community)
    client.force_login(manager)
    content = export(client, "resident", "csv").decode()
    assert PHONE_A in content and PHONE_B in content
    logged = PersonalDataAccess.objects.filter(user=manager,
                                               channel=PersonalDataAccess.Channel.EXPORT)
    assert sorted(logged.values_list("resident_id", flat=True)) == sorted(
        Resident.objects.values_list("pk", flat=True))


def test_a_masked_export_shows_no_full_number_and_logs_nothing(client, make_staff, place_a):
    desk = make_staff("Front Desk", communities=[place_a.community])
    client.force_login(desk)
    content = export(client, "resident", "xlsx")
    rows = xlsx_rows(content)
    assert rows[1][rows[0].index("phone")] == "139****5671"
    assert PHONE_A.encode() not in content
    assert not PersonalDataAccess.objects.filter(user=desk).exists()


# Run on MariaDB (CI): SQLite hands rows over as they come anyway.
@pytest.mark.skipif(connection.vendor != "mysql",
                    reason="only MySQL's client library loads results whole")
def test_on_mysql_the_rows_are_read_as_they_come_not_loaded_first(db):
    """MySQL's client library loads a whole result before handing over its first row unless
    the cursor says otherwise: an export of a million rows would need gigabytes."""
    from MySQLdb.cursors import SSCursor
    from property_service.core.exports import unbuffered_reads

    with unbuffered_reads(connection.alias):
        cursor = connection.chunked_cursor()
        assert isinstance(cursor.cursor.cursor, SSCursor)
        cursor.close()
    assert not isinstance(connection.chunked_cursor().cursor.cursor, SSCursor)


class OrderWithUnitResource(WorkOrderResource):
    """A column showing a related row itself (its text), not a field of it."""

    unit_text = fields.Field(attribute="unit", column_name="unit_text")

    class Meta(WorkOrderResource.Meta):
        fields = (*WorkOrderResource.Meta.fields, "unit_text")
        export_order = fields


@pytest.mark.parametrize("resource_class", [WorkOrderResource, OrderWithUnitResource])
def test_the_rows_of_an_export_are_what_export_writes_whether_read_as_values_or_as_rows(
        agent, place_a, category, small_chunks, resource_class):
    make_rows("workorder", place_a, 5, category)
    queryset = WorkOrder.objects.order_by("pk")
    for native in (True, False):
        rows = list(resource_class(user=agent).export_rows(queryset, force_native_type=native))
        dataset = resource_class(user=agent).export(queryset=queryset, force_native_type=native)
        assert rows[0] == list(dataset.headers)
        assert rows[1:] == [list(row) for row in dataset]
