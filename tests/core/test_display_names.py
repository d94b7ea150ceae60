"""Staff are shown by their names (full name, else username) wherever a person appears: lists,
timelines, the choices of staff, notifications and the API's display labels."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from property_service.core.display import StaffChoiceField, display_name, record_label
from property_service.workorders import services

from tests.factories.workorders import TeamMemberFactory
from tests.helpers import admin_url
from tests.workorders.conftest import category, fire


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a",
                      first_name="小", last_name="王")


@pytest.fixture
def technician(make_staff, place_a):
    from property_service.workorders.models import Team

    user = make_staff("Maintenance", communities=[place_a.community], username="tech_a",
                      first_name="Lei", last_name="Zhang")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=user)
    return user


@pytest.fixture
def order(clock, agent, technician, place_a):
    made = services.create_work_order(by=agent, community=place_a.community, unit=place_a.unit,
                                      channel="phone", category=category("electrical"),
                                      priority="normal", description="灯不亮")
    return fire(made, agent, "dispatch", assignee=technician)


def test_a_user_is_named_by_full_name_else_username(make_staff):
    assert display_name(make_staff(None, username="li", first_name="Si", last_name="Li")) \
        == "Si Li"
    assert display_name(make_staff(None, username="nobody_named")) == "nobody_named"
    assert display_name(None) == ""


def test_a_record_is_named_by_kind_and_number(order):
    assert record_label(order) == f"Work order {order.number}"


def test_a_choice_of_staff_shows_names():
    field = StaffChoiceField(queryset=get_user_model().objects.all())
    user = get_user_model()(username="wang", first_name="Fang", last_name="Wang")
    assert field.label_from_instance(user) == "Fang Wang"


def test_the_work_order_list_and_page_show_the_assignee_and_actors_by_name(client, agent,
                                                                         order):
    client.force_login(agent)
    listing = client.get(admin_url("workorder", "changelist")).content.decode()
    assert "Lei Zhang" in listing and ">tech_a<" not in listing
    page = client.get(admin_url("workorder", "change", order.pk)).content.decode()
    timeline = page[page.index('id="work-order-timeline"'):]
    assert "王小" in timeline
    assert "agent_a" not in timeline


def test_the_dispatch_choices_name_the_technicians(client, agent, place_a, technician):
    made = services.create_work_order(by=agent, community=place_a.community, unit=place_a.unit,
                                      channel="phone", category=category("electrical"),
                                      priority="normal", description="灯不亮")
    client.force_login(agent)
    page = client.get(admin_url("workorder", "change", made.pk)).content.decode()
    assert f'<option value="{technician.pk}">Lei Zhang ·' in page


def test_the_assignment_notification_names_the_order_by_its_number(order, technician):
    message = technician.notifications.get(kind="assigned").message
    assert message.startswith(f"Work order {order.number} ")
    assert f"#{order.pk}" not in message


def test_the_api_display_label_of_a_person_is_their_name(client, agent, order):
    client.force_login(agent)
    body = client.get(f"/api/v1/work-orders/{order.pk}/").json()
    assert body["assignee"] == order.assignee_id
    assert body["assignee_label"] == "Lei Zhang"


def test_staff_selects_in_admin_forms_show_names(make_staff):
    from property_service.complaints.models import Complaint

    model_admin = admin.site._registry[Complaint]
    request = RequestFactory().get("/")
    request.user = make_staff(None, is_superuser=True)
    field = model_admin.formfield_for_foreignkey(Complaint._meta.get_field("supervisor"),
                                                 request)
    assert isinstance(field, StaffChoiceField)


def test_the_chosen_person_of_a_staff_autocomplete_shows_their_name(make_staff):
    from property_service.contracts.models import Contract

    model_admin = admin.site._registry[Contract]
    request = RequestFactory().get("/")
    request.user = make_staff(None, is_superuser=True)
    field = model_admin.formfield_for_foreignkey(Contract._meta.get_field("responsible"),
                                                 request)
    chosen = make_staff(None, username="fin_a", first_name="Min", last_name="Zhou")
    assert "Min Zhou" in field.widget.render("responsible", chosen.pk)


def test_a_chinese_name_is_written_family_name_first_and_a_western_one_given_name_first():
    from property_service.core.display import full_name

    assert full_name("建国", "王") == "王建国"
    assert full_name("Jane", "Smith") == "Jane Smith"
    assert full_name("", "王") == "王"
    assert full_name("", "") == ""
