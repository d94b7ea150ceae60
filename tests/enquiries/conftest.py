import pytest
from property_service.enquiries import services


@pytest.fixture
def front_desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def manager(make_staff, place_a):
    return make_staff("Property Manager", communities=[place_a.community], username="mgr_a")


@pytest.fixture
def new_enquiry(place_a, front_desk):
    def make(place=None, by=None, **kwargs):
        place = place or place_a
        fields = {"community": place.community, "unit": place.unit, "channel": "phone",
                  "topic": "fees", "question": "物业费可以按季度交吗？"}
        fields.update(kwargs)
        return services.create_enquiry(by=by or front_desk, **fields)

    return make


def act(enquiry, user, action, **kwargs):
    return services.transition_enquiry(enquiry_id=enquiry.pk, user=user, action=action,
                                       **kwargs)
