"""Personas of community A (agent, desk, manager), a resident's portal login, and an activity
planned for 2027-01-20 (the clock starts 2026-11-25 10:00)."""

import pytest
from property_service.activities import services
from property_service.portal import services as portal_services

from tests.factories.registry import OccupancyFactory, UnitFactory
from tests.workorders.conftest import at

PASSWORD = "Resident-pass-2026"


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_act")


@pytest.fixture
def desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_act")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_act")


@pytest.fixture
def resident_a(place_a):
    return portal_services.create_account(by=None, resident=place_a.resident,
                                          username="resident_act", password=PASSWORD).user


def household(place, number, name=None):
    """Another occupied unit of ``place``'s building, with its resident."""
    unit = UnitFactory(building=place.building, number=number, status="occupied")
    OccupancyFactory(unit=unit, resident__name=name or f"Resident {number}",
                     resident__phone=f"1390000{int(number):04d}")
    return unit


@pytest.fixture
def plan(place_a, agent):
    def make(place=None, by=None, **kwargs):
        place = place or place_a
        fields = {"community": place.community, "title": "中秋赏月会",
                  "title_en": "Mid-Autumn moon party", "place": "中心花园",
                  "starts_at": at("2027-01-20 19:00"), "ends_at": at("2027-01-20 21:00"),
                  "signup_closes_at": at("2027-01-18 18:00"), "capacity": 10,
                  "household_limit": 3}
        fields.update(kwargs)
        return services.activity_create(by=by or agent, **fields)

    return make


@pytest.fixture
def published(plan, manager, clock):
    """A published activity (sign-up open until 2027-01-18 18:00)."""

    def make(**kwargs):
        activity = plan(**kwargs)
        return services.transition_activity(activity_id=activity.pk, user=manager,
                                            action="publish")

    return make


def act(activity, user, action, **kwargs):
    return services.transition_activity(activity_id=activity.pk, user=user, action=action,
                                        **kwargs)


def sign_up(activity, user, unit, people=1):
    return services.activity_sign_up(activity_id=activity.pk, user=user, unit=unit,
                                     people=people)
