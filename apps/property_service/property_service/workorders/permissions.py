"""Who may fire which work-order action: the role's permission (roles file), and for technicians
their own orders only. The one place this is decided."""

from __future__ import annotations

from .models import TeamMember, WorkOrder
from .states import ACTIONS, Action, actions_from


def is_team_member(user, team_id: int | None) -> bool:
    return team_id is not None and TeamMember.objects.filter(team_id=team_id,
                                                             user=user).exists()


def may_fire(order: WorkOrder, user, action: Action) -> bool:
    if not user.has_perm(f"property_service.{action.permission}"):
        return False
    if not action.own_records_only:
        return True
    if action.name == "take":
        # The pool: unassigned orders of the technician's team.
        return order.assignee_id is None and is_team_member(user, order.team_id)
    return order.assignee_id == user.pk


def available_actions(order: WorkOrder, user) -> list[Action]:
    """The actions ``user`` may fire on ``order`` now."""
    return [a for a in actions_from(order.state) if may_fire(order, user, a)
            and not (a.name == "accept" and order.assignee_id is None)]


def action_named(name: str) -> Action | None:
    return ACTIONS.get(name)
