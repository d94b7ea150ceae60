"""Who may fire which work-order action: the role's permission (roles file), and for technicians
their own orders only. The one place this is decided."""

from __future__ import annotations

from ..access.scoping import resident_unit_ids
from .models import TeamMember, WorkOrder
from .states import ACTIONS, IN_PLACE_ACTIONS, OPEN_STATES, Action, actions_from

# What a resident may do on the orders of their own units, in the portal: accept the repair
# or send it back (验收), and give the follow-up verdict that closes or reopens it.
RESIDENT_ACTIONS = ("pass_acceptance", "fail_acceptance", "close", "reopen")


def is_team_member(user, team_id: int | None) -> bool:
    return team_id is not None and TeamMember.objects.filter(team_id=team_id,
                                                             user=user).exists()


def is_residents_order(order: WorkOrder, user) -> bool:
    units = resident_unit_ids(user)
    return units is not None and order.unit_id in units


def may_fire(order: WorkOrder, user, action: Action) -> bool:
    if resident_unit_ids(user) is not None:
        return action.name in RESIDENT_ACTIONS and is_residents_order(order, user)
    if not user.has_perm(f"property_service.{action.permission}"):
        return False
    if not action.own_records_only:
        return True
    if action.any_record_with and user.has_perm(f"property_service.{action.any_record_with}"):
        return True
    if action.name == "take":
        # The pool: unassigned orders of the technician's team.
        return order.assignee_id is None and is_team_member(user, order.team_id)
    return order.assignee_id == user.pk


def may_record_signed_acceptance(order: WorkOrder, user) -> bool:
    """The resident's acceptance signed on the technician's phone (验收签字) is recorded by the
    technician the order is assigned to, with the right to complete it; no other staff member
    accepts on the resident's behalf."""
    act = ACTIONS["complete"]
    return order.assignee_id == user.pk and user.has_perm(f"property_service.{act.permission}")


def may_use_clock(order: WorkOrder, user) -> bool:
    """Whether ``user`` may pause (or, when paused, resume) this order's SLA clock now."""
    act = IN_PLACE_ACTIONS["resume" if order.paused_at else "pause"]
    return order.state in act.sources and may_fire(order, user, act)


def available_actions(order: WorkOrder, user) -> list[Action]:
    """The actions ``user`` may fire on ``order`` now."""
    return [a for a in actions_from(order.state) if may_fire(order, user, a)
            and not (a.name == "accept" and order.assignee_id is None)]


def may_record_follow_up(order: WorkOrder, user) -> bool:
    """Staff call residents back; a resident may give their own verdict in the portal."""
    return user.has_perm("property_service.follow_up_workorder") or \
        is_residents_order(order, user)




CALL_STATES = OPEN_STATES


def may_call_resident(order: WorkOrder, user) -> bool:
    """Whether ``user`` may see the phone number of the order's resident unmasked to call them:
    those who see personal data anyway, and a technician with the calling permission on an
    open order assigned to them (each reveal is logged either way)."""
    from ..core.personal_data import can_view_personal_data

    if resident_unit_ids(user) is not None:
        return False
    if can_view_personal_data(user):
        return True
    return (user.has_perm("property_service.call_resident_workorder")
            and order.assignee_id == user.pk and order.state in CALL_STATES)
