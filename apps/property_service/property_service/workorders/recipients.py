"""Who must act on each event of a work order: one small rule per event.

- A new urgent order (from any channel, or an order raised to urgent): the community's CS agents
  and CS supervisors, and the on-duty members of the order's team who work for its community.
- A missed deadline (the breach step of the escalation ladder, ``core.escalation``): the
  assignee, the on-duty leads of the order's team, and the community's CS supervisors.

The people are read through ``People``, which reads each role and team once (a chasing run
looks at many orders).
"""

from __future__ import annotations

from ..access.scoping import works_for_community_q
from ..access.selectors import users_with_role
from .models import TeamMember, WorkOrder

URGENT_ORDER_ROLES = ("CS Agent", "CS Supervisor")
BREACH_ROLES = ("CS Supervisor",)


class People:
    """The people of each role in each community and the on-duty members of each team (those
    working for a community), each read once."""

    def __init__(self):
        self._roles: dict[tuple[str, int], list] = {}
        self._teams: dict[tuple[int, int | None], list[TeamMember]] = {}

    def role(self, role: str, community_id: int) -> list:
        if (role, community_id) not in self._roles:
            self._roles[(role, community_id)] = list(users_with_role(role, community_id))
        return self._roles[(role, community_id)]

    def roles(self, roles, community_id: int) -> list:
        return [user for role in roles for user in self.role(role, community_id)]

    def team(self, team_id: int | None, community_id: int | None = None, *,
             leads_only: bool = False) -> list:
        """The team's members on duty (who work for ``community_id`` when given)."""
        if team_id is None:
            return []
        key = (team_id, community_id)
        if key not in self._teams:
            members = TeamMember.objects.filter(team_id=team_id, on_duty=True)
            if community_id is not None:
                members = members.filter(works_for_community_q(community_id, prefix="user__"))
            self._teams[key] = list(members.select_related("user").distinct())
        return [m.user for m in self._teams[key] if m.is_lead or not leads_only]


def urgent_order_recipients(order: WorkOrder, people: People | None = None) -> list:
    """Who is told of a new urgent order."""
    people = people or People()
    return (people.roles(URGENT_ORDER_ROLES, order.community_id)
            + people.team(order.team_id, order.community_id))


def breach_recipients(order: WorkOrder, people: People | None = None) -> list:
    """Who is told that one of the order's deadlines was missed."""
    people = people or People()
    assignee = [order.assignee] if order.assignee_id else []
    return (assignee + people.team(order.team_id, order.community_id, leads_only=True)
            + people.roles(BREACH_ROLES, order.community_id))
