"""The technician's list: their own open orders and their teams' pool, nearest deadline first;
every other order of the company is out of reach, the same as a missing one."""

import datetime

import pytest
from django.contrib.auth.models import Group
from property_service.field.selectors import (
    lands_in_field_app,
    my_orders,
    time_left,
    uses_field_app,
)
from property_service.workorders.models import Team
from property_service.workorders.states import State

from tests.factories.workorders import TeamMemberFactory
from tests.field.conftest import fire

pytestmark = pytest.mark.django_db


def test_my_list_holds_my_open_orders_and_my_teams_pool_nearest_deadline_first(
        clock, technician, teammate, new_order, dispatch):
    later = dispatch(new_order("electrical"), technician)  # normal: due in days
    sooner = dispatch(new_order("water_leak"), technician)  # urgent: due within hours
    TeamMemberFactory(team=Team.objects.get(code="cleaning"), user=technician)
    pooled = dispatch(new_order("cleaning"))
    dispatch(new_order("plumbing"), teammate)
    done = dispatch(new_order("electrical"), technician)
    fire(done, technician, "accept")
    fire(done, technician, "start")
    fire(done, technician, "complete")

    listed = list(my_orders(technician, clock.now))

    assert pooled.assignee_id is None and pooled.state == State.DISPATCHED
    assert [o.pk for o in listed] == [o.pk for o in sorted([later, sooner, pooled],
                                                           key=lambda o: o.complete_by)]
    assert listed[0].pk == sooner.pk


def test_the_list_page_shows_number_unit_category_state_and_time_left(
        client, clock, technician, my_order):
    client.force_login(technician)
    page = client.get("/field/").content.decode()
    assert my_order.number in page and "301" in page and "Electrical" in page
    assert 'data-state="dispatched"' in page and " left<" in page


def test_an_order_of_another_team_is_not_found_like_a_missing_one(
        client, technician, cleaner, new_order, dispatch):
    theirs = dispatch(new_order("cleaning"), cleaner)
    client.force_login(technician)
    assert theirs.number not in client.get("/field/").content.decode()
    for pk in (theirs.pk, theirs.pk + 1000):
        assert client.get(f"/field/orders/{pk}/").status_code == 404
        assert client.post(f"/field/orders/{pk}/start/").status_code == 404
        assert client.post(f"/field/orders/{pk}/call/").status_code == 404


def test_staff_who_do_not_work_orders_and_anonymous_visitors_are_sent_to_the_login(
        client, agent):
    assert client.get("/field/")["Location"] == "/field/login/?next=/field/"
    client.force_login(agent)
    response = client.get("/field/")
    assert response.status_code == 302 and response["Location"] == "/field/login/"


def test_who_uses_the_field_app_comes_from_the_roles_permissions(make_staff):
    for role in ("Maintenance", "Cleaning", "Security"):
        assert uses_field_app(make_staff(role)) and lands_in_field_app(make_staff(role))
    for role in ("CS Agent", "Front Desk", "Admin & Finance"):
        assert not uses_field_app(make_staff(role))
    supervisor = make_staff("CS Supervisor")
    assert not lands_in_field_app(supervisor)
    # A role given the work permission (whatever its name) uses it.
    group = Group.objects.create(name="Handyman")
    group.permissions.add(*Group.objects.get(name="Maintenance").permissions.all())
    assert uses_field_app(make_staff("Handyman"))


def test_field_staff_land_in_the_field_app_after_logging_in_and_others_in_the_back_office(
        client, technician, agent, settings):
    settings.AXES_ENABLED = False
    response = client.post("/admin/login/", {"username": "tech_a", "password": "test-pass-2026"},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/field/"
    client.logout()
    response = client.post("/admin/login/", {"username": "agent_a",
                                             "password": "test-pass-2026"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"


def test_the_back_office_links_the_field_app_for_field_staff_only(client, technician, agent):
    client.force_login(technician)
    assert 'href="/field/"' in client.get("/admin/").content.decode()
    client.force_login(agent)
    assert 'href="/field/"' not in client.get("/admin/").content.decode()


def test_the_field_login_page_logs_staff_in_to_their_list(client, technician, settings):
    settings.AXES_ENABLED = False
    response = client.post("/field/login/", {"username": "tech_a",
                                             "password": "test-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/field/"


def test_time_left_counts_down_to_the_deadline_and_then_counts_overdue():
    due = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
    assert time_left(due, due - datetime.timedelta(hours=1, minutes=5)).text == "1 h 5 min left"
    assert not time_left(due, due - datetime.timedelta(minutes=1)).overdue
    at_due = time_left(due, due)
    assert at_due.overdue and at_due.text == "overdue by 0 min"
    assert time_left(due, due + datetime.timedelta(days=2, hours=3)).text == \
        "overdue by 2 d 3 h"
    assert time_left(None, due) is None


def test_the_pages_stay_light_for_a_weak_connection(client, clock, technician, my_order):
    import re

    from django.contrib.staticfiles import finders

    client.force_login(technician)
    for url in ("/field/", f"/field/orders/{my_order.pk}/"):
        page = client.get(url).content
        assert len(page) < 16 * 1024, url
        assert not re.search(rb'<link rel="stylesheet"', page)
        scripts = re.findall(rb'<script src="([^"]+)"', page)
        assert [s.rsplit(b"/", 1)[-1] for s in scripts] == [b"language.js", b"field.js"]
    with open(finders.find("field/field.js"), "rb") as script:
        assert len(script.read()) < 8 * 1024


def test_the_pages_are_not_kept_in_caches(client, technician, my_order):
    client.force_login(technician)
    assert "no-store" in client.get(f"/field/orders/{my_order.pk}/")["Cache-Control"]
