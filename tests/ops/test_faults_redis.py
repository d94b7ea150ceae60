"""Redis killed under load, against a real ``redis-server`` of the test's own.

The pages keep answering (the default cache alias reads as empty while Redis is away, logged),
what must hold shut does (the throttles refuse, the health probe says 503, the login lockout is
in the database and holds either way). With Redis as the task broker, a run the scheduler
cannot queue while Redis is down stays due in the database and is queued once Redis is back,
and a real cluster outlives the outage and runs what is queued after it.
"""

import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django_q.models import Schedule, Success
from property_service.api.tokens import issue_token
from property_service.core import cache as tolerant_cache
from property_service.core import throttle
from property_service.portal import services as portal_services

from tests.ops.faults import close_caches, database_url, stop_cluster, wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"),
                                reason="needs the Redis server (redis-server)")
HOUR = datetime.timedelta(hours=1)
PASSWORD = "Resident-pass-2026"


def _pages(client, staff, resident, token):
    """(what, status) of one round of the pages people use: back office, portal, API, probe."""
    statuses = []
    client.force_login(staff)
    for path in ("/admin/", "/admin/property_service/workorder/",
                 "/admin/property_service/resident/", "/admin/property_service/complaint/"):
        statuses.append((path, client.get(path).status_code))
    client.force_login(resident)
    statuses.append(("/portal/", client.get("/portal/").status_code))
    client.logout()
    statuses.append(("/api/v1/units/", client.get(
        "/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token}").status_code))
    return statuses


@pytest.mark.django_db
def test_pages_answer_while_redis_is_killed_and_use_it_again_once_it_is_back(
        client, make_staff, place_a, clock, redis_server, caplog):
    staff = make_staff("Property Manager", communities=[place_a.community])
    resident = portal_services.create_account(by=None, resident=place_a.resident,
                                              username="resident_a", password=PASSWORD).user
    token = issue_token(user=staff)
    ok = [200] * 6
    caches["default"].set("probe", 1)
    assert caches["default"].get("probe") == 1
    assert client.get("/health/").status_code == 200

    rounds = []
    for step in range(9):
        if step == 3:
            redis_server.kill()
        if step == 6:
            redis_server.start()
            # The health probe says so at once; the pages' cache within its pause.
            back = time.monotonic()
            while client.get("/health/").status_code != 200:
                assert time.monotonic() - back < 60, "Redis back, the site not"
                time.sleep(0.2)
        rounds.append(_pages(client, staff, resident, token))
        if step in (3, 4, 5):
            # Shut while Redis is away: the probe takes the server out of rotation, the
            # throttles refuse rather than let attempts through uncounted.
            assert client.get("/health/").status_code == 503
            assert throttle.allow("faults", staff.pk, limit=100, window=HOUR) is False
            assert throttle.exceeded("faults", staff.pk, limit=100) is True
    for step, statuses in enumerate(rounds):
        assert [status for _path, status in statuses] == ok, (step, statuses)
    assert any("cache unavailable" in r.getMessage() for r in caplog.records
               if r.name == "property_service.core.cache")
    # Back: the cache keeps and counts again (the new server starts empty).
    time.sleep(tolerant_cache.RETRY_AFTER)
    caches["default"].set("probe", 2)
    assert caches["default"].get("probe") == 2
    assert throttle.allow("faults", staff.pk, limit=100, window=HOUR) is True


@pytest.mark.django_db
def test_logins_and_their_lockout_do_not_depend_on_redis(client, make_staff, redis_server):
    make_staff("CS Agent", username="victim")
    make_staff("CS Agent", username="worker")
    redis_server.kill()
    # Sessions and failed attempts are in the database: logging in works, and so does the
    # lockout (brute force is not let through while the cache is away).
    assert client.post("/admin/login/", {"username": "worker", "password": "test-pass-2026"}
                       ).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "victim", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "victim", "password": "test-pass-2026"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_due_run_the_scheduler_cannot_queue_while_redis_is_down_is_queued_once_it_is_back(
        clock, redis_server, redis_broker, monkeypatch):
    from django_q import scheduler as q_scheduler
    from django_q.signing import SignedPackage

    # The test's own transaction holds the connection the scheduler would close.
    monkeypatch.setattr(q_scheduler, "close_old_django_connections", lambda: None)
    due = clock.now - datetime.timedelta(seconds=1)
    Schedule.objects.create(name="chase", func="property_service.workorders.jobs."
                            "chase_work_orders", schedule_type=Schedule.MINUTES, minutes=5,
                            next_run=due, repeats=-1)
    redis_server.kill()
    q_scheduler.scheduler()
    # Nothing could be queued: the schedule's transaction rolled back, the run is still due.
    schedule = Schedule.objects.get()
    assert (schedule.next_run, schedule.task) == (due, None)

    redis_server.start()
    q_scheduler.scheduler()
    assert redis_broker.queue_size() == 1
    [(_ack, package)] = redis_broker.dequeue()
    assert SignedPackage.loads(package)["func"] == \
        "property_service.workorders.jobs.chase_work_orders"
    schedule = Schedule.objects.get()
    assert schedule.next_run > clock.now and schedule.task


def _enqueue(group: str) -> str:
    """Queue a task the way the scheduler does, on the configured broker (the scheduler's own
    queueing is tested above: the real one runs only every 30 s)."""
    from django_q.tasks import async_task

    return async_task("math.floor", 2.5, group=group)


def _cluster_stats():
    from django_q.status import Stat

    return [s for s in Stat.get_all() if s.cluster_id]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_cluster_runs_its_tasks_again_once_redis_is_back(redis_server, redis_broker,
                                                                 tmp_path):
    log = tmp_path / "qcluster.log"
    env = {**os.environ, "SITE": "test", "DATABASE_URL": database_url(),
           "REDIS_URL": redis_server.url, "LOG_LEVEL": "INFO"}
    _enqueue("before the outage")
    with log.open("w") as out:
        cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_for(lambda: Success.objects.filter(group="before the outage").exists(), 90,
              "a first run\n" + log.read_text())
        [before] = wait_for(_cluster_stats, 30, "the cluster's processes in Redis")
        redis_server.kill()
        # Longer than the pause (10 s) after which django-q2's pusher, failing to reach the
        # broker, stops and is started again by the cluster.
        down = time.monotonic()
        while time.monotonic() - down < 12:
            assert cluster.poll() is None, "the cluster died with Redis\n" + log.read_text()
            time.sleep(0.5)
        redis_server.start()
        close_caches()
        back = time.monotonic()
        _enqueue("after the restart")
        wait_for(lambda: Success.objects.filter(group="after the restart").exists(), 60,
              "a run after the restart\n" + log.read_text())
        stats = wait_for(_cluster_stats, 60 - (time.monotonic() - back),
                      "the cluster's processes after the restart\n" + log.read_text())
        assert time.monotonic() - back < 60
        assert [s.cluster_id for s in stats] == [before.cluster_id]
        assert stats[0].workers and stats[0].status in ("Idle", "Working", "Starting")
        assert Success.objects.get(group="after the restart").result == 2
        assert cluster.poll() is None
    finally:
        stop_cluster(cluster)
