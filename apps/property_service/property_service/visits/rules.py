"""The follow-up visit plan's rules: data in fixtures/visit_rules.toml, read here and nowhere
else, and the small pure functions that turn a move-in or a completion into visit dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..core.fixtures import read_fixture

FIXTURE = "visit_rules.toml"


@dataclass(frozen=True)
class VisitRules:
    first_month_days: int
    first_month_relations: tuple[str, ...]
    major_works_after_days: tuple[int, ...]
    major_works_grace_days: int
    warn_days_before: int
    manager_after_hours: int

    @property
    def major_works_look_back_days(self) -> int:
        """How far back a completion can still owe a visit not yet due."""
        return max(self.major_works_after_days, default=0) + self.major_works_grace_days


def visit_rules() -> VisitRules:
    data = read_fixture(FIXTURE)
    return VisitRules(
        first_month_days=int(data["first_month"]["within_days"]),
        first_month_relations=tuple(data["first_month"]["relations"]),
        major_works_after_days=tuple(sorted(int(d) for d in data["major_works"]["after_days"])),
        major_works_grace_days=int(data["major_works"]["grace_days"]),
        warn_days_before=int(data["chasing"]["warn_days_before"]),
        manager_after_hours=int(data["chasing"]["manager_after_hours"]))


@dataclass(frozen=True)
class PlannedVisit:
    """One visit a rule asks for: its step (1, 2... of the rule), the day it is planned for and
    the end of the last day it is on time."""

    step: int
    planned_on: datetime.date
    due_at: datetime.datetime


def end_of_day(day: datetime.date, tz) -> datetime.datetime:
    """The last moment of ``day`` in ``tz``: a visit done by then is on time."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=tz)


def first_month_visit(start_date: datetime.date, rules: VisitRules, tz) -> PlannedVisit:
    """A new household's visit: from the move-in, on time within the first month."""
    last_day = start_date + datetime.timedelta(days=rules.first_month_days)
    return PlannedVisit(step=1, planned_on=start_date, due_at=end_of_day(last_day, tz))


def counts_as_new_household(relation: str, rules: VisitRules) -> bool:
    return relation in rules.first_month_relations


def major_works_visits(completed_on: datetime.date, rules: VisitRules,
                       tz) -> list[PlannedVisit]:
    """The quality visits after major works completed on ``completed_on``: one per
    ``after_days``, each on time within the grace days after its day."""
    visits = []
    for step, days in enumerate(rules.major_works_after_days, start=1):
        planned_on = completed_on + datetime.timedelta(days=days)
        last_day = planned_on + datetime.timedelta(days=rules.major_works_grace_days)
        visits.append(PlannedVisit(step=step, planned_on=planned_on,
                                   due_at=end_of_day(last_day, tz)))
    return visits


def warn_at(due_at: datetime.datetime, rules: VisitRules) -> datetime.datetime:
    return due_at - datetime.timedelta(days=rules.warn_days_before)


def manager_after(rules: VisitRules) -> datetime.timedelta:
    return datetime.timedelta(hours=rules.manager_after_hours)


def done_on_time(done_at: datetime.datetime | None, due_at: datetime.datetime) -> bool:
    """A visit counts as on time when it was done by its deadline (see
    ``models.DONE_ON_TIME``, the same rule as a query condition)."""
    return done_at is not None and done_at <= due_at
