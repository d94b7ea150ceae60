"""Two people editing one record: the second save over a version it was not shown is refused,
in the admin and through the API, and the first one's change stays."""

from __future__ import annotations

import re

import pytest
from django_fsm import ConcurrentTransition
from property_service.api.errors import exception_handler
from property_service.core.versions import FORM_FIELD
from property_service.registry.models import Building
from rest_framework.test import APIClient

from ..helpers import admin_url, run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community])


def shown_version(client, building) -> str:
    page = client.get(admin_url("building", "change", building.pk)).content.decode()
    found = re.search(rf'name="{FORM_FIELD}" value="([0-9]+)"', page)
    assert found, "the change form carries the version it shows"
    return found.group(1)


def building_form(building, *, name: str, version: str | None) -> dict:
    data = {"community": building.community_id, "name": name,
            "entrances": building.entrances or "", "floors": building.floors or ""}
    if version is not None:
        data[FORM_FIELD] = version
    return data


@pytest.mark.parametrize("language,message", [
    ("en", "This record was changed by someone else in the meantime. Reload it and try again."),
    ("zh-hans", "该记录已被他人修改，请刷新后重试。"),
])
def test_the_admin_refuses_a_save_over_a_newer_version(client, manager, place_a, language,
                                                       message):
    building = place_a.building
    client.force_login(manager)
    first = shown_version(client, building)
    second = shown_version(client, building)
    assert first == second

    saved = client.post(admin_url("building", "change", building.pk),
                        building_form(building, name="A-east", version=first))
    assert saved.status_code == 302

    late = client.post(admin_url("building", "change", building.pk),
                       building_form(building, name="B-west", version=second),
                       HTTP_ACCEPT_LANGUAGE=language)
    assert late.status_code == 200
    assert message in str(late.context["adminform"].form.errors)
    building.refresh_from_db()
    assert building.name == "A-east"
    # Shown again with the version it was first shown with: saving again is refused again.
    assert f'name="{FORM_FIELD}" value="{second}"' in late.content.decode()


def test_the_admin_saves_over_the_version_it_showed(client, manager, place_a):
    building = place_a.building
    client.force_login(manager)
    version = shown_version(client, building)
    response = client.post(admin_url("building", "change", building.pk),
                           building_form(building, name="A-east", version=version))
    assert response.status_code == 302
    building.refresh_from_db()
    assert building.name == "A-east"
    assert shown_version(client, building) != version


def test_an_admin_deleted_record_is_not_saved_again(client, manager, place_a):
    building = Building.objects.create(community=place_a.community, name="temporary")
    client.force_login(manager)
    version = shown_version(client, building)
    Building.objects.filter(pk=building.pk).delete()
    response = client.post(admin_url("building", "change", building.pk),
                           building_form(building, name="again", version=version))
    assert not Building.objects.filter(pk=building.pk).exists()
    assert response.status_code in (200, 302)


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_gives_the_version_and_refuses_an_update_over_a_newer_one(manager, place_a):
    api = api_for(manager)
    url = f"/api/v1/buildings/{place_a.building.pk}/"
    etag = api.get(url)["ETag"]
    assert re.fullmatch(r'"[0-9]+"', etag)

    first = api.patch(url, {"name": "A-east"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag

    late = api.patch(url, {"name": "B-west"}, format="json", HTTP_IF_MATCH=etag,
                     HTTP_ACCEPT_LANGUAGE="en")
    assert late.status_code == 409
    assert "changed by someone else" in late.json()["detail"]
    place_a.building.refresh_from_db()
    assert place_a.building.name == "A-east"

    current = api.patch(url, {"name": "B-west"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert current.status_code == 200
    assert current.json()["name"] == "B-west"


def test_an_update_without_if_match_is_not_compared(manager, place_a):
    api = api_for(manager)
    response = api.patch(f"/api/v1/buildings/{place_a.building.pk}/", {"name": "A-east"},
                         format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "A-east"


def test_a_save_over_a_state_that_moved_on_is_a_conflict_not_a_server_error():
    response = exception_handler(ConcurrentTransition("moved on"), {})
    assert response.status_code == 409
    assert "changed by someone else" in response.data["detail"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_updates_from_one_version_exactly_one_wins(make_staff, place_a):
    manager = make_staff("Property Manager", communities=[place_a.community])
    url = f"/api/v1/buildings/{place_a.building.pk}/"
    etag = api_for(manager).get(url)["ETag"]

    def rename(name):
        return lambda: api_for(manager).patch(url, {"name": name}, format="json",
                                              HTTP_IF_MATCH=etag).status_code

    results = run_together(rename("A-east"), rename("B-west"))
    assert sorted(results) == [200, 409], results
    place_a.building.refresh_from_db()
    assert place_a.building.name in ("A-east", "B-west")
    assert place_a.building.history.count() == 2  # created, then the one update
