"""A technician's home is their own open work, soonest deadline first; the front desk's is the
intake and the orders reported today."""

from __future__ import annotations

import pytest
from django.urls import reverse
from property_service.workorders.models import Team
from property_service.workorders.states import State

from tests.factories.workorders import TeamMemberFactory, WorkOrderFactory
from tests.workorders.conftest import at


@pytest.fixture
def technician(make_staff, place_a):
    user = make_staff("Maintenance", communities=[place_a.community])
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=user)
    return user


def order(place, **fields):
    fields.setdefault("reported_at", at("2026-11-25 08:00"))
    return WorkOrderFactory(unit=place.unit, **fields)


def test_a_technician_sees_their_open_orders_soonest_deadline_first(client, clock, place_a,
                                                                    technician):
    maintenance, cleaning = (Team.objects.get(code=code) for code in ("maintenance", "cleaning"))
    later = order(place_a, state=State.ACCEPTED, team=maintenance, assignee=technician,
                  complete_by=at("2026-11-25 16:00"))
    sooner = order(place_a, state=State.DISPATCHED, team=maintenance,
                   complete_by=at("2026-11-25 09:00"))  # in the team pool, overdue
    undated = order(place_a, state=State.NEW, team=maintenance, assignee=technician)
    order(place_a, state=State.CLOSED, team=maintenance, assignee=technician)
    order(place_a, state=State.DISPATCHED, team=cleaning, complete_by=at("2026-11-25 08:00"))
    client.force_login(technician)
    response = client.get(reverse("admin:index"))
    result = response.context["workspace"]
    assert result["kind"] == "my_work"
    # An order without a completion deadline yet comes last.
    assert [o.number for o in result["orders"]] == [sooner.number, later.number,
                                                    undated.number]
    assert {c.key: c.number for s in result["sections"] for c in s.cards} == {
        "my_mine": 3, "my_overdue": 1, "my_due_soon": 0}
    assert f'data-order="{sooner.number}"' in response.content.decode()


def test_the_front_desk_sees_the_intake_and_todays_orders(client, clock, make_staff, place_a,
                                                          place_b):
    first = order(place_a, state=State.NEW, reported_at=at("2026-11-25 08:00"))
    last = order(place_b, state=State.NEW, reported_at=at("2026-11-25 09:30"))
    order(place_a, state=State.NEW, reported_at=at("2026-11-24 18:00"))
    client.force_login(make_staff("Front Desk", communities=[place_a.community]))
    response = client.get(reverse("admin:index"))
    result = response.context["workspace"]
    assert result["kind"] == "intake"
    assert result["intake_url"] == reverse("admin:property_service_calldesk_changelist")
    assert [o.number for o in result["orders"]] == [first.number]  # B's is not theirs
    assert last.number not in response.content.decode()
    cards = {c.key: c for s in result["sections"] for c in s.cards}
    assert cards["orders_today"].number == 1
    assert client.get(cards["orders_today"].href).context["cl"].result_count == 1
    assert 'id="workspace-intake"' in response.content.decode()


def test_the_intake_link_goes_to_the_intake_desk_where_there_is_one(monkeypatch):
    from property_service.workspace import cards

    monkeypatch.setattr(cards, "INTAKE_URL_NAME", "admin:property_service_complaint_add")
    assert cards.intake_url() == reverse("admin:property_service_complaint_add")
