"""The complaint list and API at scale: the same rows in the same order, counts that stop at a
cap, searches on one index each, and no query that grows with the table."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.access.scoping import scope
from property_service.complaints.admin import ComplaintAdmin
from property_service.complaints.models import Complaint
from property_service.complaints.states import State
from property_service.templatetags.big_lists import probed_date_hierarchy

from tests.factories.registry import UnitFactory
from tests.helpers import admin_url
from tests.workorders.conftest import at

LIST = admin_url("complaint", "changelist")
_numbers = itertools.count(1)


def complaint(place, received_at, **fields) -> Complaint:
    fields = {"state": State.RECEIVED, "category": "repairs", "unit": place.unit, **fields}
    return Complaint.objects.create(
        number=f"TS-2026{next(_numbers):06d}", community=place.community, channel="phone",
        content="测试", received_at=received_at, **fields)


@pytest.fixture
def complaints(place_a, place_b):
    """Complaints in two communities, some received at the same moment (ties broken by id)."""
    made = []
    for n in range(14):
        place = place_a if n % 3 else place_b
        made.append(complaint(
            place, at("2026-03-02 09:00") - datetime.timedelta(hours=n // 2),
            state=[State.RECEIVED, State.ASSIGNED, State.CLOSED, State.RECEIVED][n % 4],
            severity="major" if n % 5 == 0 else "general", emotional=n % 2 == 0))
    return made


@pytest.fixture
def superuser(make_staff):
    return make_staff(None, is_superuser=True, is_staff=True)


def text_of(response):
    return " ".join(response.content.decode().split())


def shown(client, params=None):
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return response, [row.pk for row in response.context["cl"].result_list]


def expected(user, **filters):
    rows = scope(Complaint.objects.all(), user).filter(**filters)
    return list(rows.order_by("-received_at", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["superuser", "agent"])
@pytest.mark.parametrize("params,filters", [
    ({}, {}),
    ({"state__exact": "received"}, {"state": "received"}),
    ({"severity__exact": "major"}, {"severity": "major"}),
    ({"emotional__exact": "1"}, {"emotional": True}),
    ({"received_at__year": "2026", "received_at__month": "3"}, {}),
])
def test_the_list_shows_the_rows_of_the_plain_query_in_its_order_on_every_page(
        client, complaints, request, who, params, filters, monkeypatch):
    user = request.getfixturevalue(who)
    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 4)
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


def test_a_list_longer_than_the_cap_says_it_goes_on(client, superuser, complaints, settings,
                                                    monkeypatch):
    settings.LIST_COUNT_CAP = 5
    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 2)
    client.force_login(superuser)
    response, ids = shown(client)
    assert "5+ complaints" in text_of(response)
    assert len(ids) == 2
    # A page far past the cap is still reached, and counts from where it starts.
    response, ids = shown(client, {"p": 6})
    assert ids == expected(superuser)[10:12]
    assert "14 complaints" in text_of(response)


def test_a_list_under_the_cap_shows_its_exact_count(client, agent, complaints):
    client.force_login(agent)
    response, ids = shown(client)
    assert f"{len(ids)} complaints" in text_of(response)
    assert len(ids) == len(expected(agent))


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_search_finds_complaints_by_exact_number_or_unit_number(client, request, who,
                                                                complaints, place_a, place_b):
    user = request.getfixturevalue(who)
    client.force_login(user)
    of_a = next(c for c in complaints if c.community == place_a.community)
    of_b = next(c for c in complaints if c.community == place_b.community)
    other_unit = UnitFactory(building=place_a.building, number="1702")
    elsewhere = complaint(place_a, at("2026-03-01 08:00"), unit=other_unit)
    sees_b = who == "superuser"

    assert shown(client, {"q": of_a.number.lower()})[1] == [of_a.pk]
    assert shown(client, {"q": of_b.number})[1] == ([of_b.pk] if sees_b else [])
    assert shown(client, {"q": "1702"})[1] == [elsewhere.pk]
    both = shown(client, {"q": "301"})[1]
    assert both == expected(user, unit__number="301")
    assert elsewhere.pk not in both
    assert shown(client, {"q": "TS-NOTHING"})[1] == []


@pytest.mark.parametrize("who", ["superuser", "agent"])
@pytest.mark.parametrize("units_by_id", [200, 0])
def test_the_search_reads_each_kind_of_number_off_its_own_index(client, request, who,
                                                                 units_by_id, complaints,
                                                                 monkeypatch):
    """A unit number (no complaint has it): the complaints of those units, by their ids (a
    few units) or a semi-join (many), on the unit's key; no OR with the complaint's own number
    and no join. The semi-join reads only the user's units of that number."""
    from property_service.registry import selectors

    monkeypatch.setattr(selectors, "UNITS_BY_ID", units_by_id)
    client.force_login(request.getfixturevalue(who))
    searched = 0
    for sql in list_queries(client, {"q": "301"}):
        quoted = sql.replace("`", '"')
        where = quoted.split(" WHERE ", 1)[1] if " WHERE " in quoted else ""
        picks_rows = 'FROM "property_service_complaint"' in quoted and \
            '"property_service_complaint"."id" IN (' not in where  # not the page's rows by id
        if picks_rows and '"unit_id" IN (' in where:
            searched += 1
            assert " OR " not in where and " JOIN " not in quoted.split(" WHERE ", 1)[0], sql
            semi_join = '"unit_id" IN (SELECT' in where
            assert semi_join == (units_by_id == 0), sql
            if semi_join:
                units = where.split('"unit_id" IN (SELECT', 1)[1]
                assert ("community_id" in units) == (who == "agent"), sql
    assert searched
    assert shown(client, {"q": "301"})[1] == expected(request.getfixturevalue(who),
                                                      unit__number="301")


