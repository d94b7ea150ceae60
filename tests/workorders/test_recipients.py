"""Who must act is told: a new urgent order reaches the community's CS agents and supervisors
and the team's members on duty, from whichever channel it came; a missed deadline reaches the
assignee, the team's leads and the supervisors. Each person once per event, and nobody of
another community."""

import datetime

import pytest
from property_service.core.models import Notification
from property_service.workorders import services
from property_service.workorders.jobs import chase_work_orders
from property_service.workorders.models import TeamMember
from property_service.workorders.recipients import breach_recipients, urgent_order_recipients

from tests.factories.workorders import TeamMemberFactory
from tests.workorders.conftest import at, category, fire

URGENT = Notification.Kind.URGENT_ORDER
BREACH = Notification.Kind.SLA_BREACH


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


@pytest.fixture
def front_desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def lead(make_staff, place_a, maintenance_team):
    user = make_staff("Maintenance", communities=[place_a.community], username="lead_a")
    TeamMemberFactory(team=maintenance_team, user=user, is_lead=True)
    return user


@pytest.fixture
def off_duty(make_staff, place_a, maintenance_team):
    user = make_staff("Maintenance", communities=[place_a.community], username="off_a")
    TeamMemberFactory(team=maintenance_team, user=user, on_duty=False)
    return user


@pytest.fixture
def elsewhere(make_staff, place_b, maintenance_team):
    """Staff of community B only: an agent, a supervisor and a member of the same team."""
    agent = make_staff("CS Agent", communities=[place_b.community], username="agent_b")
    supervisor = make_staff("CS Supervisor", communities=[place_b.community],
                            username="sup_b")
    member = make_staff("Maintenance", communities=[place_b.community], username="tech_bb")
    TeamMemberFactory(team=maintenance_team, user=member, is_lead=True)
    return [agent, supervisor, member]


@pytest.fixture
def everyone(clock, agent, supervisor, manager, technician, lead, off_duty, elsewhere,
             front_desk):
    """Everyone at 2026-11-25 10:00 (the clock's default)."""


def file_urgent(by, place):
    return services.create_work_order(
        by=by, community=place.community, unit=place.unit, channel="walk_in",
        category=category("water_leak"), description="楼上漏水")


def test_an_urgent_order_from_the_front_desk_reaches_the_agents_supervisors_and_team(
        everyone, front_desk, place_a):
    order = file_urgent(front_desk, place_a)
    assert told(URGENT) == {"agent_a", "sup_a", "tech_a", "lead_a"}
    message = Notification.objects.filter(kind=URGENT).first()
    assert (message.target_id, message.target_type.model) == (order.pk, "workorder")
    assert f"Work order {order.number}" in message.message


def test_the_urgent_rule_names_the_same_people_as_a_pure_reading(everyone, front_desk, place_a):
    order = file_urgent(front_desk, place_a)
    assert {u.username for u in urgent_order_recipients(order)} == {
        "agent_a", "sup_a", "tech_a", "lead_a"}


def test_an_order_that_is_not_urgent_is_announced_to_nobody(everyone, front_desk, place_a):
    services.create_work_order(by=front_desk, community=place_a.community, unit=place_a.unit,
                               channel="walk_in", category=category("electrical"),
                               priority="normal", description="灯不亮")
    assert told(URGENT) == set()


def test_the_person_who_files_an_urgent_order_is_not_told_of_it(everyone, agent, place_a):
    file_urgent(agent, place_a)
    assert "agent_a" not in told(URGENT) and "sup_a" in told(URGENT)


def test_an_urgent_order_filed_through_the_api_is_announced_too(everyone, client, agent,
                                                                place_a):
    client.force_login(agent)
    response = client.post("/api/v1/work-orders/", {
        "unit": place_a.unit.pk, "category": category("water_leak").pk, "channel": "app",
        "description": "水管爆了"}, content_type="application/json")
    assert response.status_code == 201
    assert told(URGENT) == {"sup_a", "tech_a", "lead_a"}


def test_an_order_raised_to_urgent_is_announced_once(everyone, front_desk, supervisor,
                                                     place_a):
    order = services.create_work_order(
        by=front_desk, community=place_a.community, unit=place_a.unit, channel="phone",
        category=category("electrical"), priority="normal", description="配电箱冒烟")
    services.change_priority(order_id=order.pk, user=supervisor, priority="urgent")
    services.change_priority(order_id=order.pk, user=supervisor, priority="normal")
    services.change_priority(order_id=order.pk, user=supervisor, priority="urgent")
    assert told(URGENT) == {"agent_a", "tech_a", "lead_a"}
    assert Notification.objects.filter(kind=URGENT).count() == 3


def test_an_urgent_order_sent_to_another_team_tells_only_the_new_teams_members(
        everyone, front_desk, agent, cleaner, cleaning_team, place_a):
    order = file_urgent(front_desk, place_a)
    fire(order, agent, "dispatch", team=cleaning_team, assignee=cleaner)
    assert told(URGENT) == {"agent_a", "sup_a", "tech_a", "lead_a", "cleaner_a"}
    assert Notification.objects.filter(kind=URGENT).count() == 5


def test_a_breach_reaches_the_assignee_the_team_lead_and_the_supervisors(
        everyone, front_desk, agent, technician, place_a):
    order = file_urgent(front_desk, place_a)
    fire(order, agent, "dispatch", assignee=technician)
    late = order.complete_by + datetime.timedelta(minutes=1)
    chase_work_orders(now=late)
    chase_work_orders(now=late)
    assert told(BREACH) == {"tech_a", "lead_a", "sup_a"}
    assert Notification.objects.filter(kind=BREACH).count() == 3


def test_the_breach_rule_without_an_assignee_names_the_leads_and_supervisors(
        everyone, front_desk, place_a):
    order = file_urgent(front_desk, place_a)
    assert {u.username for u in breach_recipients(order)} == {"lead_a", "sup_a"}


def test_a_lead_off_duty_is_not_told(everyone, front_desk, lead, place_a):
    TeamMember.objects.filter(user=lead).update(on_duty=False)
    order = file_urgent(front_desk, place_a)
    assert "lead_a" not in {u.username for u in breach_recipients(order)}
    assert "lead_a" not in told(URGENT)


def test_an_order_reported_at_night_breaches_once_at_its_deadline(everyone, agent, technician,
                                                                  place_a):
    order = services.create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=category("water_leak"), description="漏水", reported_at=at("2026-11-25 02:00"))
    fire(order, agent, "dispatch", assignee=technician)
    chase_work_orders(now=at("2026-11-25 09:00"))
    chase_work_orders(now=at("2026-11-25 09:30"))
    # Dispatching was the response; the completion deadline was missed: told once.
    assert Notification.objects.filter(kind=BREACH, user=technician).count() == 1
    assert not Notification.objects.filter(kind=BREACH, user__username__endswith="_b").exists()


def test_an_urgent_repair_reported_in_the_residents_portal_is_announced(everyone, place_a):
    from property_service.portal import services as portal

    account = portal.create_account(by=None, resident=place_a.resident, username="resident_a",
                                    password="Resident-pass-2026")
    order = portal.report_repair(user=account.user, unit_id=place_a.unit.pk,
                                 category=category("water_leak"), description="家里水管爆了")
    assert order.priority == "urgent"
    assert told(URGENT) == {"agent_a", "sup_a", "tech_a", "lead_a"}
