"""The scheduler keeps the home page's figures: every community's computed ahead of the visits
at the day's first run; at a later one, those of the communities written to or with a deadline
passed since, so what time changes shows without waiting for the cache."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.schedules import SCHEDULES
from property_service.workorders import figures as work_order_figures
from property_service.workorders.jobs import chase_every_order_again, chase_work_orders
from property_service.workorders.models import WorkOrder
from property_service.workorders.states import State
from property_service.workspace import series

from tests.workorders.conftest import at
from tests.workspace.conftest import TODAY


def test_a_run_computes_every_communitys_figures_ahead_of_the_visits(data_set):
    a, b = data_set
    assert series.refresh(TODAY) == {"communities": 2}
    with CaptureQueriesContext(connection) as visit:
        assert series.sla_series([a.pk, b.pk], TODAY) == {
            a.pk: {"2026-10": [1, 0], "2026-11": [1, 1]}, b.pk: {"2026-11": [1, 1]}}
        assert series.repair_score_series([a.pk], TODAY) == {a.pk: [1, 4]}
        assert series.household_series([a.pk, b.pk], TODAY) == {a.pk: 3, b.pk: 1}
    assert len(visit) == 0


def first_run(clock):
    """The day's first run, a minute after the data set was written (its history is older than
    the run's mark)."""
    clock.set("2026-11-25 10:01")
    return series.refresh(TODAY)


def test_a_later_run_computes_again_the_communities_written_to_since_and_no_other(data_set,
                                                                                 clock):
    a, _b = data_set
    assert first_run(clock) == {"communities": 2}
    clock.set("2026-11-25 10:05")
    closed = WorkOrder.objects.get(community=a, state=State.CLOSED)
    closed.completed_at = at("2026-11-22 09:00")  # after its deadline: now missed
    closed.save()
    assert series.refresh(TODAY) == {"communities": 1}
    with CaptureQueriesContext(connection) as visit:
        assert series.sla_series([a.pk], TODAY)[a.pk] == {"2026-10": [1, 0],
                                                          "2026-11": [1, 0]}
    assert len(visit) == 0


def completion_on_time(community) -> float:
    [row] = work_order_figures.kept_rows([community.pk], TODAY.replace(day=1), today=TODAY)
    return row["on_time_completion_rate"]


def test_a_deadline_passed_since_the_last_run_is_counted_at_the_next(data_set, clock):
    """What time alone changes, with no write: an open order's deadline passes unmet, the
    chasing job takes its breach step, and the next run computes that community again."""
    a, _b = data_set
    clock.set("2026-11-25 10:00")
    chase_every_order_again()
    chase_work_orders()
    first_run(clock)
    # Of A's six orders of November, one missed its completion (due 09:00); the rework is due
    # at 10:30.
    assert completion_on_time(a) == 83.3
    clock.set("2026-11-25 10:45")
    chase_work_orders()
    assert series.refresh(TODAY) == {"communities": 1}
    with CaptureQueriesContext(connection) as visit:
        assert completion_on_time(a) == 66.7
    assert len(visit) == 0


def test_a_run_with_nothing_new_computes_nothing(data_set, clock):
    first_run(clock)
    clock.set("2026-11-25 10:10")
    with CaptureQueriesContext(connection) as run:
        assert series.refresh(TODAY) == {"communities": 0}
    # The communities, the mark read and kept, the history of the orders, follow-up calls and
    # complaints, and the breaches taken: no figure.
    assert len(run) == 1 + 2 + 3 + 1


def test_a_new_day_or_an_emptied_cache_computes_every_community_again(data_set, clock):
    first_run(clock)
    clock.set("2026-11-25 10:10")
    assert series.refresh(TODAY) == {"communities": 0}
    cache.clear()
    assert series.refresh(TODAY) == {"communities": 2}
    clock.set("2026-11-26 00:05")
    assert series.refresh(TODAY + datetime.timedelta(days=1)) == {"communities": 2}


def test_the_scheduler_runs_it_every_few_minutes():
    job = next(j for j in SCHEDULES if j.func == "property_service.workspace.series.refresh")
    assert job.minutes <= series.TTL // 60


def test_every_communitys_figures_of_a_large_company_are_kept(db):
    """Sixty communities' figures (eight entries each) stay in the cache, whichever cache the
    site runs on (the embedded one included): the home page reads them without a query."""
    from property_service.registry.models import Community

    Community.objects.bulk_create(Community(code=f"K{n:03d}", name=f"社区{n}", city="上海市")
                                  for n in range(60))
    ids = list(Community.objects.values_list("pk", flat=True))
    series.refresh(TODAY)
    with CaptureQueriesContext(connection) as visit:
        for read in (series.sla_series, series.complaint_series, series.complaint_type_series,
                     series.repair_score_series, series.household_series):
            read(ids, TODAY)
    assert len(visit) == 0
