"""Tasks waiting in the Redis broker when Redis crashes, against a real ``redis-server`` of the
test's own, killed with SIGKILL and started again on the same port and data directory.

With persistence as production must run it (AOF, ``appendonly yes``; here also ``appendfsync
always``) the tasks are still queued after the restart and a real cluster started then runs each
of them once. Without persistence the same crash empties the queue: AOF is what keeps it.
"""

import math
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django_q.models import Failure, Success, Task

from tests.ops.faults import database_url, stop_cluster, wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("redis-server"),
                                reason="needs the Redis server (redis-server)")
GROUP = "queued before the crash"
VALUES = (2.5, 3.5, 4.5)


def _queue_then_crash(redis_server, redis_broker, runs: Path) -> dict[str, int]:
    """Queue a task per value while no cluster runs (as the scheduler would, on the configured
    broker), kill Redis and start it again: {task id: its expected result}."""
    from django_q.tasks import async_task

    queued = {async_task("tests.ops.faults.floor_noting_the_run", value, str(runs),
                         group=GROUP): math.floor(value) for value in VALUES}
    assert redis_broker.queue_size() == len(VALUES)
    redis_server.kill()
    redis_server.start()
    return queued



@pytest.mark.parametrize("redis_appendonly", [True])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tasks_waiting_in_redis_survive_its_crash_with_aof_and_a_cluster_runs_each_once(
        redis_appendonly, redis_server, redis_broker, tmp_path):
    runs = tmp_path / "runs"
    queued = _queue_then_crash(redis_server, redis_broker, runs)
    # Read back from the append-only file: every task still waiting, none run.
    assert redis_broker.queue_size() == len(VALUES)
    assert not runs.exists() and not Task.objects.exists()

    log = tmp_path / "qcluster.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "LD_PRELOAD"))}
    env.update({"SITE": "test", "DATABASE_URL": database_url(), "REDIS_URL": redis_server.url,
                "LOG_LEVEL": "INFO"})
    started = time.monotonic()
    with log.open("w") as out:
        cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_for(lambda: Task.objects.filter(group=GROUP).count() == len(VALUES), 60,
                 "every queued task run\n" + log.read_text())
        assert time.monotonic() - started < 60
        assert cluster.poll() is None, log.read_text()
    finally:
        # Stopped before the runs are counted: nothing can run after the count.
        stop_cluster(cluster)

    assert not Failure.objects.exists(), list(Failure.objects.values_list("name", "result"))
    assert dict(Success.objects.filter(group=GROUP).values_list("id", "result")) == queued
    assert Counter(runs.read_text().split()) == {repr(value): 1 for value in VALUES}
    assert redis_broker.queue_size() == 0


def test_without_persistence_a_redis_crash_drops_the_tasks_waiting_in_it(
        redis_server, redis_broker, tmp_path):
    assert redis_server.data_dir is None
    _queue_then_crash(redis_server, redis_broker, tmp_path / "runs")
    assert redis_broker.queue_size() == 0
