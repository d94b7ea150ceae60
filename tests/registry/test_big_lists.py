"""The resident and unit lists and APIs at scale: the same rows in the same order, counts that
stop at a cap, searches by every supported spelling on one index each, and no query that grows
with the table."""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.access.scoping import scope
from property_service.registry.admin import ResidentAdmin, UnitAdmin
from property_service.registry.models import Resident, Unit

from tests.factories.registry import (
    BuildingFactory,
    OccupancyFactory,
    ResidentFactory,
    UnitFactory,
)
from tests.helpers import admin_url

RESIDENTS = admin_url("resident", "changelist")
UNITS = admin_url("unit", "changelist")


@pytest.fixture
def superuser(make_staff):
    return make_staff(None, is_superuser=True, is_staff=True)


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def registry(place_a, place_b):
    """Residents registered in A or B, some living in the other community (a B resident who
    lives in A is A's too); same names, ties broken by id; units in two buildings of A."""
    six = BuildingFactory(community=place_a.community, name="6栋")
    sixteen = BuildingFactory(community=place_a.community, name="16栋")
    for building in (six, sixteen):
        for entrance in ("1", "2"):
            for number in ("1501", "1502"):
                UnitFactory(building=building, entrance=entrance, number=number)
    UnitFactory(building=BuildingFactory(community=place_b.community, name="6栋"),
                entrance="2", number="1502")
    for n in range(12):
        place = place_a if n % 3 else place_b
        ResidentFactory(community=place.community, name=f"王{n % 4}",
                        phone=f"1390000{n:04d}")
    OccupancyFactory(unit=place_a.unit, resident=ResidentFactory(
        community=place_b.community, name="王0", phone="13600009999"))
    return six, sixteen


def walk(client, url, admin_class, monkeypatch, params=None):
    monkeypatch.setattr(admin_class, "list_per_page", 4)
    rows, page = [], 1
    while True:
        response = client.get(url, {**(params or {}), "p": page})
        assert response.status_code == 200
        rows += [row.pk for row in response.context["cl"].result_list]
        if not response.context["cl"].paginator.page(page).has_next():
            return rows
        page += 1


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_the_resident_list_shows_the_plain_querys_rows_in_its_order_on_every_page(
        client, registry, request, who, monkeypatch):
    user = request.getfixturevalue(who)
    client.force_login(user)
    rows = walk(client, RESIDENTS, ResidentAdmin, monkeypatch)
    assert rows == list(scope(Resident.objects.all(), user).order_by("name", "id")
                        .values_list("pk", flat=True))
    # A community's list holds those registered there and those living there.
    assert Resident.objects.get(phone="13600009999").pk in rows


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_the_unit_list_shows_the_plain_querys_rows_in_its_order_on_every_page(
        client, registry, request, who, monkeypatch):
    user = request.getfixturevalue(who)
    client.force_login(user)
    rows = walk(client, UNITS, UnitAdmin, monkeypatch)
    assert rows == list(scope(Unit.objects.all(), user).order_by(
        "building__community__code", "building__name", "entrance", "number", "id")
        .values_list("pk", flat=True))


def found(client, url, term):
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return sorted(row.pk for row in response.context["cl"].result_list)


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_residents_are_found_by_full_phone_last_four_digits_or_name(client, registry,
                                                                   request, who, place_a):
    user = request.getfixturevalue(who)
    client.force_login(user)
    visible = scope(Resident.objects.all(), user)
    of_a = visible.get(phone="13900000001")
    assert found(client, RESIDENTS, "13900000001") == [of_a.pk]
    assert found(client, RESIDENTS, "+86 139 0000 0001") == [of_a.pk]
    assert found(client, RESIDENTS, "0001") == [of_a.pk]
    assert found(client, RESIDENTS, "9999") == [Resident.objects.get(phone="13600009999").pk]
    assert found(client, RESIDENTS, "王1") == sorted(
        visible.filter(name="王1").values_list("pk", flat=True))
    assert found(client, RESIDENTS, "1234") == []


def test_no_resident_search_matches_the_end_of_a_column(client, superuser, registry):
    client.force_login(superuser)
    for term in ("0001", "13900000001", "王1"):
        for sql in queries_of(client, RESIDENTS, {"q": term}):
            # A leading wildcard reads every row; the last four digits have their own column.
            assert "'%" not in sql and '"%' not in sql, sql


def test_a_community_users_residents_are_a_plain_condition_on_the_resident_table(
        agent, registry, place_a):
    rows = scope(Resident.objects.all(), agent)
    sql = str(rows.query).upper()
    # Residents living in A but registered elsewhere are listed by id, not looked up row by
    # row through a subquery of occupancies.
    assert "SELECT" not in sql.split(" FROM ", 1)[1], sql
    assert Resident.objects.get(phone="13600009999") in rows
    assert not rows.filter(community=place_a.community.pk + 10_000).exists()


