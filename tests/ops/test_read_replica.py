"""The read replica (core/replica.py): figures, exports and reports' figures read from it, every
write and every other page from the primary. Against real servers: a primary with binary
logging and its replica, both MariaDB servers this test starts in a temporary folder on ports of
their own (the machine's server need not log its changes), with GTID replication between them.
The app runs against them in a process of its own (``replica_scenario.py``)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from property_service.core.replica import (
    REPLICA,
    ReplicaRouter,
    reading_replica,
    reads_replica,
    replica_alias,
    replica_rows,
)
from property_service.registry.models import Community

ROOT = Path(__file__).resolve().parents[2]
MARIADBD = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
INSTALL_DB = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
APP_USER, APP_PASSWORD, APP_DATABASE = "app", "app-only-password", "property_service"
REPLICATION_PASSWORD = "replication-only-password"


# -- the router, in this process (no replica configured here) ---------------------------------

def test_without_a_replica_every_read_and_write_goes_to_the_primary():
    assert replica_alias() == "default"
    router = ReplicaRouter()
    with reading_replica():
        assert router.db_for_read(Community) == "default"
    assert router.db_for_write(Community) == "default"


def test_reads_inside_the_block_go_to_the_replica_and_writes_never(monkeypatch):
    monkeypatch.setattr("property_service.core.replica.replica_alias", lambda: REPLICA)
    router = ReplicaRouter()
    assert router.db_for_read(Community) == "default"
    with reading_replica():
        assert router.db_for_read(Community) == REPLICA
        assert router.db_for_write(Community) == "default"
    assert router.db_for_read(Community) == "default"


def test_rows_read_from_the_replica_read_their_related_rows_there(monkeypatch):
    monkeypatch.setattr("property_service.core.replica.replica_alias", lambda: REPLICA)
    row = Community(code="c", name="C")
    row._state.db = REPLICA
    assert ReplicaRouter().db_for_read(Community, instance=row) == REPLICA
    assert ReplicaRouter().db_for_write(Community, instance=row) == "default"


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "property_service") is False
    assert router.allow_migrate("default", "property_service") is True


def test_a_streamed_export_reads_each_row_inside_the_block_and_nothing_else():
    def rows():
        for number in range(3):
            yield number, reads_replica()

    seen = []
    for row in replica_rows(rows()):
        seen.append((*row, reads_replica()))
    # Each row read inside the block; the code between rows (the response's writing) outside.
    assert seen == [(0, True, False), (1, True, False), (2, True, False)]


def test_the_settings_add_the_replica_as_a_test_mirror_with_the_router():
    code = ("from django.conf import settings as s; import json; "
            "print(json.dumps([sorted(s.DATABASES), s.DATABASES['replica']['TEST']['MIRROR'],"
            " s.DATABASE_ROUTERS, s.DATABASES['replica']['PORT']]))")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "SITE": "test", "DJANGO_SETTINGS_MODULE": "config.settings",
             "DATABASE_URL": "mysql://u:p@127.0.0.1:3306/property_service",
             "DATABASE_REPLICA_URL": "mysql://u:p@127.0.0.1:3307/property_service"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        ["default", "replica"], "default", ["property_service.core.replica.ReplicaRouter"], 3307]


# -- a primary and its replica ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _real_clock() -> dict:
    """The environment without libfaketime (``make test-clock``): the servers keep the
    machine's clock, as the machine's own server does."""
    return {name: value for name, value in os.environ.items()
            if name != "LD_PRELOAD" and not name.startswith("FAKETIME")}


def _as_root() -> list[str]:
    # mariadbd refuses to run as root unless told to.
    return ["--user=root"] if os.geteuid() == 0 else []


def _fast_folder() -> str | None:
    """Memory (/dev/shm) when it has room for two small servers, else the temporary folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 ** 30:
        return str(shm)
    return None


class Server:
    def __init__(self, folder: Path, name: str, server_id: int, *extra: str):
        self.folder, self.name, self.port = folder, name, _free_port()
        self.socket = str(folder / f"{name}.sock")
        self.datadir = folder / name
        self.options = [
            "--no-defaults", f"--datadir={self.datadir}", f"--socket={self.socket}",
            f"--port={self.port}", "--bind-address=127.0.0.1", f"--server-id={server_id}",
            f"--pid-file={folder / name}.pid", f"--log-error={folder / name}.err",
            "--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
            # Throwaway servers: no waiting for the disk at each commit or table created.
            "--innodb-flush-log-at-trx-commit=0", "--sync-binlog=0", "--innodb-doublewrite=0",
            "--innodb-flush-method=nosync", "--innodb-file-per-table=0",
            *_as_root(), *extra]
        self.process = None

    def start(self):
        self.process = subprocess.Popen([MARIADBD, *self.options], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env=_real_clock())
        import MySQLdb

        for _ in range(300):
            if self.process.poll() is not None:
                break
            with contextlib.suppress(MySQLdb.OperationalError):
                MySQLdb.connect(unix_socket=self.socket, user="root").close()
                return
            time.sleep(0.1)
        log = Path(f"{self.folder / self.name}.err")
        raise RuntimeError(f"{self.name} did not start: {log.read_text() if log.exists() else ''}")

    def run(self, *statements: str):
        import MySQLdb

        with MySQLdb.connect(unix_socket=self.socket, user="root") as server:
            with server.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def url(self) -> str:
        return f"mysql://{APP_USER}:{APP_PASSWORD}@127.0.0.1:{self.port}/{APP_DATABASE}"


