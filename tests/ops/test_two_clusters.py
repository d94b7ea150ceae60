"""Two real clusters (``manage.py qcluster``) side by side on one database and one Redis broker,
both running django-q2's scheduler over the same schedules for several rounds: each due run is
queued once, and a job that runs twice anyway (every schedule is loaded twice here) takes each
step once.

django-q2's guard calls the scheduler every 30 s of its cycle (fixed in django-q2), so the test
makes every schedule due, waits until a scheduler (either cluster's) has queued it, and makes
it due again: each round is one due run of each schedule, and a run queued by both clusters
shows as one run too many (as it does with the scheduler's ``select_for_update`` taken out: the
two clusters, started together, look within about a second of each other). The scheduler locks
the due rows in one transaction: on MariaDB the second cluster waits for the first and reads the
rows it moved on.

Each job runs twice a round, in two worker processes of either cluster, queued one after the
other: close together, not forced to overlap (the two runs of a quick job often follow each
other). That the two runs of a job started at the same moment take each step once is
test_faults_jobs.py's two-threads test; here it is the real processes, broker and scheduler.

On SQLite the test runs too: the site's SQLite database opens every transaction IMMEDIATE (its
write lock taken at BEGIN), so the schedulers' and the jobs' transactions of the two clusters
follow each other as on a server, and that is how a site on SQLite runs one web server and one
cluster. CI runs it on MariaDB, where the row locks are what keeps the runs apart.

The clusters run on the real clock (no libfaketime: ``make test-clock`` leaves this file out),
and the data are dated from it.
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone
from django_q.models import Failure, Schedule, Success
from property_service.complaints import services as complaint_services
from property_service.core.models import Notification
from property_service.core.months import this_month
from property_service.registry.models import Community, Unit
from property_service.reports.builder import previous_month
from property_service.reports.models import ManagementReport
from property_service.schedules import SCHEDULES, PeriodicJob, sync_schedules
from property_service.visits.models import Visit
from property_service.workorders import services as order_services
from property_service.workorders.models import WorkOrderCategory

from tests.ops.faults import SMTPServer, database_url, repeated_steps, stop_cluster, wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"),
                                reason="needs the Redis server (redis-server)")
# The rounds: at least MIN_ROUNDS, new ones started until ROUNDS_FOR seconds after the clusters
# started (each scheduler looks every 30 s, the first time 30 s after its cluster started).
MIN_ROUNDS = 3
ROUNDS_FOR = 90
# A scheduler of either cluster queues a due run within its 30 s, on a loaded machine.
TICK = 45
AGAIN = " (loaded twice)"
# The log lines of django-q2 that tell which cluster queued and which ran a task.
QUEUED = re.compile(r"created task (\S+) from schedule \[(.+)\]")
RAN = re.compile(r"processing (\S+) '[^']*' \[(.+)\]")



@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def _real_now() -> datetime.datetime:
    # The clusters' clock (this process's ``timezone.now`` is the test's clock).
    return datetime.datetime.now(datetime.UTC)


def _seed(place, people, clock, now):
    """Work for every job, late by the real clock: orders and complaints ten days old, recent
    move-ins without their visit, contracts running out, last month without its report."""
    from tests.factories.registry import OccupancyFactory, UnitFactory
    from tests.factories.renewals import ContractFactory

    clock.set(now - datetime.timedelta(days=10))
    category = WorkOrderCategory.objects.get(code="electrical")
    for n in range(4):
        order_services.create_work_order(
            by=people["agent"], community=place.community, unit=place.unit, channel="phone",
            category=category, description=f"灯不亮 {n}")
    for n in range(3):
        complaint_services.create_complaint(
            by=people["front_desk"], community=place.community, unit=place.unit,
            channel="phone", category="cleaning", content=f"楼道垃圾没人清理 {n}",
            request="尽快清理")
    clock.set(now)
    today = timezone.localdate(now)
    for n in range(3):
        OccupancyFactory(unit=UnitFactory(building=place.building, number=f"50{n}"),
                         start_date=today - datetime.timedelta(days=n + 1))
    for days in (20, 95, 190):
        ContractFactory(community=place.community, responsible=people["finance"],
                        start_date=today - datetime.timedelta(days=365),
                        end_date=today + datetime.timedelta(days=days))


def _load_schedules_twice():
    """The real schedules, each with a copy next to it: every due round runs each job twice, the
    two runs queued one after the other."""
    jobs = []
    for job in SCHEDULES:
        jobs += [job, PeriodicJob(name=job.name + AGAIN, func=job.func,
                                  schedule_type=job.schedule_type, minutes=job.minutes,
                                  at=job.at)]
    sync_schedules(jobs)
    return [job.name for job in jobs]


def _make_due():
    Schedule.objects.update(next_run=_real_now() - datetime.timedelta(seconds=1))


def _all_queued():
    return not Schedule.objects.filter(next_run__lte=_real_now()).exists()


def _start_cluster(env, log):
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)




@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_real_clusters_on_the_same_schedules_queue_each_due_run_once_and_take_each_step_once(
        place_a, people, clock, redis_server, redis_broker, smtp, tmp_path):
    from django_q.status import Stat

    now = _real_now()
    _seed(place_a, people, clock, now)
    names = _load_schedules_twice()
    # What the seeding notified was emailed here; what the clusters notify goes to ``smtp``.
    seeded = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _make_due()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "LD_PRELOAD"))}
    env.update({"SITE": "test", "DATABASE_URL": database_url(), "REDIS_URL": redis_server.url,
                "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "LOG_LEVEL": "INFO",
                # django-q2's log lines in English, as read below.
                "LANGUAGE_CODE": "en"})
    logs = [tmp_path / "cluster-a.log", tmp_path / "cluster-b.log"]
    started = time.monotonic()
    clusters = [_start_cluster(env, log) for log in logs]

    def output():
        return "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in logs)

    try:
        rounds, times = 0, []
        while True:
            wait_for(_all_queued, TICK if rounds else TICK + 30,
                     f"round {rounds + 1} queued\n{output()}")
            rounds += 1
            times.append(round(time.monotonic() - started))
            if rounds >= MIN_ROUNDS and time.monotonic() - started > ROUNDS_FOR:
                break
            _make_due()
        # Every queued run done (a failed run would be a Failure, not a Success).
        wait_for(lambda: Success.objects.count() + Failure.objects.count()
                 >= rounds * len(names), 90, f"every run done\n{output()}")
        stats = {s.cluster_id for s in Stat.get_all(redis_broker) if s.cluster_id}
        assert all(cluster.poll() is None for cluster in clusters), output()
    finally:
        for cluster in clusters:
            stop_cluster(cluster)

    assert not Failure.objects.exists(), list(Failure.objects.values_list("name", "result"))
    # Each due run queued once, by either cluster: as many runs of each schedule as rounds.
    runs = Counter(Success.objects.values_list("group", flat=True))
    assert runs == dict.fromkeys(names, rounds), (rounds, times, runs)
    # Two clusters, each of whose workers ran some of the jobs; who queued what, for the record.
    assert len(stats) == 2, stats
    texts = [log.read_text() for log in logs]
    ran = [{task for task, _group in RAN.findall(text)} for text in texts]
    assert all(ran), output()
    assert not ran[0] & ran[1]
    queued = [len(QUEUED.findall(text)) for text in texts]
    assert sum(queued) == rounds * len(names), (queued, rounds)

    # Something happened of every kind...
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    for kind in ("sla_warning", "sla_breach", "sla_escalated", "complaint_escalated",
                 "renewal_due", "management_report"):
        assert kinds[kind], (kind, kinds)
    assert Visit.objects.count() == 3
    month = previous_month(this_month())
    assert ManagementReport.objects.filter(month=month).count() == Community.objects.filter(
        is_active=True).count()
    # ...and nothing twice: no message to the same person about the same thing, no step,
    # visit, report or event repeated, one email per notification with an address.
    assert repeated_steps() == {}
    emailed = Notification.objects.filter(pk__gt=seeded).exclude(user__email="")
    assert len(smtp.messages) == emailed.count()
    assert not Notification.objects.exclude(user__email="").filter(
        emailed_at__isnull=True).exists()
    sent = Counter((tuple(to), message.get_body().get_content()) for to, message in smtp.messages)
    assert sent.most_common(1)[0][1] == 1
    for unit in Unit.objects.filter(building=place_a.building):
        statuses = list(unit.history.order_by("history_id").values_list("status", flat=True))
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False)), (unit,
                                                                                   statuses)
