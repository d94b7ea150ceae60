"""Row-level access: the one filter that limits every list, page, search, export and API answer
to the communities a user works for (like Frappe's User Permission).

Each community-bound model names the lookup to its community in ``community_path`` (a string,
or a tuple of lookups any of which grants access). Models without it are not community-bound.
``community_optional = True`` means a row without a community serves every community (a
company-wide team or policy); ``company_wide = True`` marks a model whose every row does (work
order categories, working calendars, playbooks). Such rows are company rules: only users whose
scope is the company change them (``may_write``).

A model may narrow further with a ``restrict_rows(queryset, user)`` classmethod (a technician
sees only their own team's work orders); it runs after the community filter, inside this same
function, so every layer gets it. Its ``sees_every_row(user)`` tells who it leaves whole.

Residents (portal accounts) are not staff: they reach only rows of the units they live in now,
through the model's ``resident_path`` (the lookup to a unit's id, e.g. ``"unit"``); a model
without one is closed to them.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

_CACHE_ATTR = "_property_service_community_ids"
_UNITS_ATTR = "_property_service_resident_units"


def community_ids(user) -> frozenset[int] | None:
    """The ids of the communities ``user`` may see, or ``None`` for all of them."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, False)
    if cached is not False:
        return cached
    from .models import StaffProfile

    if user.is_superuser:
        ids = None
    else:
        profile = StaffProfile.objects.filter(user=user).first()
        if profile is None:
            ids = frozenset()
        elif profile.all_communities:
            ids = None
        else:
            ids = frozenset(profile.communities.values_list("pk", flat=True))
    setattr(user, _CACHE_ATTR, ids)
    return ids


def resident_unit_ids(user) -> frozenset[int] | None:
    """For a resident's portal account: the ids of the units they live in today; for anyone
    else ``None``."""
    if not (user and user.is_authenticated and user.is_active) or user.is_staff:
        return None
    cached = getattr(user, _UNITS_ATTR, False)
    if cached is not False:
        return cached
    from django.utils import timezone

    from ..portal.models import ResidentAccount
    from ..registry.models import Occupancy, current_occupancy_q

    account = ResidentAccount.objects.filter(user=user).first()
    ids = None if account is None else frozenset(Occupancy.objects.filter(
        current_occupancy_q(timezone.localdate()), resident_id=account.resident_id,
    ).values_list("unit_id", flat=True))
    setattr(user, _UNITS_ATTR, ids)
    return ids


def is_resident(user) -> bool:
    return resident_unit_ids(user) is not None


