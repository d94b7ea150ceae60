"""The figures of community activities (参与人数, 参与户数及占比, 满意率, 平均评分): pure
functions over plain rows, and the reads that feed them (per activity, per community and
month), every read scoped.

- participants: the people who came (walk-ins included);
- households: the distinct units that came; their share of the community's households is
  against its occupied units;
- satisfaction share: the satisfied among the households that gave feedback;
- average rating: the mean of the ratings (0-10).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from ..access.scoping import scope
from ..core.months import month_bounds
from ..core.targets import activity_targets
from ..registry.models import Community, Unit
from .models import Activity, ActivityFeedback, ActivitySignup
from .states import COUNTED_STATES

ONE_PLACE = Decimal("0.1")


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, to one decimal (half up); None without a whole."""
    if not whole:
        return None
    return _rounded(Decimal(part) * 100 / Decimal(whole))


@dataclass(frozen=True)
class Attendance:
    """One household that came: its unit and how many people."""

    unit_id: int
    people: int


@dataclass(frozen=True)
class Feedback:
    rating: int
    satisfied: bool


@dataclass(frozen=True)
class Figures:
    participants: int
    households: int
    community_households: int
    household_share: Decimal | None
    feedback: int
    satisfied: int
    satisfaction_share: Decimal | None
    average_rating: Decimal | None
    targets: dict = field(default_factory=dict)

    def meets(self, name: str) -> bool | None:
        """Whether the figure ``name`` meets its target (None: no target or no figure)."""
        target, value = self.targets.get(name), getattr(self, name)
        if target is None or value is None:
            return None
        return value >= Decimal(str(target))


def compute(attendance: Iterable[Attendance], feedback: Iterable[Feedback], *,
            community_households: int, targets: dict | None = None) -> Figures:
    """The figures of what came and what was said (pure: no database)."""
    attendance, feedback = list(attendance), list(feedback)
    households = len({row.unit_id for row in attendance})
    satisfied = sum(1 for row in feedback if row.satisfied)
    average = _rounded(Decimal(sum(row.rating for row in feedback)) / len(feedback)) \
        if feedback else None
    return Figures(
        participants=sum(row.people for row in attendance), households=households,
        community_households=community_households,
        household_share=percent(households, community_households),
        feedback=len(feedback), satisfied=satisfied,
        satisfaction_share=percent(satisfied, len(feedback)), average_rating=average,
        targets=dict(activity_targets() if targets is None else targets))


ATTENDED = Q(attendance=ActivitySignup.Attendance.ATTENDED)


def community_households(community_id: int) -> int:
    """The community's households: its occupied units."""
    return Unit.objects.filter(building__community_id=community_id,
                               status=Unit.Status.OCCUPIED).count()


def _rows(signups, feedback) -> tuple[list[Attendance], list[Feedback]]:
    attendance = [Attendance(unit_id, people or 0) for unit_id, people in
                  signups.filter(ATTENDED).values_list("unit_id", "attended_people")]
    said = [Feedback(rating, satisfied) for rating, satisfied in
            feedback.values_list("rating", "satisfied")]
    return attendance, said


def activity_figures(activity: Activity, *, households: int | None = None) -> Figures:
    """The figures of one activity (what is recorded so far)."""
    attendance, said = _rows(ActivitySignup.objects.filter(activity=activity),
                             ActivityFeedback.objects.filter(signup__activity=activity))
    if households is None:
        households = community_households(activity.community_id)
    return compute(attendance, said, community_households=households)


@dataclass(frozen=True)
class MonthRow:
    community: Community
    month: datetime.date
    activities: int
    figures: Figures


def month_figures(user, month: datetime.date, community_id: int | None = None) -> list[MonthRow]:
    """Per community the user sees: the activities held in ``month`` (by their start) and their
    figures together (a household that came to two counts once)."""
    start, stop = month_bounds(month)
    activities = scope(Activity.objects.filter(state__in=COUNTED_STATES, starts_at__gte=start,
                                               starts_at__lt=stop), user)
    if community_id is not None:
        activities = activities.filter(community_id=community_id)
    per_community = dict(activities.values_list("community_id").annotate(n=Count("id"))
                         .values_list("community_id", "n"))
    households = dict(Unit.objects.filter(
        building__community_id__in=list(per_community), status=Unit.Status.OCCUPIED)
        .values_list("building__community_id").annotate(n=Count("id"))
        .values_list("building__community_id", "n"))
    rows = []
    for community in Community.objects.filter(pk__in=list(per_community)).order_by("name"):
        mine = activities.filter(community=community)
        attendance, said = _rows(ActivitySignup.objects.filter(activity__in=mine),
                                 ActivityFeedback.objects.filter(signup__activity__in=mine))
        rows.append(MonthRow(community, month, per_community[community.pk],
                             compute(attendance, said,
                                     community_households=households.get(community.pk, 0))))
    return rows
