import os
import runpy
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.production import check_secret_key, production_settings

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k7Qw2-Zp9Lx4Vb8Nm3Rt6Yh1Gf5Dc0Sa7Ju2Ie9Ow4Pq8Kl3Mn6Bv1Cx5Zs0Ar"
PRODUCTION_ENV = {
    "PRODUCTION": "true",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "property.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://property.example.com",
}


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=120, env={**os.environ, "SITE": "test", **env})


def test_the_production_profile_passes_the_deployment_checks_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_warn_without_the_production_profile():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     **{**PRODUCTION_ENV, "PRODUCTION": "false"})
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning in result.stderr + result.stdout


def test_production_refuses_to_start_with_a_weak_secret_key():
    result = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": "django-insecure-change-me"})
    assert result.returncode != 0
    assert "SECRET_KEY is missing or weak" in result.stderr


@pytest.mark.parametrize("key", ["", "short", "a" * 60, "django-insecure-" + STRONG_KEY])
def test_a_missing_short_repetitive_or_development_key_is_refused(key):
    with pytest.raises(ImproperlyConfigured):
        check_secret_key(key)


def test_a_long_random_key_is_accepted():
    check_secret_key(STRONG_KEY)


def _production(**extra):
    """The production settings read from an environment of exactly these values."""
    env = environ.Env()
    env.ENVIRON = {**PRODUCTION_ENV, **extra}
    return production_settings(env)


def test_production_turns_debug_off_and_sends_everything_over_https():
    settings = _production(DEBUG="true")
    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] and settings["SECURE_HSTS_PRELOAD"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_without_a_proxy_the_forwarded_protocol_header_is_not_trusted():
    assert "SECURE_PROXY_SSL_HEADER" not in _production(BEHIND_PROXY="false")


@pytest.mark.django_db
def test_production_pages_carry_hsts_and_the_content_security_policy(client):
    settings = _production()
    settings.pop("STORAGES")  # the manifest needs collectstatic; not what is tested here
    with override_settings(**settings):
        response = client.get("/admin/login/", secure=True)
        plain = client.get("/admin/login/")
        probe = client.get("/health/")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # The load balancer's probe over plain HTTP is answered, not redirected.
    assert probe.status_code == 200


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (4, 9), (32, 9)])
def test_gunicorn_runs_two_workers_per_core_plus_one_at_most_nine(cores, workers):
    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert conf["default_workers"](cores) == workers


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_a_serving_process_loads_its_views_and_sets_its_objects_aside_from_the_collector(
        module):
    # Its own process: the test's would keep the frozen objects for the rest of the suite.
    code = ("import gc, sys, importlib; importlib.import_module(sys.argv[1]); "
            "print(gc.get_freeze_count(), 'config.urls' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code, module], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "SITE": "test"})
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True"
