"""The rules of community activities, as data in fixtures/activity_rules.toml (read here and
nowhere else), and the small pure functions that apply them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..core.fixtures import read_fixture

FIXTURE = "activity_rules.toml"


@dataclass(frozen=True)
class ActivityRules:
    # An activity is planned this long ahead: publishing needs its start at least this far
    # away (a manager may publish later with a reason).
    lead_days: int
    # The households per sign-up, when the activity does not set its own limit.
    default_household_limit: int
    # How long an activity planned without an end lasts.
    default_duration: datetime.timedelta
    # How long before the start the sign-up of an activity planned without a closing time closes.
    default_close_before: datetime.timedelta


def activity_rules() -> ActivityRules:
    data = read_fixture(FIXTURE)
    return ActivityRules(
        lead_days=int(data["planning"]["lead_days"]),
        default_household_limit=int(data["signup"]["default_household_limit"]),
        default_duration=datetime.timedelta(hours=int(data["planning"]["default_duration_hours"])),
        default_close_before=datetime.timedelta(
            hours=int(data["signup"]["default_close_hours_before"])))


def default_times(starts_at: datetime.datetime | None, ends_at, signup_closes_at,
                  rules: ActivityRules) -> tuple:
    """The end and the sign-up's closing time of an activity, those not given taken from the
    rules' defaults (nothing is guessed without a start)."""
    if starts_at is None:
        return ends_at, signup_closes_at
    return (ends_at or starts_at + rules.default_duration,
            signup_closes_at or starts_at - rules.default_close_before)


def default_household_limit(capacity: int | None) -> int:
    """The places per household of an activity that does not set its own (never more than
    the activity has)."""
    limit = activity_rules().default_household_limit
    return min(limit, capacity) if capacity else limit


def lead_time_met(starts_at: datetime.datetime, now: datetime.datetime, lead_days: int) -> bool:
    """Whether an activity starting at ``starts_at`` is published at least ``lead_days``
    ahead at ``now``."""
    return starts_at >= now + datetime.timedelta(days=lead_days)


def signup_open(*, state: str, opens_at, closes_at, now: datetime.datetime) -> bool:
    """Sign-up is open while the activity is published and ``now`` is in its window (from
    ``opens_at``, or from publication when empty, until ``closes_at``)."""
    from .states import State

    return state == State.PUBLISHED and (opens_at is None or opens_at <= now) \
        and now < closes_at


def has_started(starts_at: datetime.datetime, now: datetime.datetime) -> bool:
    return now >= starts_at


def places_left(capacity: int, taken: int) -> int:
    return max(capacity - taken, 0)


def fits(*, capacity: int, taken: int, people: int) -> bool:
    """Whether ``people`` more fit within ``capacity`` when ``taken`` places are confirmed."""
    return taken + people <= capacity
