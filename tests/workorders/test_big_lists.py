"""The work-order list and API at scale: the same rows in the same order, counts that stop at a
cap, searches on one index each, and no query that grows with the table."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.access.scoping import scope
from property_service.templatetags.big_lists import probed_date_hierarchy
from property_service.workorders.admin import WorkOrderAdmin
from property_service.workorders.models import WorkOrder
from property_service.workorders.states import State

from tests.factories.registry import UnitFactory
from tests.factories.workorders import WorkOrderFactory
from tests.helpers import admin_url
from tests.workorders.conftest import at

LIST = admin_url("workorder", "changelist")


@pytest.fixture
def orders(place_a, place_b):
    """Orders in two communities, some reported at the same moment (ties broken by id)."""
    made = []
    for n in range(14):
        place = place_a if n % 3 else place_b
        made.append(WorkOrderFactory(
            unit=place.unit, reported_at=at("2026-03-02 09:00") - datetime.timedelta(hours=n // 2),
            state=[State.NEW, State.DISPATCHED, State.CLOSED, State.NEW][n % 4],
            respond_by=at("2026-03-02 10:00"), complete_by=at("2026-03-05 10:00")))
    return made


@pytest.fixture
def superuser(make_staff):
    return make_staff(None, is_superuser=True, is_staff=True)


def text_of(response):
    return " ".join(response.content.decode().split())


def shown(client, params=None):
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return response, [order.pk for order in response.context["cl"].result_list]


def expected(user, *conditions, **filters):
    rows = scope(WorkOrder.objects.all(), user).filter(*conditions, **filters)
    return list(rows.order_by("-reported_at", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["superuser", "agent"])
@pytest.mark.parametrize("params,filters", [
    ({}, {}),
    ({"state__exact": "new"}, {"state": "new"}),
    ({"queue": "pool"}, {"state": State.DISPATCHED, "assignee__isnull": True}),
])
def test_the_list_shows_the_rows_of_the_plain_query_in_its_order_on_every_page(
        client, orders, request, who, params, filters, monkeypatch):
    user = request.getfixturevalue(who)
    monkeypatch.setattr(WorkOrderAdmin, "list_per_page", 4)
    client.force_login(user)
    rows, page = [], 1
    while True:
        response, ids = shown(client, {**params, "p": page})
        rows += ids
        if not response.context["cl"].paginator.page(page).has_next():
            break
        page += 1
    assert rows == expected(user, **filters)
    assert rows


def test_a_list_longer_than_the_cap_says_it_goes_on(client, superuser, orders, settings,
                                                    monkeypatch):
    settings.LIST_COUNT_CAP = 5
    monkeypatch.setattr(WorkOrderAdmin, "list_per_page", 2)
    client.force_login(superuser)
    response, ids = shown(client)
    assert "5+ work orders" in text_of(response)
    assert len(ids) == 2
    labels = [c["display"] for spec in response.context["cl"].filter_specs
              for c in spec.choices(response.context["cl"])]
    assert "Waiting in a team pool (4)" in labels  # under the cap: the exact size
    assert "Overdue (5+)" in labels
    # A page far past the cap is still reached, and counts from where it starts.
    response, ids = shown(client, {"p": 6})
    assert ids == expected(superuser)[10:12]
    assert "14 work orders" in text_of(response)


def test_a_list_under_the_cap_shows_its_exact_count(client, agent, orders):
    client.force_login(agent)
    response, ids = shown(client)
    assert f"{len(ids)} work orders" in text_of(response)
    assert len(ids) == len(expected(agent))


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_search_finds_orders_by_exact_number_unit_number_or_phone(client, request, who,
                                                                  orders, place_a, place_b):
    user = request.getfixturevalue(who)
    client.force_login(user)
    of_b = [order for order in orders if order.community == place_b.community]
    order_b = of_b[0]
    order_b.resident = place_b.resident
    order_b.save()
    order_a = next(order for order in orders if order.community == place_a.community)
    order_a.resident = place_a.resident
    order_a.save()
    other_unit = UnitFactory(building=place_a.building, number="1702")
    elsewhere = WorkOrderFactory(unit=other_unit, reported_at=at("2026-03-01 08:00"))
    sees_b = who == "superuser"

    assert shown(client, {"q": order_a.number.lower()})[1] == [order_a.pk]
    assert shown(client, {"q": order_b.number})[1] == ([order_b.pk] if sees_b else [])
    assert shown(client, {"q": "1702"})[1] == [elsewhere.pk]
    both = shown(client, {"q": "301"})[1]
    assert both == expected(user, unit__number="301")
    assert elsewhere.pk not in both
    assert shown(client, {"q": "+86" + place_a.resident.phone})[1] == [order_a.pk]
    assert shown(client, {"q": place_b.resident.phone})[1] == ([order_b.pk] if sees_b else [])
    assert shown(client, {"q": "WO-NOTHING"})[1] == []


def test_the_api_search_finds_orders_by_phone_and_number(client, agent, orders, place_a):
    order = next(order for order in orders if order.community == place_a.community)
    order.resident = place_a.resident
    order.save()
    client.force_login(agent)
    body = client.get("/api/v1/work-orders/", {"search": place_a.resident.phone}).json()
    assert [row["id"] for row in body["results"]] == [order.pk]
    body = client.get("/api/v1/work-orders/", {"search": order.number}).json()
    assert [row["id"] for row in body["results"]] == [order.pk]


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_the_api_walks_every_order_newest_id_first_with_its_cursor(client, request, who,
                                                                   orders):
    user = request.getfixturevalue(who)
    client.force_login(user)
    seen, url, second = [], "/api/v1/work-orders/?page_size=3", None
    while url:
        body = client.get(url).json()
        assert set(body) >= {"results", "next", "previous"}
        assert all(row["number"] and "earlier_reports" in row for row in body["results"])
        seen += [row["id"] for row in body["results"]]
        second = second or (body["next"] if len(seen) == 3 else None)
        url = body["next"]
    assert seen == sorted(scope(WorkOrder.objects.all(), user).values_list("pk", flat=True),
                          reverse=True)
    back = client.get(client.get(second).json()["previous"]).json()
    assert [row["id"] for row in back["results"]] == seen[:3]


def list_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_phone_search_reads_the_orders_off_the_residents_key_alone(client, superuser,
                                                                   orders, place_a, settings):
    """No unit has a phone number for its number: the search is then no OR with the units (an
    OR with a semi-join over a million orders is a pass over all of them)."""
    client.force_login(superuser)
    phone = place_a.resident.phone
    searched = 0
    for sql in list_queries(client, {"q": phone}):
        quoted = sql.replace("`", '"')
        where = quoted.split(" WHERE ", 1)[1] if " WHERE " in quoted else ""
        if 'FROM "property_service_workorder"' in quoted and '"resident_id" IN (' in where:
            searched += 1
            assert " OR " not in where and "property_service_unit" not in where, sql
    assert searched


@pytest.mark.parametrize("params", [{}, {"queue": "overdue"}, {"q": "301"},
                                    {"reported_at__year": "2026"}, {"p": "2"}])
def test_the_list_page_costs_the_same_queries_for_few_or_many_orders(client, superuser,
                                                                     place_a, params):
    client.force_login(superuser)
    WorkOrderFactory.create_batch(3, unit=place_a.unit, reported_at=at("2026-03-02 09:00"))
    few = len(list_queries(client, {**params, "p": "1"}))
    WorkOrderFactory.create_batch(120, unit=place_a.unit, reported_at=at("2026-03-02 09:00"))
    assert len(list_queries(client, {**params, "p": "1"})) == few


@pytest.mark.parametrize("params", [{}, {"queue": "overdue"}, {"q": "301"},
                                    {"reported_at__year": "2026"}, {"_facets": "1"}])
def test_no_count_on_the_list_page_reads_past_a_limit(client, superuser, orders, params):
    client.force_login(superuser)
    for sql in list_queries(client, params):
        if "COUNT(" in sql.upper() and "property_service_workorder" in sql:
            assert "LIMIT" in sql.upper(), sql


def test_the_date_drill_down_lists_the_years_months_and_days_holding_orders(
        client, superuser, place_a):
    for moment in ["2024-03-09 10:00", "2025-07-01 10:00", "2025-09-30 23:30",
                   "2025-09-02 08:00"]:
        WorkOrderFactory(unit=place_a.unit, reported_at=at(moment))
    client.force_login(superuser)

    def choices(params):
        assert not any("DISTINCT" in sql.upper() for sql in list_queries(client, params))
        cl = client.get(LIST, params).context["cl"]
        return [choice["title"] for choice in probed_date_hierarchy(cl)["choices"]]

    assert choices({}) == ["2024", "2025"]
    assert choices({"reported_at__year": "2025"}) == ["July 2025", "September 2025"]
    assert choices({"reported_at__year": "2025", "reported_at__month": "9"}) == [
        "September 2", "September 30"]


def test_a_list_builds_its_column_headers_once_not_once_per_row(client, superuser, orders,
                                                                monkeypatch):
    from property_service.core import unfold_lists

    built = []
    original = unfold_lists._build_headers

    def counting(cl):
        built.append(cl)
        return original(cl)

    monkeypatch.setattr(unfold_lists, "_build_headers", counting)
    client.force_login(superuser)
    response, ids = shown(client)
    assert len(ids) == len(orders)
    assert len(built) == 1
    # Each cell still carries its column's name for the narrow (card) layout.
    assert text_of(response).lower().count('data-label="state"') == len(orders)


@pytest.mark.parametrize("params", [{}, {"reported_at__year": "2025"},
                                    {"reported_at__year": "2025", "reported_at__month": "9"}])
def test_each_level_of_the_date_drill_down_costs_three_queries(client, superuser, place_a,
                                                               params, monkeypatch):
    from property_service.core.lists import ProbedDates

    def compiled_probe_not_used(self, ranges):
        raise AssertionError("the probe compiled once was not used")

    monkeypatch.setattr(ProbedDates, "_holding_one_by_one", compiled_probe_not_used)
    for moment in ["2024-03-09 10:00", "2025-07-01 10:00", "2025-09-30 23:30",
                   "2025-09-02 08:00"]:
        WorkOrderFactory(unit=place_a.unit, reported_at=at(moment))
    client.force_login(superuser)
    cl = client.get(LIST, params).context["cl"]
    with CaptureQueriesContext(connection) as queries:
        assert probed_date_hierarchy(cl)["choices"]
    # The first and the last date, then one query probing every candidate range.
    assert len(queries.captured_queries) == 3


def test_labels_and_row_checkboxes_are_drawn_as_unfold_draws_them(client, superuser, orders):
    from django.contrib.admin import helpers
    from property_service.core import unfold_lists
    from unfold import admin as unfold_admin
    from unfold.utils import display_for_label

    label = {"new": "info", "closed": "success"}
    for value in [("new", "新建"), ("closed", "Closed"), ("rework", "Rework"), "plain"]:
        assert unfold_lists.label_once(value, "-", label) == display_for_label(value, "-", label)
        # Drawn from the memo the second time, still the same.
        assert unfold_lists.label_once(value, "-", label) == display_for_label(value, "-", label)
    for pk in [1, 42, "a&b"]:
        assert unfold_lists.row_checkbox(pk) == unfold_admin.checkbox.render(
            helpers.ACTION_CHECKBOX_NAME, str(pk))
    client.force_login(superuser)
    response, ids = shown(client)
    html = response.content.decode()
    for pk in ids:
        assert unfold_admin.checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(pk)) in html
