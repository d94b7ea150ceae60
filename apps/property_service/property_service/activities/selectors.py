"""Reads of community activities that the admin, the API and the portal share."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from ..access.scoping import resident_unit_ids
from ..registry.models import Unit
from .models import Activity, ActivitySignup
from .states import State

# What residents are shown: from publication on (a planned or cancelled activity is not).
SHOWN_TO_RESIDENTS = (State.PUBLISHED, State.SIGNUP_CLOSED, State.HELD, State.CLOSED)


def activities_for_resident(user) -> QuerySet:
    """The activities a resident sees: those shown of the communities they live in."""
    communities = Unit.objects.filter(pk__in=resident_unit_ids(user) or ()).values(
        "building__community_id")
    return Activity.objects.filter(community_id__in=communities, state__in=SHOWN_TO_RESIDENTS)


def places_taken(activity_id: int) -> int:
    """The places the confirmed sign-ups hold."""
    return ActivitySignup.objects.filter(
        activity_id=activity_id, status=ActivitySignup.Status.CONFIRMED).aggregate(
        n=Coalesce(Sum("people"), 0))["n"]


def with_places_taken(queryset: QuerySet) -> QuerySet:
    """Each activity with ``taken`` (confirmed places) and ``waiting`` (people on the waiting
    list)."""
    return queryset.annotate(
        taken=Coalesce(Sum("signups__people",
                           filter=Q(signups__status=ActivitySignup.Status.CONFIRMED)), 0),
        waiting=Coalesce(Sum("signups__people",
                             filter=Q(signups__status=ActivitySignup.Status.WAITLISTED)), 0))


def household_signup(activity: Activity, unit_ids) -> ActivitySignup | None:
    """The sign-up of one of ``unit_ids`` (a resident's households) at ``activity``."""
    return ActivitySignup.objects.filter(activity=activity, unit_id__in=list(unit_ids)) \
        .select_related("unit__building__community").first()
