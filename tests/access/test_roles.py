"""The roles file is the one statement of who may do what; these tests check that the back office
enforces it, over HTTP, for every role and every registry model."""

import textwrap

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse
from property_service.access.roles import apply_roles, load_roles

from tests.conftest import ROLE_NAMES, ROLES
from tests.factories.registry import ParkingSpaceFactory, VehicleFactory

REGISTRY_MODELS = ["community", "building", "unit", "resident", "occupancy", "vehicle",
                   "parkingspace"]


def role_named(name):
    return next(r for r in ROLES.values() if r.name == name)


@pytest.fixture
def registry_rows(place_a):
    vehicle = VehicleFactory(community=place_a.community, owner=place_a.resident)
    space = ParkingSpaceFactory(community=place_a.community)
    return {
        "community": place_a.community, "building": place_a.building, "unit": place_a.unit,
        "resident": place_a.resident, "occupancy": place_a.occupancy, "vehicle": vehicle,
        "parkingspace": space,
    }


def admin_url(model, view, *args):
    return reverse(f"admin:property_service_{model}_{view}", args=args)


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("model", REGISTRY_MODELS)
def test_the_admin_enforces_the_roles_file(client, make_staff, registry_rows, role, model):
    actions = set(role_named(role).actions_on("property_service", model))
    client.force_login(make_staff(role))
    obj = registry_rows[model]

    can_view = bool(actions & {"view", "change"})
    assert client.get(admin_url(model, "changelist")).status_code == (200 if can_view else 403)
    assert client.get(admin_url(model, "add")).status_code == (200 if "add" in actions else 403)
    # Posting an empty form: refused (403) without the change permission; otherwise the form
    # comes back with errors (200) and nothing is saved.
    response = client.post(admin_url(model, "change", obj.pk), {})
    assert response.status_code == (200 if "change" in actions else 403)
    expected_delete = 200 if "delete" in actions else 403
    assert client.get(admin_url(model, "delete", obj.pk)).status_code == expected_delete


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_the_admin_index_lists_only_models_the_role_may_see(client, make_staff, role):
    client.force_login(make_staff(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    visible = {m["object_name"].lower() for app in response.context["app_list"]
               for m in app["models"] if app["app_label"] == "property_service"}
    expected = {model for model in REGISTRY_MODELS
                if set(role_named(role).actions_on("property_service", model))
                & {"view", "change", "add", "delete"}}
    assert visible & set(REGISTRY_MODELS) == expected


def test_the_roles_file_keeps_the_domain_rules():
    # What DOMAIN.md says of each role, independent of the file's details.
    assert "view_personal_data" not in role_named("Security").actions_on("property_service",
                                                                         "resident")
    assert "view_personal_data" not in role_named("Front Desk").actions_on("property_service",
                                                                           "resident")
    assert "view_personal_data" in role_named("CS Agent").actions_on("property_service",
                                                                     "resident")
    assert role_named("Cleaning").actions_on("property_service", "resident") == ()
    assert "delete" not in role_named("Front Desk").actions_on("property_service", "resident")
    assert {"view", "add", "change"} <= set(
        role_named("System Manager").actions_on("auth", "user"))
    assert len(ROLES) == 9


def test_applying_roles_twice_changes_nothing(db):
    apply_roles()
    before = {g.name: set(g.permissions.values_list("codename", flat=True))
              for g in Group.objects.all()}
    changes = apply_roles()
    assert all(change == (0, 0) for change in changes.values())
    after = {g.name: set(g.permissions.values_list("codename", flat=True))
             for g in Group.objects.all()}
    assert before == after


def test_applying_roles_removes_permissions_granted_by_hand(db):
    group = Group.objects.get(name="Cleaning")
    group.permissions.add(Permission.objects.get(codename="delete_resident"))
    apply_roles()
    assert not group.permissions.filter(codename="delete_resident").exists()


def test_a_misspelt_model_in_the_roles_file_is_reported(db, tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(textwrap.dedent("""
        [roles.x]
        name = "X"
        [roles.x.models]
        residnet = ["view"]
    """), encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="unknown model property_service.residnet"):
        apply_roles(roles=load_roles(path))
    assert not Group.objects.filter(name="X").exists()


def test_an_unknown_action_in_the_roles_file_is_reported_by_the_command(db, tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('[roles.x]\nname = "X"\n[roles.x.models]\nunit = ["fly"]\n',
                    encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="has no permission 'fly'"):
        call_command("apply_roles", file=str(path))
