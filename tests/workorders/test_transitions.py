"""Every action for every role: allowed where the roles file and the order say so, refused
otherwise with nothing changed; every transition logged."""

import pytest
from property_service.core.errors import ActionError, ConcurrentChange, NotAllowed
from property_service.workorders.models import WorkOrder
from property_service.workorders.states import ACTIONS, State

from tests.conftest import ROLE_NAMES, ROLES
from tests.factories.workorders import TeamMemberFactory, WorkOrderFactory
from tests.workorders.conftest import category, fire


def role_may(role_name, permission):
    role = next(r for r in ROLES.values() if r.name == role_name)
    return permission in role.actions_on("property_service", "workorder")


EXTRA = {"cancel": {"comment": "duplicate"}, "fail_acceptance": {"comment": "still leaking"},
         "reopen": {"comment": "unhappy"}}


@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_for_each_role(make_staff, place_a, maintenance_team, role, name):
    action = ACTIONS[name]
    user = make_staff(role, communities=[place_a.community])
    TeamMemberFactory(team=maintenance_team, user=user)
    # Own-order actions: the order is the user's (assigned, or pooled for their team on "take").
    assignee = None if name in ("take", "dispatch") else user
    order = WorkOrderFactory(unit=place_a.unit, category=category("electrical"),
                             state=action.sources[0], team=maintenance_team, assignee=assignee)
    allowed = role_may(role, action.permission)
    extra = {"assignee": user} if name == "dispatch" else EXTRA.get(name, {})
    if allowed:
        fire(order, user, name, **extra)
        order.refresh_from_db()
        assert order.state == action.target
        event = order.events.get()
        assert (event.action, event.by, event.from_state, event.to_state) == (
            name, user, action.sources[0], action.target)
    else:
        with pytest.raises(NotAllowed):
            fire(order, user, name, **extra)
        order.refresh_from_db()
        assert order.state == action.sources[0]
        assert not order.events.exists()


@pytest.mark.parametrize("name", [n for n, a in ACTIONS.items() if a.own_records_only
                                  and n != "take"])
def test_a_technician_may_not_work_someone_elses_order(technician, other_technician, place_a,
                                                      maintenance_team, name):
    order = WorkOrderFactory(unit=place_a.unit, state=ACTIONS[name].sources[0],
                             team=maintenance_team, assignee=other_technician)
    with pytest.raises(NotAllowed):
        fire(order, technician, name)


def test_a_technician_may_not_take_another_teams_pooled_order(technician, place_a,
                                                             cleaning_team):
    order = WorkOrderFactory(unit=place_a.unit, state=State.DISPATCHED, team=cleaning_team)
    with pytest.raises(NotAllowed):
        fire(order, technician, "take")


def test_an_action_from_the_wrong_state_is_refused(agent, place_a):
    order = WorkOrderFactory(unit=place_a.unit, state=State.CLOSED)
    with pytest.raises(NotAllowed, match="is not possible while WO-.* is Closed"):
        fire(order, agent, "dispatch")


def test_cancelling_needs_a_reason(agent, supervisor, place_a):
    order = WorkOrderFactory(unit=place_a.unit, state=State.NEW)
    with pytest.raises(ActionError, match="comment is required"):
        fire(order, supervisor, "cancel")
    fire(order, supervisor, "cancel", comment="reported twice")
    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == (State.CANCELLED, "reported twice")


def test_a_stale_page_gets_changed_by_someone_else(agent, technician, place_a, maintenance_team):
    order = WorkOrderFactory(unit=place_a.unit, state=State.NEW, team=maintenance_team)
    fire(order, agent, "dispatch", assignee=technician, expected_state=State.NEW)
    with pytest.raises(ConcurrentChange, match="changed by someone else"):
        fire(order, agent, "cancel", comment="x", expected_state=State.NEW)
    assert WorkOrder.objects.get(pk=order.pk).state == State.DISPATCHED


def test_an_unknown_action_is_refused(agent, place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    with pytest.raises(ActionError, match="Unknown action"):
        fire(order, agent, "explode")


def test_the_state_cannot_be_set_directly(place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    with pytest.raises(AttributeError):
        order.state = State.CLOSED
