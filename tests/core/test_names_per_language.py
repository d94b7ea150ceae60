"""Reference data named in each language: a category's or a team's name, a role, a permission;
each page, select and API answer shows the reader's language."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from property_service.access.admin import permission_label
from property_service.access.roles import role_label
from property_service.core.models import Notification
from property_service.workorders.models import Team, WorkOrderCategory


@pytest.mark.django_db
def test_a_category_and_its_team_are_named_in_the_readers_language():
    leak = WorkOrderCategory.objects.get(code="water_leak")
    with translation.override("zh-hans"):
        assert (str(leak), str(leak.default_team)) == ("漏水", "工程维修部")
    with translation.override("en"):
        assert (str(leak), str(leak.default_team)) == ("Water leak", "Maintenance team")


@pytest.mark.django_db
def test_a_name_without_its_english_version_shows_the_chinese_one_in_english():
    category = WorkOrderCategory.objects.create(code="roof", name="屋面渗水")
    with translation.override("en"):
        assert str(category) == "屋面渗水"


@pytest.mark.django_db
def test_the_api_gives_both_names_and_the_one_in_the_callers_language(client, make_staff):
    client.force_login(make_staff("CS Agent"))
    leak = WorkOrderCategory.objects.get(code="water_leak")
    body = client.get(f"/api/v1/work-order-categories/{leak.pk}/",
                      HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert (body["name"], body["name_en"], body["label"]) == ("漏水", "Water leak", "漏水")
    body = client.get(f"/api/v1/teams/{leak.default_team_id}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["name"], body["name_en"], body["label"]) == ("工程维修部", "Maintenance team",
                                                             "Maintenance team")


@pytest.mark.django_db
def test_names_written_in_both_languages_at_once_are_split_by_the_migration(make_staff):
    migration = importlib.import_module(
        "property_service.migrations.0017_names_per_language")
    WorkOrderCategory.objects.filter(code="water_leak").update(name="漏水 / Water leak",
                                                               name_en="")
    Team.objects.filter(code="cleaning").update(name_en="")
    WorkOrderCategory.objects.create(code="roof", name="屋面渗水")
    user = make_staff("Maintenance")
    Notification.objects.create(user=user, kind="assigned",
                                message="WO-1 已派给您：漏水 / Water leak")

    migration.split_names(apps, None)

    leak = WorkOrderCategory.objects.get(code="water_leak")
    assert (leak.name, leak.name_en) == ("漏水", "Water leak")
    assert Team.objects.get(code="cleaning").name_en == "Cleaning team"
    assert WorkOrderCategory.objects.get(code="roof").name_en == ""
    assert Notification.objects.get().message == "WO-1 已派给您：漏水"


def test_a_role_is_named_in_the_readers_language():
    with translation.override("zh-hans"):
        assert role_label("CS Agent") == "客服专员"
        assert role_label("Night shift") == "Night shift"  # not a role of the roles file
    with translation.override("en"):
        assert role_label("CS Agent") == "CS Agent"


@pytest.mark.django_db
def test_permissions_are_named_from_the_models_translated_names():
    add_unit = Permission.objects.get(codename="add_unit")
    approve = Permission.objects.get(codename="approve_incident_report")
    with translation.override("zh-hans"):
        assert permission_label(add_unit) == "物业客服系统 | 房屋 | 可新增房屋"
        assert permission_label(approve).endswith("可批准事件报告")
    with translation.override("en"):
        assert permission_label(add_unit) == "Property service | unit | Can add unit"
    assert Group.objects.filter(name="CS Agent").exists()
