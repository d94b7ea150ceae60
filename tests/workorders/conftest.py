"""Work-order personas: a maintenance team in community A with its technician, another team with
another technician, and one staff user per role limited to community A."""

import pytest
from django.utils import timezone
from property_service.workorders import services
from property_service.workorders.models import Team, WorkOrderCategory

from tests.factories.workorders import TeamMemberFactory


@pytest.fixture
def maintenance_team(db):
    return Team.objects.get(code="maintenance")


@pytest.fixture
def cleaning_team(db):
    return Team.objects.get(code="cleaning")


@pytest.fixture
def technician(make_staff, place_a, maintenance_team):
    user = make_staff("Maintenance", communities=[place_a.community], username="tech_a")
    TeamMemberFactory(team=maintenance_team, user=user)
    return user


@pytest.fixture
def other_technician(make_staff, place_a, maintenance_team):
    user = make_staff("Maintenance", communities=[place_a.community], username="tech_b")
    TeamMemberFactory(team=maintenance_team, user=user)
    return user


@pytest.fixture
def cleaner(make_staff, place_a, cleaning_team):
    user = make_staff("Cleaning", communities=[place_a.community], username="cleaner_a")
    TeamMemberFactory(team=cleaning_team, user=user)
    return user


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a")


def category(code):
    return WorkOrderCategory.objects.get(code=code)


@pytest.fixture
def new_order(place_a, agent):
    def make(code="electrical", **kwargs):
        fields = {"community": place_a.community, "unit": place_a.unit, "channel": "phone",
                  "description": "灯不亮", "category": category(code)}
        fields.update(kwargs)
        return services.create_work_order(by=agent, **fields)

    return make


def fire(order, user, action, **kwargs):
    return services.transition_work_order(order_id=order.pk, user=user, action=action, **kwargs)


def at(text):
    """An aware Asia/Shanghai datetime from 'YYYY-MM-DD HH:MM'."""
    import datetime

    return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))
