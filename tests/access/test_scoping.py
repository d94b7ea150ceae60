"""A user limited to community A never sees a row of community B: not in lists, search,
autocomplete, filters, detail pages, history or exports (and, in the API tests, not in the API)."""

import pytest
from django.contrib import admin
from property_service.access.scoping import community_ids, scope
from property_service.registry.models import Occupancy, Resident, Unit

from tests.factories.registry import ParkingSpaceFactory, VehicleFactory
from tests.helpers import admin_url, export

B_MARKERS = ["Community BBB", "BBB-1栋", "Resident BBB", "粤B", "B1-B"]


@pytest.fixture
def two_communities(place_a, place_b):
    for place, plate, code in ((place_a, "沪A12345", "B1-A01"), (place_b, "粤B12345", "B1-B01")):
        vehicle = VehicleFactory(community=place.community, owner=place.resident, plate=plate)
        ParkingSpaceFactory(community=place.community, code=code)
        place.vehicle = vehicle
    return place_a, place_b


@pytest.fixture
def agent_a(make_staff, place_a):
    return make_staff("System Manager", communities=[place_a.community])


def assert_no_b(content: bytes):
    text = content.decode("utf-8", errors="replace")
    leaked = [marker for marker in B_MARKERS if marker in text]
    assert not leaked, f"rows of community B leaked: {leaked}"


SCOPED_MODELS = sorted(
    model._meta.model_name for model in admin.site._registry
    if getattr(model, "community_path", None) is not None
)


def test_every_community_bound_model_is_covered():
    assert {"community", "building", "unit", "resident", "occupancy", "vehicle",
            "parkingspace", "personaldataaccess"} <= set(SCOPED_MODELS)


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_lists_show_only_the_users_communities(client, agent_a, two_communities, model):
    client.force_login(agent_a)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert_no_b(response.content)


@pytest.mark.parametrize("model", ["resident", "unit", "occupancy", "building", "vehicle"])
def test_search_finds_nothing_of_other_communities(client, agent_a, two_communities, model):
    client.force_login(agent_a)
    for term in ["Resident", "301", "BBB", PHONE_B_SEARCH]:
        response = client.get(admin_url(model, "changelist"), {"q": term})
        assert response.status_code == 200
        assert_no_b(response.content)


PHONE_B_SEARCH = "13712345672"


def test_searching_another_communitys_resident_by_phone_finds_nothing(client, agent_a,
                                                                       two_communities):
    client.force_login(agent_a)
    response = client.get(admin_url("resident", "changelist"), {"q": PHONE_B_SEARCH})
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("model,field,term", [
    ("occupancy", "resident", "Resident"),
    ("occupancy", "unit", "301"),
    ("building", "community", "Community"),
    ("unit", "building", "BBB"),
    ("vehicle", "owner", "Resident"),
])
def test_autocomplete_offers_only_the_users_communities(client, agent_a, two_communities, model,
                                                       field, term):
    client.force_login(agent_a)
    response = client.get("/admin/autocomplete/", {
        "app_label": "property_service", "model_name": model, "field_name": field,
        "term": term})
    assert response.status_code == 200
    assert_no_b(response.content)


def test_the_autocomplete_still_finds_the_users_own_rows(client, agent_a, two_communities):
    place_a, _ = two_communities
    client.force_login(agent_a)
    response = client.get("/admin/autocomplete/", {
        "app_label": "property_service", "model_name": "occupancy", "field_name": "resident",
        "term": "Resident"})
    assert [r["id"] for r in response.json()["results"]] == [str(place_a.resident.pk)]


@pytest.mark.parametrize("model", ["resident", "unit"])
def test_exports_hold_only_the_users_communities(client, agent_a, two_communities, model):
    client.force_login(agent_a)
    content = export(client, model)
    assert_no_b(content)
    assert b"AAA" in content


def test_an_export_of_hand_picked_ids_from_another_community_is_empty(client, agent_a,
                                                                     two_communities):
    _, place_b = two_communities
    client.force_login(agent_a)
    content = export(client, "resident", export_items=[str(place_b.resident.pk)])
    assert_no_b(content)


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_pages_of_another_communitys_rows_are_not_found(client, agent_a, two_communities, view):
    _, place_b = two_communities
    client.force_login(agent_a)
    for model, obj in (("unit", place_b.unit), ("resident", place_b.resident),
                       ("occupancy", place_b.occupancy), ("community", place_b.community)):
        response = client.get(admin_url(model, view, obj.pk), follow=True)
        assert response.status_code in (200, 404)
        assert_no_b(response.content)


