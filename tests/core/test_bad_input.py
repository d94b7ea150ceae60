"""Bad input in a URL or a body is refused with a 4xx and a message, never a 500: ids too big
for the database, a forged pagination cursor, half a pair of related lists, out-of-range
years and unknown choices."""

import base64

import pytest

from tests.factories.workorders import WorkOrderFactory

HUGE = "9" * 40
FORGED_CURSOR = base64.b64encode(b"p=abc").decode()


@pytest.fixture
def superuser(make_staff):
    return make_staff(None, is_superuser=True, is_staff=True)


@pytest.mark.parametrize("given", ["buildings", "units"])
def test_an_incident_with_buildings_but_no_units_or_the_reverse_is_recorded(client, superuser,
                                                                             place_a, given):
    client.force_login(superuser)
    places = {"buildings": [place_a.building.pk], "units": [place_a.unit.pk]}
    response = client.post("/api/v1/incidents/", {
        "kind": "elevator_entrapment", "location": "3栋电梯", "people_affected": 1,
        given: places[given]}, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()[given] == places[given]
    assert response.json()["community"] == place_a.community.pk


@pytest.mark.parametrize("given", ["buildings", "units"])
def test_an_incident_with_only_places_of_two_communities_is_a_400(client, superuser, place_a,
                                                                   place_b, given):
    client.force_login(superuser)
    places = {"buildings": [place_a.building.pk, place_b.building.pk],
              "units": [place_a.unit.pk, place_b.unit.pk]}
    response = client.post("/api/v1/incidents/", {
        "kind": "elevator_entrapment", "location": "3栋电梯", "people_affected": 1,
        given: places[given]}, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()


@pytest.mark.parametrize("resource", ["communities", "units", "work-orders", "complaints",
                                      "incidents", "notices", "contracts", "notifications"])
def test_a_forged_cursor_is_refused_on_every_list(client, superuser, resource):
    client.force_login(superuser)
    response = client.get(f"/api/v1/{resource}/", {"cursor": FORGED_CURSOR})
    assert response.status_code in (400, 404), response.content[:300]
    assert response.json()["detail"]


@pytest.mark.parametrize("url", [
    f"/api/v1/work-orders/?unit={HUGE}",
    f"/api/v1/work-orders/?community={HUGE}",
    f"/api/v1/units/?building={HUGE}",
    f"/api/v1/complaints/?unit={HUGE}",
    f"/api/v1/complaints/?community={HUGE}",
    f"/api/v1/incidents/?community={HUGE}",
    f"/api/v1/buildings/?community={HUGE}",
    f"/api/v1/units/?community={HUGE}",
    f"/api/v1/incidents/?unit={HUGE}",
    f"/api/v1/incidents/?building={HUGE}",
    f"/api/v1/residents/?unit={HUGE}",
    "/api/v1/residents/?unit=abc",
])
def test_a_forty_digit_id_in_an_api_filter_is_a_400(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]


@pytest.mark.parametrize("url", [
    f"/admin/property_service/workorder/?unit={HUGE}",
    f"/admin/property_service/workorder/?community={HUGE}",
    f"/admin/property_service/complaint/?unit={HUGE}",
    f"/admin/property_service/unit/?building={HUGE}",
    f"/admin/property_service/occupancy/?unit={HUGE}",
    f"/admin/property_service/resident/?community={HUGE}",
    f"/admin/property_service/workorder/?unit__id__exact={HUGE}",
    f"/admin/property_service/workorder/?community__id__exact={HUGE}",
    f"/admin/property_service/unit/?building__id__exact={HUGE}",
    "/admin/property_service/complaint/figures/?year=99999",
    f"/admin/property_service/complaint/figures/?community={HUGE}",
    f"/admin/property_service/contract/renewals/?community={HUGE}",
    f"/admin/property_service/contract/?expiry={'9' * 20}",
    "/admin/property_service/workorder/export/?format=99",
])
def test_bad_query_parameters_on_admin_pages_are_a_400_that_says_why(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert "This request cannot be answered" in response.content.decode()


def test_the_refusal_is_in_the_users_language(client, superuser, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(superuser)
    response = client.get(f"/admin/property_service/workorder/?unit={HUGE}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "筛选" in page and "This list" not in page


def test_a_non_numeric_history_version_is_not_found(client, superuser, place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    client.force_login(superuser)
    response = client.get(f"/admin/property_service/workorder/{order.pk}/history/abc/")
    assert response.status_code == 404
