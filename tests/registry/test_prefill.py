"""Filing a repair or a complaint from a resident's or a unit's page: the add form comes filled
in with the community, unit and resident, each checked against the user's scope."""

import re

import pytest
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from tests.factories.registry import OccupancyFactory
from tests.helpers import admin_url


@pytest.fixture
def agent(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


def button(page: str, css_class: str) -> str:
    found = re.findall(rf'class="{css_class}[^"]*" href="([^"]+)"', page)
    assert found, f"no {css_class} button"
    return found[0].replace("&amp;", "&")


def form_initial(response) -> dict:
    return response.context["adminform"].form.initial


@pytest.mark.parametrize("model", ["workorder", "complaint"])
def test_the_resident_page_opens_the_add_form_filled_in(client, agent, place_a, model):
    client.force_login(agent)
    page = client.get(admin_url("resident", "change", place_a.resident.pk)).content.decode()
    url = button(page, "story-repair" if model == "workorder" else "story-complaint")
    response = client.get(url)
    assert response.status_code == 200
    assert form_initial(response) == {"community": place_a.community.pk,
                                      "unit": place_a.unit.pk,
                                      "resident": place_a.resident.pk}
    html = response.content.decode()
    assert f'<option value="{place_a.unit.pk}" selected>' in html
    assert f'<option value="{place_a.resident.pk}" selected>' in html


def test_the_unit_page_fills_in_its_primary_contact(client, agent, place_a):
    OccupancyFactory(unit=place_a.unit, relation="tenant", resident__name="Tenant",
                     is_primary_contact=True)
    client.force_login(agent)
    page = client.get(admin_url("unit", "change", place_a.unit.pk)).content.decode()
    response = client.get(button(page, "story-repair"))
    tenant = place_a.unit.occupancies.get(relation="tenant").resident
    assert form_initial(response)["resident"] == tenant.pk


def test_a_unit_alone_brings_its_community(client, agent, place_a):
    client.force_login(agent)
    response = client.get(admin_url("workorder", "add") + f"?unit={place_a.unit.pk}")
    assert form_initial(response)["community"] == place_a.community.pk


@pytest.mark.parametrize("model", ["workorder", "complaint"])
@pytest.mark.parametrize("field", ["unit", "resident", "community"])
def test_a_record_outside_the_users_communities_is_refused(client, agent, place_b, model,
                                                           field):
    client.force_login(agent)
    record = {"unit": place_b.unit, "resident": place_b.resident,
              "community": place_b.community}[field]
    response = client.get(admin_url(model, "add") + f"?{field}={record.pk}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not one you may choose" in page
    assert str(record) not in page


def test_a_unit_of_another_community_than_the_one_given_is_refused(client, make_staff,
                                                                   place_a, place_b):
    client.force_login(make_staff("CS Agent", username="agent_all"))
    response = client.get(admin_url("workorder", "add")
                          + f"?community={place_a.community.pk}&unit={place_b.unit.pk}")
    assert response.status_code == 400
    assert "This unit is in another community." in response.content.decode()


def test_an_id_that_is_not_a_number_is_refused(client, agent):
    client.force_login(agent)
    response = client.get(admin_url("workorder", "add") + "?unit=1%20OR%201")
    assert response.status_code == 400


def test_saving_a_unit_outside_the_users_communities_is_refused(client, agent, place_a,
                                                                place_b):
    client.force_login(agent)
    response = client.post(admin_url("workorder", "add"), {
        "community": place_a.community.pk, "unit": place_b.unit.pk, "channel": "phone",
        "category": WorkOrderCategory.objects.get(code="lighting").pk,
        "description": "灯不亮"})
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not WorkOrder.objects.exists()


def test_no_button_is_offered_for_a_unit_outside_the_users_communities(client, agent,
                                                                       place_a, place_b):
    # Resident A also rents a flat in community B.
    OccupancyFactory(unit=place_b.unit, resident=place_a.resident, relation="tenant")
    client.force_login(agent)
    page = client.get(admin_url("resident", "change", place_a.resident.pk)).content.decode()
    hrefs = re.findall(r'class="story-repair[^"]*" href="([^"]+)"', page)
    assert hrefs and all(f"unit={place_b.unit.pk}" not in h.replace("&amp;", "&")
                         for h in hrefs)
    assert any(f"unit={place_a.unit.pk}" in h.replace("&amp;", "&") for h in hrefs)


def test_roles_that_may_not_file_see_no_button(client, make_staff, place_a):
    guard = make_staff("Security", communities=[place_a.community])
    client.force_login(guard)
    page = client.get(admin_url("resident", "change", place_a.resident.pk)).content.decode()
    assert 'id="story"' in page
    assert "story-repair" not in page and "story-complaint" not in page
