"""A unit's page shows who lives there and everything that happened to it."""

import datetime

from property_service.registry.selectors import register_timeline_source, unit_timeline

from tests.factories.registry import OccupancyFactory
from tests.helpers import admin_url


def test_the_unit_page_lists_its_residents_and_history(client, make_staff, place_a):
    tenant = OccupancyFactory(unit=place_a.unit, relation="tenant",
                              resident__name="Former Tenant",
                              start_date=datetime.date(2021, 3, 1),
                              end_date=datetime.date(2022, 2, 28))
    place_a.unit.status = "occupied"
    place_a.unit.save()
    client.force_login(make_staff("CS Agent"))
    page = client.get(admin_url("unit", "change", place_a.unit.pk)).content.decode()
    assert "Resident AAA" in page and "Former Tenant" in page
    assert 'id="story"' in page
    assert "Moved out" in page and "2022-02-28" in page
    assert "Vacant → Occupied" in page
    assert tenant.resident.name in page


def test_the_unit_page_shows_no_resident_to_roles_without_access_to_them(client, make_staff,
                                                                         place_a):
    client.force_login(make_staff("Cleaning"))
    page = client.get(admin_url("unit", "change", place_a.unit.pk))
    assert page.status_code == 200
    assert 'id="story"' in page.content.decode()
    assert "Resident AAA" not in page.content.decode()


def test_the_timeline_is_newest_first_and_open_to_other_domains(place_a, make_staff):
    user = make_staff("CS Agent")
    entries = unit_timeline(place_a.unit, user)
    assert [e.kind for e in entries] == ["unit_change", "move_in"]

    @register_timeline_source(permission="property_service.view_unit")
    def inspections(unit, user, limit):
        from property_service.registry.selectors import TimelineEntry, TimelinePart, _start_of

        return TimelinePart([TimelineEntry(_start_of(datetime.date(2030, 1, 1)), "inspection",
                                           "Inspection")])

    try:
        assert unit_timeline(place_a.unit, user)[0].kind == "inspection"
        assert "inspection" not in [e.kind for e in unit_timeline(place_a.unit,
                                                                  make_staff(None))]
    finally:
        from property_service.registry import selectors

        del selectors._TIMELINE_SOURCES[inspections]


def _queries_per_table(client, url) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    counts: dict[str, int] = {}
    for query in queries.captured_queries:
        sql = query["sql"].replace("`", '"')
        if sql.startswith("SELECT"):
            table = sql.split(' FROM "', 1)[1].split('"', 1)[0]
            counts[table] = counts.get(table, 0) + 1
    return counts


def test_the_unit_and_resident_pages_read_each_rows_links_with_it(client, make_staff, place_a):
    """Each occupancy is named with its resident and its unit's building and community, and
    each unit or resident chosen in a form is shown by its name: all read with the rows, not
    one query a row and link."""
    client.force_login(make_staff(None, is_superuser=True, is_staff=True))
    unit_page = admin_url("unit", "change", place_a.unit.pk)
    resident_page = admin_url("resident", "change", place_a.resident.pk)
    before = (_queries_per_table(client, unit_page), _queries_per_table(client, resident_page))
    for n in range(3):
        occupancy = OccupancyFactory(unit=place_a.unit, relation="tenant",
                                     start_date=datetime.date(2020 + n, 1, 1),
                                     end_date=datetime.date(2020 + n, 12, 31))
        OccupancyFactory(resident=place_a.resident, relation="tenant",
                         unit__building=place_a.building,
                         start_date=occupancy.start_date, end_date=occupancy.end_date)
    after = (_queries_per_table(client, unit_page), _queries_per_table(client, resident_page))
    # (A chosen unit or resident is looked up by the form's widget, one query a row; its
    # building and community are read with it.)
    for table in ("property_service_building", "property_service_community"):
        for page_before, page_after in zip(before, after, strict=True):
            assert page_after.get(table, 0) == page_before.get(table, 0), table
    assert after[0].get("property_service_unit") == before[0].get("property_service_unit")
