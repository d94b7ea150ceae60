"""MariaDB restarted between two requests: the next request reconnects, no error page.

The test runs a MariaDB server of its own (``mariadb-install-db`` into a temporary folder,
``mariadbd`` on a free port and a socket of its own), creates the app's tables there, serves
the app with gunicorn (one worker, so its kept connection is the one the restart breaks) and
asks for pages before and after restarting the server. Connections are kept between requests
(``CONN_MAX_AGE``) and checked before reuse (``CONN_HEALTH_CHECKS``): the first request after
the restart reconnects instead of failing on the dead connection.
"""

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.ops.faults import MariaDBServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Faults-pass-2026"

pytestmark = pytest.mark.skipif(
    not (shutil.which("mariadbd") or Path("/usr/sbin/mariadbd").exists())
    or not shutil.which("mariadb-install-db"),
    reason="needs the MariaDB server (mariadbd, mariadb-install-db)")

ALIAS = "faults_mariadb"


def _create_schema(url: str, django_db_blocker) -> None:
    """The app's tables (created from the models, much faster than replaying every migration)
    and a superuser, through a connection of this process to the test's server."""
    import environ
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    connections.settings[ALIAS] = connections.configure_settings(
        {"default": environ.Env.db_url_config(url)})["default"]
    try:
        with django_db_blocker.unblock():
            connection = connections[ALIAS]
            with connection.cursor() as cursor:  # constraints added in place: empty tables
                cursor.execute("SET foreign_key_checks = 0")
            with connection.schema_editor() as editor:
                for model in apps.get_models():
                    if model._meta.managed and not model._meta.proxy:
                        editor.create_model(model)
            # Hashed as the served app hashes (the suite's own hasher is a fast test one).
            get_user_model().objects.db_manager(ALIAS).create_superuser(
                "root_faults", "root@example.com",
                password=None).__class__.objects.db_manager(ALIAS).filter(
                username="root_faults").update(
                password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
            connection.close()
    finally:
        del connections[ALIAS]
        del connections.settings[ALIAS]


@pytest.fixture(scope="module")
def mariadb():
    pytest.importorskip("MySQLdb", reason="needs the MariaDB driver (uv sync --group mariadb)")
    server = MariaDBServer()
    try:
        server.install()
        server.start()
        server.sql(
            "CREATE DATABASE ps CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
            f"CREATE USER '{server.USER}'@'127.0.0.1' IDENTIFIED BY '{server.PASSWORD}';"
            f"GRANT ALL ON ps.* TO '{server.USER}'@'127.0.0.1';")
        yield server
    finally:
        server.remove()


def _url(server: MariaDBServer) -> str:
    return f"mysql://{server.USER}:{server.PASSWORD}@127.0.0.1:{server.port}/ps"


def _env(server: MariaDBServer, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PRODUCTION")}
    return {**env, "SITE": "test", "DEBUG": "false", "DATABASE_URL": _url(server),
            "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
            "REQUEST_LOG_LEVEL": "WARNING"}


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                page = response.read().decode()
                # A page that ends on the login form was refused (redirected there).
                if "/login/" in response.url and "/login/" not in path:
                    return 401, page
                return response.status, page
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def log_in(self, username, password):
        _status, page = self.request("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("/admin/login/?next=/admin/", {
            "csrfmiddlewaretoken": token, "username": username, "password": password,
            "next": "/admin/"}, headers={"Referer": self.base + "/admin/login/"})


def test_the_first_request_after_a_database_restart_reconnects(mariadb, tmp_path,
                                                               django_db_blocker):
    port = free_port()
    env = _env(mariadb, port)
    _create_schema(_url(mariadb), django_db_blocker)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"], cwd=ROOT,
            env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, timeout=60)
        browser = Browser(f"http://127.0.0.1:{port}")
        status, _page = browser.log_in("root_faults", PASSWORD)
        assert status == 200, log.read_text()[-3000:]
        pages = ["/admin/", "/admin/property_service/workorder/", "/health/"]
        token_status, token = Browser(browser.base).request(
            "/api/v1/auth/token/", json.dumps({"username": "root_faults",
                                               "password": PASSWORD}).encode(),
            {"Content-Type": "application/json"})
        assert token_status == 200, token
        api = {"Authorization": f"Token {json.loads(token)['token']}"}
        before = [browser.request(path)[0] for path in pages]
        assert before == [200, 200, 200], log.read_text()[-3000:]

        started = time.monotonic()
        mariadb.stop()
        mariadb.start()
        restart = time.monotonic() - started
        # The very next request, on the worker whose kept connection died with the server.
        after = [browser.request(path)[0] for path in pages]
        assert after == [200, 200, 200], log.read_text()[-3000:]
        assert browser.request("/api/v1/units/", headers=api)[0] == 200
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
        assert restart < 60
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
