import pytest
from property_service.complaints import services

from tests.workorders.conftest import at  # noqa: F401  (shared helper)


@pytest.fixture
def front_desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a")


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def new_complaint(place_a, front_desk):
    def make(**kwargs):
        fields = {"community": place_a.community, "unit": place_a.unit, "channel": "phone",
                  "category": "cleaning", "content": "楼道垃圾三天没人清理",
                  "request": "尽快清理"}
        fields.update(kwargs)
        return services.create_complaint(by=front_desk, **fields)

    return make


def act(complaint, user, action, **kwargs):
    return services.transition_complaint(complaint_id=complaint.pk, user=user, action=action,
                                         **kwargs)
