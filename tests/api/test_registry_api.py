"""Registry resources: scoped like the back office, validated like the back office."""

import pytest
from property_service.registry.models import Occupancy, Resident, Unit

from tests.factories.registry import UnitFactory


@pytest.fixture
def api(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_units_carry_ids_and_labels(api, make_staff, place_a):
    client = api(make_staff("CS Agent"))
    unit = client.get(f"/api/v1/units/{place_a.unit.pk}/").json()
    assert unit["building"] == place_a.building.pk
    assert unit["community"] == place_a.community.pk
    assert unit["community_label"] == "Community AAA"
    assert unit["status"] == "vacant" and unit["status_label"] == "Vacant"
    assert unit["number"] == "301"


def test_lists_are_scoped_to_the_callers_communities(api, make_staff, place_a, place_b):
    client = api(make_staff("CS Agent", communities=[place_a.community]))
    for resource, expected in (("communities", place_a.community.pk),
                               ("buildings", place_a.building.pk), ("units", place_a.unit.pk),
                               ("residents", place_a.resident.pk),
                               ("occupancies", place_a.occupancy.pk)):
        body = client.get(f"/api/v1/{resource}/").json()
        assert [row["id"] for row in body["results"]] == [expected], resource
    assert client.get(f"/api/v1/units/{place_b.unit.pk}/").status_code == 404
    assert client.get(f"/api/v1/residents/{place_b.resident.pk}/").status_code == 404
    assert client.get("/api/v1/units/", {"community": place_b.community.pk}).json()[
        "results"] == []


def test_lists_page_with_a_cursor(api, make_staff, place_a):
    UnitFactory.create_batch(4, building=place_a.building)
    client = api(make_staff("CS Agent"))
    seen, url = [], "/api/v1/units/?page_size=2"
    while url:
        body = client.get(url).json()
        assert set(body) >= {"results", "next", "previous"}
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(Unit.objects.values_list("pk", flat=True), reverse=True)


def test_filters_and_search(api, make_staff, place_a):
    UnitFactory(building=place_a.building, number="1202", status="occupied")
    client = api(make_staff("CS Agent"))
    assert [u["number"] for u in client.get("/api/v1/units/?status=occupied").json()[
        "results"]] == ["1202"]
    assert [u["number"] for u in client.get("/api/v1/units/?search=1202").json()[
        "results"]] == ["1202"]
    assert [r["id"] for r in client.get(f"/api/v1/residents/?unit={place_a.unit.pk}").json()[
        "results"]] == [place_a.resident.pk]


def test_creating_an_occupancy_with_plain_ids_and_codes(api, make_staff, place_a):
    client = api(make_staff("CS Agent"))
    response = client.post("/api/v1/occupancies/", {
        "unit": place_a.unit.pk, "resident": place_a.resident.pk, "relation": "tenant",
        "start_date": "2019-01-01", "end_date": "2019-12-31"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["relation_label"] == "Tenant"
    assert response.json()["unit_label"] == str(place_a.unit)


def test_an_overlapping_occupancy_is_refused_with_a_message(api, make_staff, place_a):
    client = api(make_staff("CS Agent"))
    response = client.post("/api/v1/occupancies/", {
        "unit": place_a.unit.pk, "resident": place_a.resident.pk, "relation": "owner",
        "start_date": "2021-01-01"}, content_type="application/json")
    assert response.status_code == 400
    assert "overlaps" in response.json()["non_field_errors"][0]
    assert Occupancy.objects.count() == 1


def test_a_link_to_another_community_is_refused(api, make_staff, place_a, place_b):
    client = api(make_staff("CS Agent", communities=[place_a.community]))
    response = client.post("/api/v1/occupancies/", {
        "unit": place_b.unit.pk, "resident": place_a.resident.pk, "relation": "tenant",
        "start_date": "2025-01-01"}, content_type="application/json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Occupancy.objects.filter(unit=place_b.unit, resident=place_a.resident).exists()


@pytest.mark.parametrize("language,message", [
    ("en", "Enter a valid phone number"), ("zh-hans", "请输入有效的电话号码")])
def test_an_invalid_resident_is_refused_in_the_callers_language(api, make_staff, place_a,
                                                               language, message):
    client = api(make_staff("CS Agent"))
    response = client.post("/api/v1/residents/", {
        "community": place_a.community.pk, "name": "李雷", "phone": "12345"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json()["phone"][0].startswith(message)
    assert not Resident.objects.filter(name="李雷").exists()


def test_a_resident_created_through_the_api_is_normalised(api, make_staff, place_a):
    client = api(make_staff("CS Agent"))
    response = client.post("/api/v1/residents/", {
        "community": place_a.community.pk, "name": "李雷", "phone": "+86 138 0000 1111",
        "id_number": "11010519491231002x"}, content_type="application/json")
    assert response.status_code == 400  # that ID number is already place A's resident's
    response = client.post("/api/v1/residents/", {
        "community": place_a.community.pk, "name": "李雷", "phone": "+86 138 0000 1111"},
        content_type="application/json")
    assert response.status_code == 201
    assert response.json()["phone"] == "13800001111"
    assert Resident.objects.get(name="李雷").id_number is None


def test_a_duplicate_unit_is_refused(api, make_staff, place_a):
    client = api(make_staff("System Manager"))
    response = client.post("/api/v1/units/", {
        "building": place_a.building.pk, "entrance": "1", "number": "301"},
        content_type="application/json")
    assert response.status_code == 400
    assert Unit.objects.count() == 1


def test_roles_limit_writes(api, make_staff, place_a):
    client = api(make_staff("Maintenance"))
    assert client.get("/api/v1/units/").status_code == 200
    assert client.patch(f"/api/v1/units/{place_a.unit.pk}/", {"note": "x"},
                        content_type="application/json").status_code == 403
    assert client.get("/api/v1/occupancies/").status_code == 403


def test_deleting_a_unit_that_is_still_referred_to_is_a_conflict(api, make_staff, place_a):
    client = api(make_staff("System Manager"))
    response = client.delete(f"/api/v1/units/{place_a.unit.pk}/")
    assert response.status_code == 409
    assert "detail" in response.json()
    assert Unit.objects.filter(pk=place_a.unit.pk).exists()


@pytest.mark.parametrize("body", [
    "not json", "[]", '{"unit": "x", "resident": [], "relation": "boss", "start_date": "soon"}'])
def test_malformed_bodies_are_4xx(api, make_staff, place_a, body):
    client = api(make_staff("System Manager"))
    response = client.post("/api/v1/occupancies/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
