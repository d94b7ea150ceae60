"""Who holds a role for a community: the people notifications and queues are for."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet


def users_with_role(role: str, community_id: int | None) -> QuerySet:
    """Active users in group ``role`` whose row-level scope includes ``community_id``."""
    users = get_user_model().objects.filter(is_active=True, groups__name=role)
    in_scope = Q(staff_profile__all_communities=True)
    if community_id is not None:
        in_scope |= Q(staff_profile__communities=community_id)
    return users.filter(in_scope).distinct()