def test_old_versions_of_another_communitys_rows_are_not_found(client, agent_a, two_communities):
    _, place_b = two_communities
    client.force_login(agent_a)
    version = place_b.resident.history.first()
    response = client.get(admin_url("resident", "simple_history", place_b.resident.pk,
                                    version.history_id))
    assert response.status_code == 404


def test_list_filters_offer_only_the_users_communities(client, agent_a, two_communities):
    from tests.factories.registry import UnitFactory

    third = UnitFactory(building__community__name="Community CCC").building.community
    agent_a.staff_profile.communities.add(third)
    client.force_login(agent_a)
    response = client.get(admin_url("unit", "changelist"))
    choices = [c["display"] for spec in response.context["cl"].filter_specs
               for c in spec.choices(response.context["cl"])]
    assert "Community AAA" in choices and "Community CCC" in choices
    assert "Community BBB" not in choices


def test_a_form_refuses_a_link_to_another_community(client, agent_a, two_communities):
    place_a, place_b = two_communities
    client.force_login(agent_a)
    response = client.post(admin_url("occupancy", "add"), {
        "unit": place_b.unit.pk, "resident": place_a.resident.pk, "relation": "tenant",
        "start_date": "2025-01-01"})
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Occupancy.objects.filter(unit=place_b.unit, resident=place_a.resident).exists()


def test_a_limited_user_cannot_add_communities(client, agent_a, make_staff):
    client.force_login(agent_a)
    assert client.get(admin_url("community", "add")).status_code == 403
    client.force_login(make_staff("System Manager"))
    assert client.get(admin_url("community", "add")).status_code == 200


def test_a_resident_is_visible_where_they_hold_a_unit(agent_a, two_communities):
    place_a, place_b = two_communities
    # Registered in B, but owns a unit in A as well.
    from tests.factories.registry import OccupancyFactory

    OccupancyFactory(unit=place_a.unit, resident=place_b.resident)
    assert set(scope(Resident.objects.all(), agent_a)) == {place_a.resident, place_b.resident}


def test_a_user_without_a_staff_profile_sees_nothing(make_staff, two_communities):
    from tests.factories.registry import UserFactory

    user = UserFactory()
    assert community_ids(user) == frozenset()
    assert not scope(Unit.objects.all(), user).exists()


def test_superusers_and_all_community_staff_see_everything(make_staff, two_communities):
    from tests.factories.registry import UserFactory

    assert scope(Unit.objects.all(), UserFactory(is_superuser=True)).count() == 2
    assert scope(Unit.objects.all(), make_staff("CS Agent")).count() == 2


def test_whole_communities_are_given_only_where_scope_gives_every_row_of_them(
        make_staff, place_a, place_b):
    """Figures kept by community serve a user only where ``scope`` gives them whole
    communities: not a technician's own orders, not a resident's own rows."""
    from property_service.access.scoping import whole_communities
    from property_service.complaints.models import Complaint
    from property_service.portal import services
    from property_service.workorders.models import WorkOrder

    manager = make_staff("Property Manager", communities=[place_a.community])
    technician = make_staff("Maintenance", communities=[place_a.community])
    everyone = make_staff(None, communities=None, is_superuser=True)
    resident = services.create_account(by=None, resident=place_a.resident,
                                       username="resident_whole", password="Pass-2026-x").user

    def ids(model, user):
        found = whole_communities(model, user)
        return None if found is None else set(found.values_list("pk", flat=True))

    a, b = place_a.community.pk, place_b.community.pk
    assert ids(WorkOrder, manager) == ids(Complaint, manager) == {a}
    assert ids(WorkOrder, everyone) == {a, b}
    assert ids(WorkOrder, technician) is None  # their own and their teams' orders only
    assert ids(Complaint, technician) == {a}
    assert ids(WorkOrder, resident) is None and ids(Complaint, resident) is None
