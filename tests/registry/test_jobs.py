import datetime

from django_q.models import Schedule
from property_service.core import since
from property_service.core.models import JobRun
from property_service.registry import jobs
from property_service.registry.jobs import refresh_unit_statuses
from property_service.registry.models import Unit
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


def test_a_future_move_in_does_not_occupy_the_unit_yet(db, clock):
    unit = OccupancyFactory(start_date=datetime.date(2026, 12, 5)).unit
    refresh_unit_statuses()
    unit.refresh_from_db()
    assert unit.status == "vacant"


def statuses(*units):
    return [Unit.objects.get(pk=unit.pk).status for unit in units]


def test_a_later_run_rechecks_the_units_written_or_reaching_a_date_since_the_last(db, clock):
    clock.set("2026-12-01 00:00")
    # A register that agrees with its occupancies on the first run's day: that run changes
    # (and writes) nothing.
    moving_in = OccupancyFactory(start_date=datetime.date(2026, 12, 2)).unit
    occupied = {"unit__status": "occupied"}
    moving_out = OccupancyFactory(end_date=datetime.date(2026, 12, 1), **occupied).unit
    deleted = OccupancyFactory(**occupied)
    moved = OccupancyFactory(**occupied)
    moved_from, moved_to = moved.unit, UnitFactory()
    untouched = UnitFactory()
    clock.set("2026-12-01 00:10")
    assert refresh_unit_statuses() == {"occupied": 0, "vacant": 0}

    # During the day: a move-in entered, an occupancy deleted, one moved to another unit, and a
    # status written behind the register's back (no history: nothing says to look again).
    clock.set("2026-12-01 15:00")
    entered = OccupancyFactory(start_date=datetime.date(2026, 12, 1)).unit
    deleted.delete()
    moved.unit = moved_to
    moved.save()
    Unit.objects.filter(pk=untouched.pk).update(status="occupied")

    clock.set("2026-12-02 00:10")
    assert refresh_unit_statuses() == {"occupied": 3, "vacant": 3}
    assert statuses(moving_in, moving_out, entered, deleted.unit, moved_from, moved_to) == [
        "occupied", "vacant", "occupied", "vacant", "vacant", "occupied"]
    assert statuses(untouched) == ["occupied"]

    # A unit edited by hand since is looked at again.
    clock.set("2026-12-02 09:00")
    untouched.refresh_from_db()
    untouched.note = "checked"
    untouched.save()
    assert refresh_unit_statuses() == {"occupied": 0, "vacant": 1}
    assert statuses(untouched) == ["vacant"]


def test_without_its_mark_or_with_too_many_units_to_recheck_a_run_goes_over_every_unit(
        db, clock, monkeypatch):
    unit = UnitFactory()
    clock.set("2026-11-25 10:05")
    refresh_unit_statuses()
    Unit.objects.filter(pk=unit.pk).update(status="occupied")
    assert refresh_unit_statuses() == {"occupied": 0, "vacant": 0}
    monkeypatch.setattr(since, "AT_MOST", -1)
    assert refresh_unit_statuses() == {"occupied": 0, "vacant": 1}
    monkeypatch.undo()
    Unit.objects.filter(pk=unit.pk).update(status="occupied")
    JobRun.objects.filter(job=jobs.STATUSES_RUN).delete()
    assert refresh_unit_statuses() == {"occupied": 0, "vacant": 1}


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