@pytest.fixture(scope="module")
def replicated():
    """A primary (binary log, server id 1) and its read-only replica (server id 2) following
    it by GTID from its first change; stopped and their folder deleted afterwards."""
    missing = [path for path in (MARIADBD, INSTALL_DB) if not os.access(path, os.X_OK)]
    if missing:
        pytest.skip(f"MariaDB's server programs are not installed ({', '.join(missing)}; "
                    "Debian: apt-get install mariadb-server)")
    pytest.importorskip("MySQLdb", reason="the MariaDB driver (uv sync --group mariadb)")
    folder = Path(tempfile.mkdtemp(prefix="replica-", dir=_fast_folder()))
    servers = []
    try:
        # One data folder installed, copied for the replica: the same starting point.
        subprocess.run([INSTALL_DB, "--no-defaults", f"--datadir={folder / 'primary'}",
                        "--auth-root-authentication-method=normal", "--skip-test-db",
                        *_as_root()], check=True, capture_output=True, timeout=120,
                       env=_real_clock())
        shutil.copytree(folder / "primary", folder / "replica", symlinks=True)
        primary = Server(folder, "primary", 1, "--log-bin=primary-bin", "--binlog-format=ROW")
        replica = Server(folder, "replica", 2, "--read-only", "--relay-log=replica-relay")
        servers += [primary, replica]
        primary.start()
        replica.start()
        primary.run(
            f"CREATE USER 'replication'@'127.0.0.1' IDENTIFIED BY '{REPLICATION_PASSWORD}'",
            "GRANT REPLICATION SLAVE ON *.* TO 'replication'@'127.0.0.1'",
            f"CREATE DATABASE {APP_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            f"CREATE USER '{APP_USER}'@'127.0.0.1' IDENTIFIED BY '{APP_PASSWORD}'",
            f"GRANT ALL ON {APP_DATABASE}.* TO '{APP_USER}'@'127.0.0.1'")
        replica.run(
            f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={primary.port}, "
            f"MASTER_USER='replication', MASTER_PASSWORD='{REPLICATION_PASSWORD}', "
            "MASTER_USE_GTID=slave_pos",
            "START SLAVE")
        yield primary, replica
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def observed(replicated):
    primary, replica = replicated
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("replica_scenario.py"))],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "SITE": "test", "DATABASE_URL": primary.url(),
             "DATABASE_REPLICA_URL": replica.url(), "REDIS_URL": "",
             # The servers have no time zone tables: the database's dates are read in UTC.
             "TIME_ZONE": "UTC", "LANGUAGE_CODE": "en", "ALLOWED_HOSTS": "testserver",
             "PRIMARY_SOCKET": primary.socket, "REPLICA_SOCKET": replica.socket})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_app_reads_the_replica_when_one_is_configured(observed):
    assert observed["replica_alias"] == REPLICA


def test_a_write_made_while_reading_the_replica_goes_to_the_primary(observed):
    assert observed["beta_on_primary"] is True
    assert observed["beta_on_replica"] is False  # its applier is stopped


@pytest.mark.parametrize("page", ["figures", "export", "api_figures"])
def test_figures_and_exports_read_the_replica(observed, page):
    seen = observed["lagging"][page]
    assert seen["status"] == 200
    assert seen["alpha"] is True
    assert seen["beta"] is False, "written after the replica stopped applying: not there yet"
    assert seen["replica_queries"]
    # The primary only answers who is asking (the session and the user).
    assert all("django_session" in sql or "auth_user" in sql or "axes" in sql
               for sql in seen["primary_queries"]), seen["primary_queries"]


def test_a_normal_page_reads_the_primary_and_sees_the_latest_write(observed):
    seen = observed["lagging"]["unit_list"]
    assert seen["status"] == 200
    assert seen["alpha"] is True and seen["beta"] is True
    assert seen["replica_queries"] == []


def test_once_the_replica_has_caught_up_the_figures_show_the_latest_write(observed):
    for page in ("figures", "export", "api_figures"):
        assert observed["caught_up"][page]["beta"] is True, page


def test_the_replica_refuses_writes_and_the_router_never_sends_any(observed):
    assert observed["replica_write"] == 1290  # ER_OPTION_PREVENTS_STATEMENT: --read-only
    assert observed["router"] == {
        "write": "default", "read_outside": "default", "read_inside": REPLICA,
        "migrate_replica": False, "migrate_default": True}