def test_the_unit_search_looks_up_buildings_before_the_units(client, superuser, registry):
    client.force_login(superuser)
    for term in ("6栋 2-1502", "6-2-1502", "16栋", "1502"):
        for sql in queries_of(client, UNITS, {"q": term}):
            quoted = sql.replace("`", '"')
            if 'FROM "property_service_unit"' in quoted and " WHERE " in quoted:
                where = quoted.split(" WHERE ", 1)[1].split(" ORDER BY ")[0]
                # No OR across the join to the buildings: their ids were looked up first.
                assert '"property_service_building"."name"' not in where, sql


def test_the_last_four_digits_follow_a_changed_phone(client, superuser, registry):
    client.force_login(superuser)
    resident = Resident.objects.get(phone="13900000001")
    resident.phone = "13900004321"
    resident.save()
    assert found(client, RESIDENTS, "4321") == [resident.pk]
    assert found(client, RESIDENTS, "0001") == []


@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_units_are_found_by_every_way_people_say_them(client, registry, request, who):
    _six, sixteen = registry
    user = request.getfixturevalue(who)
    client.force_login(user)
    visible = scope(Unit.objects.all(), user)

    def units(**lookup):
        return sorted(visible.filter(**lookup).values_list("pk", flat=True))

    six_2_1502 = units(building__name="6栋", entrance="2", number="1502")
    # Community B has a 6栋 2-1502 too: found only by those who see B.
    assert len(six_2_1502) == (2 if who == "superuser" else 1)
    for term in ("6栋 2-1502", "6栋2-1502", "6-2-1502", " 6栋  2-1502 "):
        assert found(client, UNITS, term) == six_2_1502, term
    assert found(client, UNITS, "2-1502") == units(entrance="2", number="1502")
    assert found(client, UNITS, "6栋 1502") == units(building__name="6栋", number="1502")
    assert found(client, UNITS, "1502") == units(number="1502")
    assert found(client, UNITS, "16栋") == units(building=sixteen)
    assert found(client, UNITS, "16-2-1502") == units(building=sixteen, entrance="2",
                                                      number="1502")
    assert found(client, UNITS, "7-2-1502") == []
    assert found(client, UNITS, "6栋 9-1502") == []


def test_the_api_finds_units_and_residents_the_same_ways(client, superuser, registry):
    client.force_login(superuser)
    body = client.get("/api/v1/units/", {"search": "6栋 2-1502"}).json()
    assert sorted(row["id"] for row in body["results"]) == sorted(
        Unit.objects.filter(building__name="6栋", entrance="2", number="1502")
        .values_list("pk", flat=True))
    body = client.get("/api/v1/residents/", {"search": "0001"}).json()
    assert [row["id"] for row in body["results"]] == [
        Resident.objects.get(phone="13900000001").pk]


def queries_of(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


_unit_numbers = itertools.count(5000)


def add_residents(place, n):
    for _ in range(n):
        OccupancyFactory(unit=UnitFactory(building=place.building,
                                          number=str(next(_unit_numbers))),
                         resident__community=place.community)


@pytest.mark.parametrize("url,params", [
    (RESIDENTS, {}), (RESIDENTS, {"q": "0001"}), (RESIDENTS, {"q": "张"}),
    (RESIDENTS, {"p": "2"}), (UNITS, {}), (UNITS, {"q": "6栋 2-1502"}), (UNITS, {"p": "2"}),
    ("/api/v1/residents/", {}), ("/api/v1/units/", {})])
@pytest.mark.parametrize("who", ["superuser", "agent"])
def test_the_lists_cost_the_same_queries_for_few_or_many_rows(client, request, who, place_a,
                                                              url, params):
    client.force_login(request.getfixturevalue(who))
    add_residents(place_a, 3)
    few = len(queries_of(client, url, {**params, "p": "1"} if "p" in params else params))
    add_residents(place_a, 60)
    assert len(queries_of(client, url, params)) == few


@pytest.mark.parametrize("url,params", [
    (RESIDENTS, {}), (RESIDENTS, {"q": "0001"}), (UNITS, {}), (UNITS, {"q": "1502"}),
    (UNITS, {"_facets": "1"}), (RESIDENTS, {"_facets": "1"})])
def test_no_count_on_the_lists_reads_past_a_limit(client, superuser, registry, url, params):
    client.force_login(superuser)
    for sql in queries_of(client, url, params):
        if "COUNT(" in sql.upper():
            assert "LIMIT" in sql.upper(), sql


def test_the_resident_list_says_1000_plus_past_the_cap(client, superuser, registry, settings,
                                                       monkeypatch):
    settings.LIST_COUNT_CAP = 5
    monkeypatch.setattr(ResidentAdmin, "list_per_page", 2)
    client.force_login(superuser)
    response = client.get(RESIDENTS)
    assert "5+ residents" in " ".join(response.content.decode().split())


@pytest.mark.parametrize("who", ["superuser", "agent"])
@pytest.mark.parametrize("resource,model", [("residents", Resident), ("units", Unit)])
def test_the_api_walks_every_row_newest_id_first_with_its_cursor(client, request, who,
                                                                 registry, resource, model):
    user = request.getfixturevalue(who)
    client.force_login(user)
    seen, url = [], f"/api/v1/{resource}/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(scope(model.objects.all(), user).values_list("pk", flat=True),
                          reverse=True)


