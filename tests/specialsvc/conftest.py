from decimal import Decimal

import pytest
from property_service.portal import services as portal_services
from property_service.specialservices import services
from property_service.specialservices.models import SpecialService
from property_service.workorders import services as work_order_services
from property_service.workorders.models import Team, TeamMember

PASSWORD = "Resident-pass-2026"


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def technician(make_staff, place_a):
    """A member of the maintenance team (the team of the seeded quoted items) working for A."""
    user = make_staff("Maintenance", communities=[place_a.community], username="tech_a")
    TeamMember.objects.create(team=Team.objects.get(code="maintenance"), user=user)
    return user


@pytest.fixture
def resident_a(place_a):
    return portal_services.create_account(by=None, resident=place_a.resident,
                                          username="resident_a", password=PASSWORD).user


@pytest.fixture
def resident_b(place_b):
    return portal_services.create_account(by=None, resident=place_b.resident,
                                          username="resident_b", password=PASSWORD).user


def item(code: str) -> SpecialService:
    """A company item of the seeded catalogue (fixtures/special_services.toml)."""
    return SpecialService.objects.get(community=None, code=code)


@pytest.fixture
def quoted_order(clock, place_a, resident_a):
    """Resident A's order of indoor repairs (quoted on site), filed in the portal."""
    return services.order_special_service(by=resident_a, service_id=item("indoor_repair").pk,
                                          unit=place_a.unit, notes="厨房水龙头漏水")


@pytest.fixture
def fixed_order(clock, place_a, resident_a):
    """Resident A's order of drain unblocking (fixed price ¥80.00)."""
    return services.order_special_service(by=resident_a,
                                          service_id=item("drain_unblocking").pk,
                                          unit=place_a.unit)


def work(order, user, *actions, **kwargs):
    """Fire work-order actions on the order's work order, through the work-order service."""
    for action in actions:
        work_order_services.transition_work_order(order_id=order.work_order_id, user=user,
                                                  action=action, **kwargs)
    order.refresh_from_db()
    order.work_order.refresh_from_db()
    return order


def complete(order, *, agent, technician):
    """Dispatch to the technician, and accept, start and complete the work."""
    work(order, agent, "dispatch", assignee=technician)
    work(order, technician, "accept", "start", "complete")
    return order


MONEY = Decimal
