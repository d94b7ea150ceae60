"""The scheduler keeps the home page's figures: every community's computed ahead of the visits,
the months that still move again at each run, so what time changes shows without waiting for
the cache."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.schedules import SCHEDULES
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


def test_the_next_run_counts_the_months_that_still_move_again(data_set, place_a):
    """What time alone changes, with no write to forget it, shows at the next run."""
    a, _b = data_set
    series.refresh(TODAY)
    assert series.sla_series([a.pk], TODAY)[a.pk] == {"2026-10": [1, 0], "2026-11": [1, 1]}
    # October's order and November's closed one, changed without a save (nothing forgets
    # them): the run counts November and October (the month before) again.
    WorkOrder.objects.filter(community=a, state=State.CLOSED).update(
        completed_at=at("2026-11-22 09:00"))  # after its deadline
    WorkOrder.objects.filter(community=a, state=State.FOLLOW_UP).update(
        responded_at=at("2026-10-10 09:30"))  # in time
    assert series.sla_series([a.pk], TODAY)[a.pk] == {"2026-10": [1, 0], "2026-11": [1, 1]}
    with CaptureQueriesContext(connection) as run:
        series.refresh(TODAY)
    assert series.sla_series([a.pk], TODAY)[a.pk] == {"2026-10": [1, 1], "2026-11": [1, 0]}
    # The moving months of each kind of figure, and this month's repair figures (three
    # queries); the earlier months and the households were kept for the day.
    assert len(run) == 1 + 4 + 3


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