@pytest.mark.parametrize("resource", ["residents", "units"])
def test_an_api_page_picks_its_ids_first(client, superuser, registry, resource):
    client.force_login(superuser)
    table = {"residents": "resident", "units": "unit"}[resource]
    selects = [sql for sql in queries_of(client, f"/api/v1/{resource}/?page_size=3")
               if f"FROM `property_service_{table}`" in sql.replace('"', "`")
               and "LIMIT" in sql.upper()]
    assert selects and "JOIN" not in selects[0].upper()


def building_choices(client, params=None):
    response = client.get(UNITS, params or {})
    assert response.status_code == 200
    # A filter without choices is left out of the page.
    spec = next((s for s in response.context["cl"].filter_specs
                 if getattr(s, "field_path", "") == "building"), None)
    return sorted(name for _pk, name in spec.lookup_choices) if spec else []


def test_the_building_filter_lists_the_buildings_of_one_community(client, superuser, agent,
                                                                  registry, place_a):
    client.force_login(superuser)
    # Every building of the company would be too many: first a community.
    assert building_choices(client) == []
    assert building_choices(client, {"building__community__id__exact": place_a.community.pk}) \
        == ["16栋", "6栋", "AAA-1栋"]
    client.force_login(agent)
    assert building_choices(client) == ["16栋", "6栋", "AAA-1栋"]
    six = registry[0]
    response = client.get(UNITS, {"building__id__exact": six.pk})
    assert {unit.building_id for unit in response.context["cl"].result_list} == {six.pk}


def test_a_unit_page_sorts_the_units_of_its_first_buildings_only(client, superuser, registry,
                                                                 monkeypatch):
    monkeypatch.setattr(UnitAdmin, "list_per_page", 2)
    client.force_login(superuser)
    for page in ("1", "3"):
        ids_query = next(sql for sql in queries_of(client, UNITS, {"p": page})
                         if sql.replace("`", '"').startswith(
                             'SELECT "property_service_unit"."id" AS "pk"')
                         and "ORDER BY" in sql)
        assert '"building_id" IN (' in ids_query.replace("`", '"'), ids_query
    # Another order than the buildings' is paged over every unit.
    response = client.get(UNITS, {"o": "-6"})
    assert response.status_code == 200
    assert [u.pk for u in response.context["cl"].result_list] == list(
        Unit.objects.order_by("-area", "-pk").values_list("pk", flat=True)[:2])


def test_the_unit_pages_probes_stop_at_the_first_window_that_can_hold_the_page(
        client, superuser, registry, monkeypatch):
    # Ten more buildings of one unit each: 13 buildings with units in all.
    for n in range(10):
        UnitFactory(building=BuildingFactory(community=registry[0].community, name=f"{n}号楼"))
    monkeypatch.setattr(UnitAdmin, "list_per_page", 2)
    client.force_login(superuser)

    def windows(page):
        probe = next(sql for sql in queries_of(client, UNITS, {"p": page})
                     if sql.startswith("SELECT (SELECT COUNT(*)"))
        return [int(w) for w in re.findall(r"AS window_(\d+)", probe)]

    assert windows("1") == [1, 2]  # two rows: two buildings hold them at least
    assert windows("3") == [1, 2, 4, 8]  # six rows
    assert windows("6") == [1, 2, 4, 8]  # twelve rows: the 13 buildings are all the rest


def test_a_unit_page_of_one_community_or_building_is_chosen_among_its_buildings(
        client, superuser, registry, place_a, place_b):
    client.force_login(superuser)

    def buildings_of_page(params):
        ids_query = next(sql for sql in queries_of(client, UNITS, params)
                         if sql.replace("`", '"').startswith(
                             'SELECT "property_service_unit"."id" AS "pk"')
                         and "ORDER BY" in sql)
        listed = re.search(r'"building_id" IN \(([^)]*)\)', ids_query.replace("`", '"'))
        return {int(pk) for pk in listed.group(1).split(",")}

    for place in (place_a, place_b):
        community = place.community
        assert buildings_of_page({"building__community__id__exact": community.pk}) <= set(
            community.buildings.values_list("pk", flat=True))
        response = client.get(UNITS, {"building__community__id__exact": community.pk})
        assert [u.pk for u in response.context["cl"].result_list] == list(
            Unit.objects.filter(building__community=community).order_by(
                *Unit._meta.ordering, "-pk").values_list("pk", flat=True))
    six = registry[0]
    assert buildings_of_page({"building__id__exact": six.pk}) == {six.pk}
