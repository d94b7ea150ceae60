import datetime

from django_q.models import Schedule
from property_service.registry.jobs import refresh_unit_statuses
from property_service.schedules import SCHEDULES, PeriodicJob, sync_schedules

from tests.factories.registry import OccupancyFactory, UnitFactory


def test_unit_statuses_follow_move_ins_and_move_outs(place_a):
    moved_out = OccupancyFactory(end_date=datetime.date(2021, 1, 1)).unit
    moved_out.status = "occupied"
    moved_out.save()
    renovating = UnitFactory(status="renovating")
    assert place_a.unit.status == "vacant"

    assert refresh_unit_statuses() == {"occupied": 1, "vacant": 1}
    for unit in (place_a.unit, moved_out, renovating):
        unit.refresh_from_db()
    assert (place_a.unit.status, moved_out.status, renovating.status) == (
        "occupied", "vacant", "renovating")
    assert place_a.unit.history.first().history_change_reason == "occupancy dates"

    assert refresh_unit_statuses() == {"occupied": 0, "vacant": 0}


def test_a_future_move_in_does_not_occupy_the_unit_yet(db):
    unit = OccupancyFactory(start_date=datetime.date.today() + datetime.timedelta(days=10)).unit
    refresh_unit_statuses()
    unit.refresh_from_db()
    assert unit.status == "vacant"


def test_schedules_are_synced_by_name_once(db):
    assert set(sync_schedules().values()) == {"created"}
    assert set(sync_schedules().values()) == {"unchanged"}
    assert Schedule.objects.count() == len(SCHEDULES)
    row = Schedule.objects.get(name=SCHEDULES[0].name)
    assert row.func == SCHEDULES[0].func and row.repeats == -1


def test_changing_a_cadence_updates_the_row_in_place(db):
    job = PeriodicJob(name="x", func="property_service.registry.jobs.refresh_unit_statuses",
                      schedule_type=Schedule.DAILY)
    sync_schedules([job])
    faster = PeriodicJob(name="x", func=job.func, schedule_type=Schedule.MINUTES, minutes=5)
    assert sync_schedules([faster]) == {"x": "updated"}
    row = Schedule.objects.get(name="x")
    assert (row.schedule_type, row.minutes) == (Schedule.MINUTES, 5)


def test_every_scheduled_function_exists():
    from django.utils.module_loading import import_string

    for job in SCHEDULES:
        assert callable(import_string(job.func))
