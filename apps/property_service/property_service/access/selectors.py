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


def users_with_role_by_community(role: str, community_ids) -> dict[int, list]:
    """``users_with_role`` for many communities at once, in a fixed number of queries:
    community id → the active users in ``role`` who work for it."""
    wanted = set(community_ids)
    users = (get_user_model().objects.filter(is_active=True, groups__name=role)
             .filter(staff_profile__isnull=False).select_related("staff_profile")
             .prefetch_related("staff_profile__communities").distinct())
    found: dict[int, list] = {cid: [] for cid in wanted}
    for user in users:
        profile = user.staff_profile
        ids = wanted if profile.all_communities else \
            wanted & {c.pk for c in profile.communities.all()}
        for cid in ids:
            found[cid].append(user)
    return found
