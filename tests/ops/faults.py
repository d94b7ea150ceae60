"""Real servers for the fault tests, started and stopped by the tests on loopback: a free port,
a Redis server, a MariaDB server in a temporary data directory, an SMTP server; and what a real
cluster started by a test needs (the test database's URL, a wait for a condition, a task that
notes each of its runs)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answers on 127.0.0.1:{port}")


def _plain_env() -> dict:
    # Servers run on the real clock, whatever the suite's (libfaketime) is.
    return {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "LD_PRELOAD"))}


class RedisServer:
    """``redis-server`` on its own port; ``kill()`` (SIGKILL, a crash) and ``start()`` again on
    the same port. Without ``data_dir`` it keeps nothing: a restart starts empty. With one it
    runs as production must, with an append-only file (AOF) there, written and synced before
    each command is answered, which a restart reads back."""

    def __init__(self, data_dir: Path | None = None):
        self.port = free_port()
        self.data_dir = data_dir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        if self.data_dir is None:
            persistence = ["--appendonly", "no"]
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            persistence = ["--appendonly", "yes", "--appendfsync", "always",
                           "--dir", str(self.data_dir)]
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", *persistence, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_plain_env())
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class MariaDBServer:
    """``mariadbd`` with a data directory, socket and port of its own in a temporary folder,
    root without a password over the socket, and a user for the app over TCP."""

    USER, PASSWORD = "faults", "faults-only-password"

    def __init__(self):
        # In memory where there is a tmpfs: a throwaway server, its files need no disk.
        shm = Path("/dev/shm")
        self.dir = Path(tempfile.mkdtemp(prefix="ps-faults-mariadb-",
                                         dir=shm if shm.is_dir() and os.access(shm, os.W_OK)
                                         else None))
        self.port = free_port()
        self.socket = self.dir / "mariadb.sock"
        self.process = None
        self.log = self.dir / "mariadb.log"

    def install(self) -> None:
        user = ["--user=root"] if os.geteuid() == 0 else []
        subprocess.run(
            [shutil.which("mariadb-install-db") or "mariadb-install-db", "--no-defaults", *user,
             f"--datadir={self.dir / 'data'}", "--auth-root-authentication-method=normal",
             "--skip-test-db"],
            check=True, capture_output=True, timeout=120, env=_plain_env())

    def start(self) -> None:
        user = ["--user=root"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen(
            [shutil.which("mariadbd") or "/usr/sbin/mariadbd", "--no-defaults", *user,
             f"--datadir={self.dir / 'data'}", f"--socket={self.socket}",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--log-error={self.log}",
             f"--pid-file={self.dir / 'mariadb.pid'}",
             "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M",
             "--skip-log-bin", "--skip-name-resolve", "--character-set-server=utf8mb4",
             # A throwaway server: no durability wanted, tables created fast.
             "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
             "--innodb-file-per-table=0", "--sync-frm=0",
             "--collation-server=utf8mb4_unicode_ci"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_plain_env())
        try:
            wait_for_port(self.port, timeout=60)
        except TimeoutError:
            raise TimeoutError(self.log.read_text() if self.log.exists() else "no log") from None

    def sql(self, statement: str) -> None:
        subprocess.run([shutil.which("mariadb") or "mysql", "--no-defaults", "-uroot",
                        f"--socket={self.socket}",
                        "-e", statement], check=True, capture_output=True, timeout=60,
                       env=_plain_env())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class SMTPServer:
    """aiosmtpd on loopback; ``messages`` are the ``email.message.EmailMessage`` received."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self) -> dict:
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": self.port, "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False, "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
                "EMAIL_TIMEOUT": 5}


def cache_settings(url: str) -> dict:
    """The site's two cache aliases on the Redis server at ``url``."""
    common = {"LOCATION": url, "KEY_PREFIX": "property-service:test",
              "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}
    return {"default": {"BACKEND": "property_service.core.cache.TolerantRedisCache", **common},
            "strict": {"BACKEND": "django.core.cache.backends.redis.RedisCache", **common}}


def close_caches() -> None:
    from django.core.cache import caches

    for alias in ("default", "strict"):
        caches[alias].close()


def database_url() -> str:
    """``DATABASE_URL`` of the test database, for a process started by a test (a real cluster).
    A SQLite file keeps its options (IMMEDIATE transactions, busy timeout): several processes
    write to it as they do to the site's own."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        options = urlencode(db.get("OPTIONS") or {})
        return f"sqlite:///{Path(db['NAME']).resolve()}" + (f"?{options}" if options else "")
    return (f"mysql://{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}@"
            f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}")


def stop_cluster(cluster: subprocess.Popen) -> None:
    """Stop a ``qcluster`` started in a session of its own: SIGTERM, then SIGKILL after 10 s."""
    if cluster.poll() is None:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait(10)


def repeated_steps() -> dict[str, list]:
    """The periodic jobs' side effects found more than once (none is the rule): a message to the
    same person about the same thing, an escalation step, a visit, a report event."""
    from django.db.models import Count
    from property_service.core.models import EscalationStep, Notification
    from property_service.reports.models import ManagementReportEvent
    from property_service.visits.models import Visit

    kinds = {"notifications": (Notification, ("user", "kind", "target_type", "target_id",
                                              "message")),
             "escalation steps": (EscalationStep, ("target_type", "target_id", "clock", "step",
                                                   "deadline")),
             "visits": (Visit, ("kind", "occupancy", "work_order", "step")),
             "report events": (ManagementReportEvent, ("report", "action"))}
    found = {name: list(model.objects.values(*fields).annotate(n=Count("id")).filter(n__gt=1))
             for name, (model, fields) in kinds.items()}
    return {name: rows for name, rows in found.items() if rows}


def wait_for(condition, seconds: float, what: str):
    """The first true value of ``condition()`` within ``seconds``, looked at twice a second."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s: {what}")


def floor_noting_the_run(value: float, runs: str) -> int:
    """``math.floor(value)``, a task for a real cluster that appends ``value`` to the file
    ``runs`` each time it runs: a task run twice shows twice there."""
    import math

    with open(runs, "a") as out:
        out.write(f"{value!r}\n")
    return math.floor(value)
