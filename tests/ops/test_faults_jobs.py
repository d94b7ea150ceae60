"""The periodic jobs under faults: two clusters running every schedule for many ticks take each
step once, and a job that crashes midway leaves nothing half done and completes on its rerun."""

import datetime
from collections import Counter

import pytest
from django.conf import settings
from django.core import mail
from django.utils.module_loading import import_string
from property_service.complaints import services as complaint_services
from property_service.core import escalation
from property_service.core.models import EscalationStep, Notification
from property_service.registry.models import Unit
from property_service.reports import services as report_services
from property_service.reports.jobs import generate_monthly_reports
from property_service.reports.models import ManagementReport, ManagementReportEvent
from property_service.schedules import SCHEDULES
from property_service.visits.models import Visit
from property_service.workorders import services as order_services
from property_service.workorders.jobs import chase_work_orders
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from config.q_cluster import MAX_ATTEMPTS, RETRY, TIMEOUT
from tests.factories.registry import OccupancyFactory, UnitFactory
from tests.factories.renewals import ContractFactory
from tests.helpers import run_together
from tests.ops.faults import repeated_steps

NOVEMBER = datetime.date(2026, 11, 1)


class Boom(Exception):
    """The failure injected midway."""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"



def _orders(place, agent, count):
    category = WorkOrderCategory.objects.get(code="electrical")
    return [order_services.create_work_order(
        by=agent, community=place.community, unit=place.unit, channel="phone",
        category=category, description=f"灯不亮 {n}") for n in range(count)]


def _sla_notifications():
    return Notification.objects.filter(kind__in=[
        Notification.Kind.SLA_WARNING, Notification.Kind.SLA_BREACH,
        Notification.Kind.SLA_ESCALATED])


# -- two clusters, many ticks ----------------------------------------------------------------

def _every_job():
    """Every periodic job of schedules.py, as the scheduler calls it (no arguments)."""
    return [(job.name, import_string(job.func)) for job in SCHEDULES]


def _run_all(order):
    def run():
        for _name, job in order:
            job()
        return True

    return run



@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clusters_running_every_schedule_for_many_ticks_take_each_step_once(
        place_a, people, clock):
    clock.set("2026-11-25 10:00")
    _orders(place_a, people["agent"], 4)
    for n in range(3):
        complaint_services.create_complaint(
            by=people["front_desk"], community=place_a.community, unit=place_a.unit,
            channel="phone", category="cleaning", content=f"楼道垃圾没人清理 {n}",
            request="尽快清理")
    for n in range(3):  # move-ins entered by hand: the daily job plans their visits
        OccupancyFactory(unit=UnitFactory(building=place_a.building, number=f"50{n}"),
                         start_date=datetime.date(2026, 11, 20 + n))
    for days in (20, 95, 190):
        ContractFactory(community=place_a.community, responsible=people["finance"],
                        start_date=datetime.date(2025, 12, 1),
                        end_date=datetime.date(2026, 11, 25) + datetime.timedelta(days=days))
    jobs = _every_job()
    ticks = [clock.now + datetime.timedelta(hours=3 * n) for n in range(12)]
    ticks += [clock.now + datetime.timedelta(days=n) for n in (5, 8, 12)]  # past month's end
    for tick in ticks:
        clock.set(tick)
        results = run_together(_run_all(jobs), _run_all(list(reversed(jobs))))
        assert results == [True, True], (tick, results)

    # Something happened of every kind...
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    for kind in ("sla_warning", "sla_breach", "sla_escalated", "complaint_escalated",
                 "renewal_due", "management_report"):
        assert kinds[kind], (kind, kinds)
    assert Visit.objects.count() == 3
    assert ManagementReport.objects.filter(month=NOVEMBER).count() == 1
    # ...and nothing twice: no message to the same person about the same thing, no step,
    # visit, report or event repeated, one email per notification with an address.
    assert repeated_steps() == {}
    emailed = Notification.objects.exclude(user__email="")
    assert len(mail.outbox) == emailed.count()
    assert not emailed.filter(emailed_at__isnull=True).exists()
    assert Counter(tuple(m.to) + (m.body,) for m in mail.outbox).most_common(1)[0][1] == 1
    for unit in Unit.objects.filter(building=place_a.building):
        statuses = list(unit.history.order_by("history_id").values_list("status", flat=True))
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False)), (unit,
                                                                                   statuses)


