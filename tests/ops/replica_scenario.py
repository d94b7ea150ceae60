"""The app against a primary and its replica, run by ``test_read_replica.py`` in a process of its
own: the settings name both servers (DATABASE_URL, DATABASE_REPLICA_URL), which a test process
whose databases are already set up cannot change. The replica's applier (SQL thread) is stopped
after the first rows, so a row written afterwards is on the primary only: whatever shows it was
read from the primary. Prints what it saw as JSON; the test judges it.

Environment: PRIMARY_SOCKET, REPLICA_SOCKET (root's way in, to wait for and stop replication).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import MySQLdb  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import OperationalError, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from property_service.core.replica import ReplicaRouter, reading_replica, replica_alias  # noqa: E402
from property_service.registry.models import Community  # noqa: E402

from tests.factories.registry import UserFactory  # noqa: E402
from tests.factories.workorders import WorkOrderFactory  # noqa: E402


class _NoMigrations:
    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


def _root(socket: str):
    return MySQLdb.connect(unix_socket=socket, user="root")


def _one(socket: str, statement: str, *args):
    with _root(socket) as server, server.cursor() as cursor:
        cursor.execute(statement, args)
        row = cursor.fetchone()
        return row[0] if row else None


def replica_caught_up() -> None:
    """Wait until the replica has applied everything the primary has written so far."""
    position = _one(os.environ["PRIMARY_SOCKET"], "SELECT @@gtid_binlog_pos")
    waited = _one(os.environ["REPLICA_SOCKET"], "SELECT MASTER_GTID_WAIT(%s, 30)", position)
    assert waited == 0, f"the replica did not reach {position}"


def _tables(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def _pages(client, alpha: Community, beta: Community) -> dict:
    """What the figures page, the unit export, the API figures and the unit list show of the
    two communities, and on which server each ran its queries."""
    seen = {}
    requests = {
        "figures": lambda: client.get(reverse("admin:property_service_workorder_figures")),
        "export": lambda: client.post(reverse("admin:property_service_unit_export"),
                                      {"format": "1"}),
        "api_figures": lambda: client.get(reverse("api-figures-work-orders")),
        "unit_list": lambda: client.get(reverse("admin:property_service_unit_changelist")),
    }
    for name, request in requests.items():
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections["replica"]) as replica:
            response = request()
            content = (b"".join(response.streaming_content) if response.streaming
                       else response.content).decode()
        seen[name] = {
            "status": response.status_code,
            "alpha": alpha.code in content or alpha.name in content,
            "beta": beta.code in content or beta.name in content,
            "primary_queries": _tables(primary),
            "replica_queries": _tables(replica),
        }
    return seen


def _community_with_an_order(code: str, name: str) -> Community:
    order = WorkOrderFactory(unit__building__community__code=code,
                             unit__building__community__name=name)
    return order.community


def main() -> dict:
    observed = {"replica_alias": replica_alias()}
    started = time.monotonic()
    # The tables straight from the models (as pytest's --no-migrations does): replaying every
    # migration takes minutes on a busy machine, and the migrations are tested elsewhere.
    settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)
    observed["migrate_seconds"] = round(time.monotonic() - started, 1)
    boss = UserFactory(username="boss", is_superuser=True)
    alpha = _community_with_an_order("alpha", "Alpha")
    replica_caught_up()
    _one(os.environ["REPLICA_SOCKET"], "STOP SLAVE SQL_THREAD")

    # Written inside the block that reads the replica: the write still goes to the primary.
    with reading_replica():
        beta = _community_with_an_order("beta", "Beta")
    observed["beta_on_primary"] = Community.objects.using("default").filter(code="beta").exists()
    observed["beta_on_replica"] = Community.objects.using("replica").filter(code="beta").exists()

    client = Client()
    client.force_login(boss)
    observed["lagging"] = _pages(client, alpha, beta)

    try:
        Community.objects.using("replica").create(code="gamma", name="Gamma")
        observed["replica_write"] = "accepted"
    except OperationalError as error:
        observed["replica_write"] = error.args[0]
    router = ReplicaRouter()
    observed["router"] = {
        "write": router.db_for_write(Community),
        "read_outside": router.db_for_read(Community),
        "migrate_replica": router.allow_migrate("replica", "property_service"),
        "migrate_default": router.allow_migrate("default", "property_service"),
    }
    with reading_replica():
        observed["router"]["read_inside"] = router.db_for_read(Community)

    _one(os.environ["REPLICA_SOCKET"], "START SLAVE SQL_THREAD")
    replica_caught_up()
    observed["caught_up"] = _pages(client, alpha, beta)
    return observed


if __name__ == "__main__":
    print(json.dumps(main()))