def forget_scope(user) -> None:
    """Drop the cached scope after the user's communities (or a resident's units) changed."""
    for attr in (_CACHE_ATTR, _UNITS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def sees_all_communities(user) -> bool:
    return community_ids(user) is None


def is_community_bound(model: type[Model]) -> bool:
    return getattr(model, "community_path", None) is not None


def scope(queryset: QuerySet, user) -> QuerySet:
    """Limit ``queryset`` to rows ``user`` may see: their communities, then the model's own rule."""
    model = queryset.model
    path = getattr(model, "community_path", None)
    if path is None:
        return queryset
    units = resident_unit_ids(user)
    if units is not None:
        unit_path = getattr(model, "resident_path", None)
        if unit_path is None:
            return queryset.none()
        return queryset.filter(**{f"{unit_path}__in": units})
    queryset = _community_filter(queryset, path, user)
    restrict = getattr(model, "restrict_rows", None)
    return restrict(queryset, user) if restrict else queryset


def whole_communities(model, user) -> QuerySet | None:
    """The communities whose every row of ``model`` ``scope`` gives ``user``, when that is all
    it gives them (figures kept by community then serve them as they are); ``None`` when it
    gives them less: a resident's rows, or a row rule that narrows them (``restrict_rows``)."""
    from ..registry.models import Community

    if resident_unit_ids(user) is not None or getattr(model, "community_path", None) is None:
        return None
    sees_every_row = getattr(model, "sees_every_row", None)
    if getattr(model, "restrict_rows", None) is not None and not (
            sees_every_row is not None and sees_every_row(user)):
        return None
    return scope(Community.objects.all(), user)


def _community_filter(queryset: QuerySet, path, user) -> QuerySet:
    ids = community_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    paths = (path,) if isinstance(path, str) else path
    optional = getattr(queryset.model, "community_optional", False)

    def reach(lookup: str) -> Q:
        condition = Q(**{f"{lookup}__in": ids})
        if optional:
            condition |= Q(**{f"{lookup}__isnull": True})
        return condition

    if isinstance(path, str):
        return queryset.filter(reach(path))
    base = queryset.model._base_manager
    direct = [lookup for lookup in paths if LOOKUP_SEP not in lookup]
    across = [lookup for lookup in paths if LOOKUP_SEP in lookup]
    condition = Q()
    for lookup in direct:
        condition |= reach(lookup)
    for lookup in across:
        if direct:
            # The rows reached only across the relation (a resident living in the community
            # but registered in another) are few: listed by id, the whole condition is read
            # off indexes (an OR with a subquery would be checked row by row).
            condition |= Q(pk__in=list(base.filter(reach(lookup)).exclude(condition)
                                       .values_list("pk", flat=True).distinct()))
        else:
            # Across a relation (to-many ones too): the ids of the rows it reaches, one
            # subquery per path, each read off its own indexes, no row repeated.
            condition |= Q(pk__in=base.filter(reach(lookup)).values("pk"))
    return queryset.filter(condition)


def may_access_community(user, community_id: int | None) -> bool:
    ids = community_ids(user)
    return ids is None or community_id in ids


COMPANY_RULE_REFUSED = _("This rule applies to every community: only staff who work for every "
                         "community may change it. Choose your community to give it its own rule.")


def governs_every_community(record) -> bool:
    """Whether ``record`` is a company rule: a row of a company-wide model, or a row without a
    community of a model where that means "every community" (the company standard)."""
    model = type(record)
    if getattr(model, "company_wide", False):
        return True
    if getattr(model, "community_optional", False):
        return getattr(record, f"{model.community_path}_id") is None
    return False


def may_write(user, record=None, *, model: type[Model] | None = None) -> bool:
    """Whether the reach of ``user`` lets them add, change or delete ``record`` (or, without
    one, add rows of ``model``). Company rules also govern communities a limited user does not
    work for: only users who see every community change them; a limited user may still add and
    edit their own communities' overrides where the model has them. (The role's permissions are
    checked apart; this is only about reach.)"""
    if sees_all_communities(user):
        return True
    if record is None:
        return not getattr(model, "company_wide", False)
    return not governs_every_community(record)


def works_for_community(user, community_id: int | None) -> bool:
    """Whether ``user`` is active staff (not a resident's login) whose communities include
    ``community_id`` (``None``: a company-wide record, for staff of every community). The rule
    for everyone a record is handed to: assignee, supervisor, responsible person."""
    if not (user and user.is_active) or resident_unit_ids(user) is not None:
        return False
    return may_access_community(user, community_id)


def works_for_community_q(community_id: int | None, prefix: str = "") -> Q:
    """``works_for_community`` as a condition on users (``prefix`` leads to the user, e.g.
    ``"user__"``)."""
    everywhere = Q(**{f"{prefix}is_superuser": True}) | Q(
        **{f"{prefix}staff_profile__all_communities": True})
    if community_id is not None:
        everywhere |= Q(**{f"{prefix}staff_profile__communities": community_id})
    return Q(**{f"{prefix}is_active": True}) & everywhere


def can_open(user, obj) -> bool:
    """Whether ``user`` may open ``obj``: the model's view permission and the row scope."""
    return obj.pk in openable_ids(user, type(obj), [obj.pk])


def openable_ids(user, model, ids) -> set:
    """Of the ``ids`` of ``model``, those ``user`` may open (one query)."""
    opts = model._meta
    if not (user and user.is_active and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")):
        return set()
    return set(scope(model._default_manager.filter(pk__in=list(ids)), user)
               .values_list("pk", flat=True))