# -- a crash midway --------------------------------------------------------------------------

def test_the_cluster_retries_a_failed_run_a_bounded_number_of_times():
    conf = settings.Q_CLUSTER
    # A failed run is not acknowledged, so the database broker hands it out again after
    # ``retry`` seconds (longer than a run may last), at most ``max_attempts`` times.
    assert conf["ack_failures"] is False
    assert (conf["timeout"], conf["retry"], conf["max_attempts"]) == (TIMEOUT, RETRY,
                                                                      MAX_ATTEMPTS)
    assert conf["retry"] > conf["timeout"] and conf["max_attempts"] == 3


@pytest.mark.django_db
def test_a_chasing_run_that_crashes_midway_leaves_nothing_and_the_rerun_completes(
        place_a, people, clock, monkeypatch):
    clock.set("2026-11-25 10:00")
    orders = _orders(place_a, people["agent"], 4)
    chase_at = {o.pk: WorkOrder.objects.get(pk=o.pk).chase_at for o in orders}
    clock.set("2026-11-27 10:00")  # every order past its deadlines
    real_notify, calls = escalation.notify, []

    def notify_then_fail(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise Boom("the mail queue is full")
        return real_notify(**kwargs)

    monkeypatch.setattr(escalation, "notify", notify_then_fail)
    with pytest.raises(Boom):
        chase_work_orders()
    # Two steps were taken and notified before the crash: rolled back with the rest.
    assert not EscalationStep.objects.exists()
    assert not _sla_notifications().exists()
    assert {o.pk: o.chase_at for o in WorkOrder.objects.filter(pk__in=chase_at)} == chase_at

    monkeypatch.setattr(escalation, "notify", real_notify)
    first = chase_work_orders()
    assert first["notified"] > 0
    steps, notes = EscalationStep.objects.count(), _sla_notifications().count()
    assert steps >= 2 * len(orders) and notes == first["notified"]
    assert chase_work_orders()["notified"] == 0
    assert (EscalationStep.objects.count(), _sla_notifications().count()) == (steps, notes)


@pytest.mark.django_db
def test_a_monthly_run_that_crashes_midway_leaves_no_partial_report_and_the_rerun_completes(
        place_a, place_b, make_staff, clock, monkeypatch, settings):
    for place in (place_a, place_b):
        make_staff("Property Manager", communities=[place.community])
    clock.set("2026-12-01 01:00")
    real_notify = report_services.notify

    def fail_for_b(**kwargs):
        if kwargs["target"].community_id == place_b.community.pk:
            raise Boom("crashed after the files were written")
        return real_notify(**kwargs)

    monkeypatch.setattr(report_services, "notify", fail_for_b)
    with pytest.raises(Boom):
        generate_monthly_reports()
    # A's report is whole (its own transaction committed); of B's nothing is left: no row, no
    # event, no notification, no file in the media.
    assert list(ManagementReport.objects.values_list("community", flat=True)) == [
        place_a.community.pk]
    a = ManagementReport.objects.get()
    assert ManagementReportEvent.objects.filter(report__community=place_b.community).count() == 0
    assert Notification.objects.filter(kind=Notification.Kind.MANAGEMENT_REPORT).count() == 1
    stored = sorted(p.name for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert stored == sorted(name.rsplit("/", 1)[-1] for name in (a.pdf_file.name,
                                                                 a.xlsx_file.name))

    monkeypatch.setattr(report_services, "notify", real_notify)
    assert generate_monthly_reports() == {"month": "2026-11", "created": 1, "existing": 1}
    assert ManagementReport.objects.count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.MANAGEMENT_REPORT).count() == 2
    assert len([p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]) == 4
