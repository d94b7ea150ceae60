"""A move-in entered anywhere (the service, the back office, the API) plans its first-month
visit at once; the daily job afterwards plans no second one; once late, the visit is chased."""

import datetime

import pytest
from django.urls import reverse
from property_service.core.errors import NotAllowed
from property_service.core.models import Notification
from property_service.registry.models import Occupancy
from property_service.registry.services import occupancy_create
from property_service.visits.jobs import chase_visits, plan_missing_visits
from property_service.visits.models import Kind, State, Visit
from rest_framework.test import APIClient

from tests.factories.registry import ResidentFactory, UnitFactory
from tests.visits.test_plan import visit_notes
from tests.workorders.conftest import at


@pytest.fixture
def newcomer(place_a):
    return ResidentFactory(community=place_a.community, name="新业主")


@pytest.fixture
def empty_unit(place_a):
    return UnitFactory(building=place_a.building, number="1802")


def test_a_move_in_through_the_service_plans_its_visit_at_once_and_the_job_adds_none(
        clock, agent, supervisor, manager, newcomer, empty_unit):
    clock.set("2027-03-01 10:00")
    occupancy = occupancy_create(by=agent, occupancy=Occupancy(
        unit=empty_unit, resident=newcomer, relation="owner",
        start_date=datetime.date(2027, 3, 1)))
    visit = Visit.objects.get(occupancy=occupancy)
    assert (visit.kind, visit.state) == (Kind.FIRST_MONTH, State.PLANNED)
    assert visit.due_at.date() == datetime.date(2027, 3, 31)
    assert visit.chase_at is not None

    # The daily job, the next night and the one after: nothing more.
    clock.set("2027-03-02 00:30")
    assert plan_missing_visits()["first_month"] == 0
    clock.set("2027-03-03 00:30")
    assert plan_missing_visits()["first_month"] == 0
    assert Visit.objects.filter(occupancy=occupancy).count() == 1

    # The clock passes the deadline: the chaser warns, then escalates, each once.
    assert chase_visits(now=at("2027-03-20 12:00"))["notified"] == 0
    chase_visits(now=at("2027-03-29 00:00"))
    assert visit_notes(visit) == [("agent_a", Notification.Kind.FOLLOWUP_DUE)]
    chase_visits(now=at("2027-04-01 00:00"))
    chase_visits(now=at("2027-04-01 00:15"))
    assert visit_notes(visit)[1:] == [("sup_a", Notification.Kind.SLA_BREACH)]
    chase_visits(now=at("2027-04-02 01:00"))
    assert visit_notes(visit)[2:] == [("mgr_a", Notification.Kind.SLA_ESCALATED)]


def test_a_family_member_moving_in_through_the_service_gets_no_visit(
        clock, agent, newcomer, empty_unit):
    clock.set("2027-03-01 10:00")
    occupancy = occupancy_create(by=agent, occupancy=Occupancy(
        unit=empty_unit, resident=newcomer, relation="family",
        start_date=datetime.date(2027, 3, 1)))
    assert not Visit.objects.filter(occupancy=occupancy).exists()


def test_the_service_refuses_staff_without_the_right_or_of_another_community(
        clock, make_staff, place_b, newcomer, empty_unit):
    clock.set("2027-03-01 10:00")
    desk = make_staff("Front Desk", communities=[newcomer.community], username="desk_a")
    agent_b = make_staff("CS Agent", communities=[place_b.community], username="agent_b")
    for user in (desk, agent_b):
        with pytest.raises(NotAllowed):
            occupancy_create(by=user, occupancy=Occupancy(
                unit=empty_unit, resident=newcomer, relation="owner",
                start_date=datetime.date(2027, 3, 1)))
    assert not Occupancy.objects.filter(unit=empty_unit).exists()
    assert not Visit.objects.filter(unit=empty_unit).exists()


def test_a_move_in_entered_in_the_back_office_plans_its_visit(
        client, clock, agent, newcomer, empty_unit):
    clock.set("2027-03-01 10:00")
    client.force_login(agent)
    response = client.post(reverse("admin:property_service_occupancy_add"), {
        "unit": empty_unit.pk, "resident": newcomer.pk, "relation": "tenant",
        "start_date": "2027-03-01", "end_date": ""})
    assert response.status_code == 302, response.content[:2000]
    occupancy = Occupancy.objects.get(unit=empty_unit)
    assert Visit.objects.filter(occupancy=occupancy, kind=Kind.FIRST_MONTH).count() == 1


def test_a_move_in_entered_in_a_units_list_of_residents_plans_its_visit(
        client, clock, manager, newcomer, empty_unit):
    clock.set("2027-03-01 10:00")
    client.force_login(manager)
    url = reverse("admin:property_service_unit_change", args=[empty_unit.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else ""
            for name in form.fields}
    prefix = "occupancies"
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
                 f"{prefix}-0-resident": newcomer.pk, f"{prefix}-0-relation": "owner",
                 f"{prefix}-0-start_date": "2027-03-01", f"{prefix}-0-end_date": "",
                 f"{prefix}-0-unit": empty_unit.pk})
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    occupancy = Occupancy.objects.get(unit=empty_unit)
    assert Visit.objects.filter(occupancy=occupancy, kind=Kind.FIRST_MONTH).count() == 1


def test_a_move_in_through_the_api_plans_its_visit(clock, agent, newcomer, empty_unit):
    clock.set("2027-03-01 10:00")
    api = APIClient()
    api.force_authenticate(agent)
    response = api.post("/api/v1/occupancies/", {
        "unit": empty_unit.pk, "resident": newcomer.pk, "relation": "owner",
        "start_date": "2027-03-01"}, format="json")
    assert response.status_code == 201, response.content
    assert Visit.objects.filter(occupancy_id=response.json()["id"],
                                kind=Kind.FIRST_MONTH).count() == 1
