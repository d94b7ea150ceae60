"""The host project: sites, the cache, the task queue, login protection, languages."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from config import sites


@pytest.fixture
def sites_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(sites, "SITES_DIR", tmp_path)
    return tmp_path


def read_env(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines()
                if line and not line.startswith("#"))


def test_a_new_site_gets_its_own_secret_key_once(sites_dir):
    first = sites.site_dir("acme")
    config = first / "site.env"
    key = read_env(config)["SECRET_KEY"]
    assert len(key) > 50
    assert oct(config.stat().st_mode)[-3:] == "600"
    assert (first / "media").is_dir()
    sites.site_dir("acme")
    assert read_env(config)["SECRET_KEY"] == key
    assert read_env(sites.site_dir("other") / "site.env")["SECRET_KEY"] != key


def test_a_site_config_names_everything_a_deployment_needs(sites_dir):
    env = read_env(sites.site_dir("acme") / "site.env")
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "TIME_ZONE",
            "LANGUAGE_CODE", "EMAIL_URL"} <= set(env)
    assert env["TIME_ZONE"] == "Asia/Shanghai" and env["LANGUAGE_CODE"] == "zh-hans"


@pytest.mark.parametrize("name", ["../etc", "a/b", ""])
def test_a_site_name_cannot_escape_the_sites_folder(sites_dir, name, monkeypatch):
    monkeypatch.setenv("SITE", name or "x/y")
    with pytest.raises(ValueError):
        sites.site_dir(name or None)


def test_the_database_and_cache_follow_the_environment():
    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL", "").startswith("mysql"):
        assert engine == "django.db.backends.mysql"
        assert settings.DATABASES["default"]["TEST"]["CHARSET"] == "utf8mb4"
    elif not os.environ.get("DATABASE_URL"):
        assert engine == "django.db.backends.sqlite3"
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "property_service.core.cache.TolerantRedisCache"
        assert settings.CACHES["strict"]["LOCATION"] == os.environ["REDIS_URL"]
    # The task broker is Redis when a Redis URL is set, else the database.
    if os.environ.get("REDIS_URL"):
        assert settings.Q_CLUSTER["redis"] == os.environ["REDIS_URL"]
        assert "orm" not in settings.Q_CLUSTER
    else:
        assert settings.Q_CLUSTER["orm"] == "default" and "redis" not in settings.Q_CLUSTER


def test_the_task_broker_is_redis_with_a_redis_url_and_the_database_without():
    from config.q_cluster import q_cluster

    with_redis = q_cluster(site="acme", redis_url="redis://cache.internal:6379/2")
    assert with_redis["redis"] == "redis://cache.internal:6379/2"
    assert "orm" not in with_redis and "poll" not in with_redis
    without = q_cluster(site="acme", redis_url="")
    assert (without["orm"], without["poll"]) == ("default", 2) and "redis" not in without
    assert with_redis["name"] == without["name"] == "property-service-acme"


def test_the_cache_round_trips():
    cache.set("property-service-test", {"中文": 1}, 30)
    assert cache.get("property-service-test") == {"中文": 1}
    cache.delete("property-service-test")


def test_the_task_broker_answers(db):
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.brokers.redis_broker import Redis

    broker = get_broker()
    assert isinstance(broker, Redis if os.environ.get("REDIS_URL") else ORM)
    assert broker.ping()


def test_a_queued_job_runs_and_records_its_result(db, monkeypatch, place_a):
    from django_q.conf import Conf
    from django_q.models import Success
    from django_q.tasks import async_task

    monkeypatch.setattr(Conf, "SYNC", True)
    async_task("property_service.registry.jobs.refresh_unit_statuses", task_name="t1")
    assert Success.objects.get(name="t1").result == {"occupied": 1, "vacant": 0}


def test_repeated_wrong_passwords_lock_the_account(client, make_staff, db):
    make_staff("CS Agent", username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "victim", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "victim", "password": "test-pass-2026"})
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_account_gets_no_api_token_either(client, make_staff, db):
    make_staff("CS Agent", username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "victim", "password": "wrong"},
                    content_type="application/json")
    response = client.post("/api/v1/auth/token/",
                           {"username": "victim", "password": "test-pass-2026"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert "账号已锁定" in response.json()["detail"]


def test_the_back_office_speaks_chinese_by_default_and_english_on_request(client, settings, db):
    settings.LANGUAGE_CODE = "zh-hans"
    assert "用户名" in client.get("/admin/login/").content.decode()
    english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Username" in english
