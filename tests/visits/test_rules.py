"""The plan's rules as pure functions, without the database."""

import datetime
import zoneinfo

from property_service.visits.rules import (
    VisitRules,
    counts_as_new_household,
    done_on_time,
    first_month_visit,
    major_works_visits,
    warn_at,
)

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
RULES = VisitRules(first_month_days=30, first_month_relations=("owner", "tenant"),
                   major_works_after_days=(7, 30), major_works_grace_days=3,
                   warn_days_before=3, manager_after_hours=24)


def test_a_new_household_is_visited_within_its_first_month():
    visit = first_month_visit(datetime.date(2026, 12, 1), RULES, TZ)
    assert visit.planned_on == datetime.date(2026, 12, 1)
    assert visit.due_at.date() == datetime.date(2026, 12, 31)
    assert (visit.due_at.hour, visit.due_at.minute) == (23, 59)


def test_only_owners_and_tenants_count_as_a_new_household():
    assert counts_as_new_household("owner", RULES)
    assert counts_as_new_household("tenant", RULES)
    assert not counts_as_new_household("family", RULES)


def test_major_works_get_a_quality_visit_for_each_rule_day_with_its_grace():
    visits = major_works_visits(datetime.date(2026, 12, 1), RULES, TZ)
    assert [(v.step, v.planned_on, v.due_at.date()) for v in visits] == [
        (1, datetime.date(2026, 12, 8), datetime.date(2026, 12, 11)),
        (2, datetime.date(2026, 12, 31), datetime.date(2027, 1, 3))]


def test_the_warning_comes_the_rule_days_before_the_deadline():
    due = datetime.datetime(2026, 12, 31, 23, 59, tzinfo=TZ)
    assert warn_at(due, RULES) == datetime.datetime(2026, 12, 28, 23, 59, tzinfo=TZ)


def test_a_visit_is_on_time_up_to_its_deadline_and_not_after():
    due = datetime.datetime(2026, 12, 31, 23, 59, tzinfo=TZ)
    assert done_on_time(due, due)
    assert not done_on_time(due + datetime.timedelta(minutes=1), due)
    assert not done_on_time(None, due)


def test_the_rules_read_from_the_fixture_are_the_documented_ones(settings):
    from property_service.visits.rules import visit_rules

    rules = visit_rules()
    assert rules.first_month_days == 30
    assert rules.major_works_after_days == (7, 30)
    assert rules.major_works_look_back_days == 33
