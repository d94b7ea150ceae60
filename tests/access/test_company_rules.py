"""Company rules (company teams, categories, the company SLA policies and complaint standards,
working calendars, playbooks) also govern communities a limited user does not work for: only
staff whose scope is the company change them, in the admin and the API alike. A limited user
may still add and edit their own communities' overrides."""

import pytest
from property_service.access.scoping import governs_every_community, may_write
from property_service.complaints.models import ComplaintStandard
from property_service.core.models import WorkingCalendar
from property_service.incidents.models import PlaybookStep
from property_service.workorders.models import SlaPolicy, Team, WorkOrderCategory

from tests.factories.workorders import TeamFactory
from tests.helpers import admin_url


@pytest.fixture
def manager_a(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a")


@pytest.fixture
def head_manager(make_staff, place_a):
    return make_staff("Property Manager", communities=None, username="mgr_all")


@pytest.fixture
def company_team(db):
    return Team.objects.get(code="maintenance", community__isnull=True)


def company_rows():
    return {
        "team": Team.objects.filter(community__isnull=True).first(),
        "workordercategory": WorkOrderCategory.objects.first(),
        "slapolicy": SlaPolicy.objects.filter(community__isnull=True).first(),
        "complaintstandard": ComplaintStandard.objects.filter(community__isnull=True).first(),
        "workingcalendar": WorkingCalendar.objects.first(),
        "playbookstep": PlaybookStep.objects.first(),
    }


def test_rows_without_a_community_and_rows_of_company_wide_models_are_company_rules(place_a):
    rows = company_rows()
    assert all(governs_every_community(row) for row in rows.values())
    assert not governs_every_community(TeamFactory(community=place_a.community))


def test_only_a_user_who_sees_every_community_may_write_a_company_rule(manager_a,
                                                                       head_manager, place_a):
    for row in company_rows().values():
        assert not may_write(manager_a, row)
        assert may_write(head_manager, row)
    own_team = TeamFactory(community=place_a.community)
    assert may_write(manager_a, own_team)
    assert may_write(manager_a, model=Team) and may_write(manager_a, model=SlaPolicy)
    assert not may_write(manager_a, model=WorkOrderCategory)
    assert not may_write(manager_a, model=WorkingCalendar)


@pytest.mark.parametrize("model", ["team", "workordercategory", "slapolicy",
                                   "complaintstandard", "workingcalendar", "playbookstep"])
def test_a_limited_manager_sees_a_company_rule_read_only_in_the_admin(client, manager_a, model):
    row = company_rows()[model]
    client.force_login(manager_a)
    page = client.get(admin_url(model, "change", row.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(admin_url(model, "change", row.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_manager_of_every_community_edits_a_company_rule_in_the_admin(client, head_manager):
    policy = SlaPolicy.objects.get(community__isnull=True, priority="urgent")
    client.force_login(head_manager)
    page = client.get(admin_url("slapolicy", "change", policy.pk))
    assert page.context["has_change_permission"] is True


def test_a_limited_manager_cannot_add_a_company_wide_category_or_calendar(client, manager_a):
    client.force_login(manager_a)
    assert client.get(admin_url("workordercategory", "add")).status_code == 403
    assert client.post(admin_url("workordercategory", "add"),
                       {"code": "roof", "name": "Roof", "default_priority": "normal",
                        "is_active": "on"}).status_code == 403
    assert client.get(admin_url("workingcalendar", "add")).status_code == 403
    assert not WorkOrderCategory.objects.filter(code="roof").exists()


TEAM_FORM = {"code": "a-roof", "name": "Roof team", "kind": "maintenance",
             "dispatch_mode": "pool", "take_within_minutes": "15",
             "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}


def test_a_limited_manager_adds_a_team_for_their_community_not_for_the_company(
        client, manager_a, place_a):
    client.force_login(manager_a)
    refused = client.post(admin_url("team", "add"), {**TEAM_FORM, "community": ""})
    assert refused.status_code == 200
    assert "only staff who work for every community" in str(
        refused.context["adminform"].form.errors)
    assert not Team.objects.filter(code="a-roof").exists()
    added = client.post(admin_url("team", "add"), {**TEAM_FORM,
                                                   "community": place_a.community.pk})
    assert added.status_code == 302
    assert Team.objects.get(code="a-roof").community == place_a.community


def test_a_limited_manager_cannot_patch_a_company_team_in_the_api(client, manager_a,
                                                                  company_team):
    client.force_login(manager_a)
    response = client.patch(f"/api/v1/teams/{company_team.pk}/", {"take_within_minutes": 99},
                            content_type="application/json")
    assert response.status_code == 403 and "detail" in response.json()
    company_team.refresh_from_db()
    assert company_team.take_within_minutes != 99


def test_a_limited_manager_cannot_patch_or_create_categories_in_the_api(client, manager_a):
    cat = WorkOrderCategory.objects.get(code="elevator")
    client.force_login(manager_a)
    assert client.patch(f"/api/v1/work-order-categories/{cat.pk}/",
                        {"default_priority": "scheduled"},
                        content_type="application/json").status_code == 403
    assert client.post("/api/v1/work-order-categories/",
                       {"code": "roof", "name": "Roof", "default_priority": "normal"},
                       content_type="application/json").status_code == 403
    cat.refresh_from_db()
    assert cat.default_priority != "scheduled"
    assert not WorkOrderCategory.objects.filter(code="roof").exists()


def test_a_limited_manager_creates_only_their_communitys_teams_in_the_api(client, manager_a,
                                                                          place_a):
    client.force_login(manager_a)
    body = {"code": "a-roof", "name": "Roof team", "kind": "maintenance"}
    refused = client.post("/api/v1/teams/", body, content_type="application/json")
    assert refused.status_code == 400 and "community" in refused.json()
    assert not Team.objects.filter(code="a-roof").exists()
    own = client.post("/api/v1/teams/", {**body, "community": place_a.community.pk},
                      content_type="application/json")
    assert own.status_code == 201
    moved = client.patch(f"/api/v1/teams/{own.json()['id']}/", {"community": None},
                         content_type="application/json")
    assert moved.status_code == 400
    assert Team.objects.get(code="a-roof").community == place_a.community


def test_a_manager_of_every_community_patches_a_company_team_in_the_api(client, head_manager,
                                                                        company_team):
    client.force_login(head_manager)
    response = client.patch(f"/api/v1/teams/{company_team.pk}/", {"take_within_minutes": 20},
                            content_type="application/json")
    assert response.status_code == 200
    company_team.refresh_from_db()
    assert company_team.take_within_minutes == 20
