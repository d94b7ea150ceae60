"""Field-app personas: a maintenance technician of community A (and a teammate), a cleaner
(another team), a security guard, a CS agent; and orders dispatched to them."""

import base64
import io

import pytest
from PIL import Image, ImageDraw
from property_service.workorders import services
from property_service.workorders.models import Team, WorkOrderCategory

from tests.factories.workorders import TeamMemberFactory


def category(code):
    return WorkOrderCategory.objects.get(code=code)


@pytest.fixture
def technician(make_staff, place_a):
    user = make_staff("Maintenance", communities=[place_a.community], username="tech_a")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=user)
    return user


@pytest.fixture
def teammate(make_staff, place_a):
    user = make_staff("Maintenance", communities=[place_a.community], username="tech_b")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=user)
    return user


@pytest.fixture
def cleaner(make_staff, place_a):
    user = make_staff("Cleaning", communities=[place_a.community], username="cleaner_a")
    TeamMemberFactory(team=Team.objects.get(code="cleaning"), user=user)
    return user


@pytest.fixture
def guard(make_staff, place_a):
    user = make_staff("Security", communities=[place_a.community], username="guard_a")
    TeamMemberFactory(team=Team.objects.get(code="security"), user=user)
    return user


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


@pytest.fixture
def new_order(place_a, agent):
    def make(code="electrical", **kwargs):
        fields = {"community": place_a.community, "unit": place_a.unit, "channel": "phone",
                  "description": "厨房灯不亮", "category": category(code),
                  "resident": place_a.resident}
        fields.update(kwargs)
        return services.create_work_order(by=agent, **fields)

    return make


@pytest.fixture
def dispatch(agent):
    def send(order, assignee=None):
        return services.transition_work_order(order_id=order.pk, user=agent, action="dispatch",
                                              assignee=assignee)

    return send


@pytest.fixture
def my_order(new_order, dispatch, technician):
    """An electrical repair dispatched to the technician."""
    return dispatch(new_order(), technician)


def fire(order, user, action, **kwargs):
    return services.transition_work_order(order_id=order.pk, user=user, action=action, **kwargs)


def png_bytes(size=(300, 120), *, draw=True, mode="RGBA") -> bytes:
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    if draw:
        ImageDraw.Draw(image).line([(10, 60), (150, 20), (290, 100)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(data: bytes, kind="png") -> str:
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(buffer, format="JPEG")
    return buffer.getvalue()
