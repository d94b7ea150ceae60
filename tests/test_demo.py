"""The demo site: what `make run` loads and the logins it prints."""

import pytest
from django.contrib.auth import get_user_model
from property_service.demo import DEMO_PASSWORD, DEMO_RESIDENT, DEMO_USERS, load_demo
from property_service.registry.models import Community, Occupancy, Resident, Unit


def delete_demo():
    from property_service.activities.models import Activity
    from property_service.complaints.models import Complaint
    from property_service.contracts.models import Contract
    from property_service.core.models import (
        EscalationStep,
        Notification,
        NumberSequence,
        PersonalDataAccess,
    )
    from property_service.incidents.models import Incident
    from property_service.insurance.models import Claim, InsurancePolicy
    from property_service.notices.models import Notice
    from property_service.registry.models import Building, ParkingSpace, Vehicle
    from property_service.specialservices.models import SpecialServiceOrder
    from property_service.surveys.models import Survey, SurveyResponse
    from property_service.workorders.models import TeamMember, WorkOrder

    for model in (SurveyResponse, Survey, Activity, Notice, Claim, Incident, Contract,
                  InsurancePolicy, Complaint, SpecialServiceOrder, WorkOrder, NumberSequence,
                  Notification, EscalationStep, TeamMember, PersonalDataAccess, ParkingSpace,
                  Vehicle, Occupancy, Resident, Unit, Building, Community):
        model.objects.all().delete()
    get_user_model().objects.filter(username__in=[*DEMO_USERS, DEMO_RESIDENT]).delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # Loaded once for the module; each test still runs in its own rolled-back transaction.
    with django_db_blocker.unblock():
        counts = load_demo()
    yield counts
    with django_db_blocker.unblock():
        delete_demo()


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_the_demo_has_two_communities_600_units_and_900_residents(demo):
    from property_service.workorders.models import WorkOrder

    assert Community.objects.count() == 2
    # Forty repair requests, and one repair raised from an incident.
    # Besides the orders raised from an incident and those of the demo resident (portal).
    assert WorkOrder.objects.filter(incidents__isnull=True).exclude(
        resident__portal_account__isnull=False).count() == 40
    from property_service.complaints.models import Complaint

    assert Complaint.objects.values("state").distinct().count() == 6
    assert WorkOrder.objects.values("state").distinct().count() >= 7
    assert Unit.objects.count() == 600
    assert Resident.objects.count() == 900
    assert Occupancy.objects.filter(end_date__isnull=True).count() > 800


def test_the_demo_has_incidents_in_varied_states_and_notices(demo):
    from property_service.incidents.models import Incident
    from property_service.notices.models import Notice

    states = dict(Incident.objects.values_list("kind", "state"))
    assert states == {"elevator_entrapment": "contained", "power_cut": "open",
                      "fire": "approved"}
    lift = Incident.objects.get(kind="elevator_entrapment")
    assert lift.checklist.filter(done_at__isnull=False).count() == 4
    assert lift.work_orders.count() == 1
    outage = Notice.objects.get(source_incident__kind="power_cut")
    assert (outage.state, outage.urgent, outage.kind) == ("draft", True, "outage")
    assert Notice.objects.filter(state="published").count() == 1
    assert Notice.objects.count() == 3


def test_demo_residents_pass_the_models_own_validation(demo):
    for resident in Resident.objects.all()[:200]:
        resident.full_clean()
    for unit in Unit.objects.select_related("building")[:50]:
        unit.full_clean()


def test_loading_the_demo_twice_changes_nothing(demo):
    assert load_demo() == {}
    assert Unit.objects.count() == 600


def test_the_demo_is_deterministic(demo):
    names = list(Resident.objects.order_by("pk").values_list("name", "phone", "id_number")[:20])
    delete_demo()
    load_demo()
    again = list(Resident.objects.order_by("pk").values_list("name", "phone", "id_number")[:20])
    assert again == names


@pytest.mark.parametrize("username", list(DEMO_USERS))
def test_each_demo_user_logs_in_to_the_admin_and_the_api(client, demo, username):
    response = client.post("/admin/login/?next=/admin/",
                           {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    token = client.post("/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD},
                        content_type="application/json")
    assert token.status_code == 200 and token.json()["token"]


def test_the_first_community_limits_manager_agent_and_maintenance(demo):
    first = Community.objects.get(code="JXHY")
    for username, (role, limited) in DEMO_USERS.items():
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        if limited:
            assert list(user.staff_profile.communities.all()) == [first]
        else:
            assert user.staff_profile.all_communities
    assert {u for u, (_, limited) in DEMO_USERS.items() if limited} == {
        "manager", "cs_agent", "maintenance"}


def test_the_demo_has_contracts_and_policies_at_every_renewal_stage(demo):
    from property_service.contracts.models import Contract
    from property_service.core.models import Notification

    states = set(Contract.objects.values_list("state", flat=True))
    assert {"active", "renewal_due", "negotiating", "expired"} <= states
    manager = get_user_model().objects.get(username="manager")
    assert Notification.objects.filter(user=manager, kind="renewal_due").exists()
    assert Notification.objects.filter(user=manager, kind="expired").exists()


def test_the_demo_resident_logs_in_to_the_portal_and_sees_their_repairs(client, demo):
    from property_service.workorders.models import WorkOrder

    response = client.post("/portal/login/", {"username": DEMO_RESIDENT,
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/portal/"
    # Two repairs, and the work orders of two paid special services.
    assert client.get("/portal/repairs/").content.decode().count("data-order=") == 4
    repaired = WorkOrder.objects.get(resident__portal_account__user__username=DEMO_RESIDENT,
                                     state="completed")
    page = client.get(f"/portal/repairs/{repaired.pk}/").content.decode()
    assert "Yes, accept the repair" in page