def test_a_word_that_is_a_complaint_number_and_a_unit_number_finds_both(
        client, superuser, complaints, place_a):
    client.force_login(superuser)
    first = complaints[0]
    same_number = UnitFactory(building=place_a.building, number=first.number)
    of_that_unit = complaint(place_a, at("2026-03-01 08:00"), unit=same_number)
    assert sorted(shown(client, {"q": first.number})[1]) == sorted([first.pk, of_that_unit.pk])


def list_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("params", [{}, {"state__exact": "received"}, {"q": "301"},
                                    {"received_at__year": "2026"}, {"p": "2"}])
def test_the_list_page_costs_the_same_queries_for_few_or_many_complaints(client, superuser,
                                                                         place_a, params):
    client.force_login(superuser)
    for _ in range(3):
        complaint(place_a, at("2026-03-02 09:00"))
    few = len(list_queries(client, {**params, "p": "1"}))
    for _ in range(120):
        complaint(place_a, at("2026-03-02 09:00"))
    assert len(list_queries(client, {**params, "p": "1"})) == few


@pytest.mark.parametrize("params", [{}, {"state__exact": "received"}, {"q": "301"},
                                    {"received_at__year": "2026"}, {"_facets": "1"}])
def test_no_count_on_the_list_page_reads_past_a_limit(client, superuser, complaints, params):
    client.force_login(superuser)
    for sql in list_queries(client, params):
        if "COUNT(" in sql.upper():
            assert "LIMIT" in sql.upper(), sql


def test_the_date_drill_down_lists_the_years_months_and_days_holding_complaints(
        client, superuser, place_a):
    for moment in ["2024-03-09 10:00", "2025-07-01 10:00", "2025-09-30 23:30",
                   "2025-09-02 08:00"]:
        complaint(place_a, at(moment))
    client.force_login(superuser)

    def choices(params):
        assert not any("DISTINCT" in sql.upper() for sql in list_queries(client, params))
        cl = client.get(LIST, params).context["cl"]
        return [choice["title"] for choice in probed_date_hierarchy(cl)["choices"]]

    assert choices({}) == ["2024", "2025"]
    assert choices({"received_at__year": "2025"}) == ["July 2025", "September 2025"]
    assert choices({"received_at__year": "2025", "received_at__month": "9"}) == [
        "September 2", "September 30"]


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_the_api_walks_every_complaint_newest_id_first_with_its_cursor(client, request, who,
                                                                       complaints):
    user = request.getfixturevalue(who)
    client.force_login(user)
    seen, url = [], "/api/v1/complaints/?page_size=3"
    while url:
        body = client.get(url).json()
        assert all(row["number"] and "deadlines" in row for row in body["results"])
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(scope(Complaint.objects.all(), user).values_list("pk", flat=True),
                          reverse=True)


def api_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_an_api_page_picks_its_complaint_ids_first(client, superuser, complaints):
    client.force_login(superuser)
    selects = [sql for sql in api_queries(client, "/api/v1/complaints/?page_size=3")
               if "FROM `property_service_complaint`" in sql.replace('"', "`")
               and "LIMIT" in sql.upper()]
    # The page's ids off the table's own index, before any join.
    assert selects and "JOIN" not in selects[0].upper()


def test_each_deadline_still_to_be_met_is_read_off_an_index_of_its_own():
    """The due-soon queue merges one short range a deadline (its done field empty, its due
    time within the hour): every deadline needs its index."""
    from property_service.complaints.deadlines import DEADLINES
    from property_service.complaints.models import Complaint

    indexed = {tuple(index.fields) for index in Complaint._meta.indexes}
    assert [d.key for d in DEADLINES if (d.done_field, d.due_field) not in indexed] == []
