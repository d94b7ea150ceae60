import datetime

import pytest
from django.core.cache import caches
from django.test import override_settings
from django_q.models import Schedule

pytestmark = pytest.mark.django_db

BROKEN_CACHE = {
    "default": {"BACKEND": "property_service.core.cache.TolerantRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0"},
    "strict": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
               "LOCATION": "redis://127.0.0.1:1/0"},
}


def _every_five_minutes(name, next_run):
    return Schedule.objects.create(name=name, func="math.floor", schedule_type=Schedule.MINUTES,
                                   minutes=5, next_run=next_run, repeats=-1)


def test_health_answers_200_with_database_and_cache_ok_without_login(client, clock):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_reports_the_scheduler_ok_while_its_frequent_jobs_run_on_time(client, clock):
    now = clock.set("2026-11-25 10:00")
    _every_five_minutes("chase", now + datetime.timedelta(minutes=3))
    body = client.get("/health/").json()
    assert body["scheduler"] == "ok"
    assert body["scheduler_heartbeat_age_seconds"] == 120


def test_health_reports_the_scheduler_stale_when_its_jobs_are_overdue(client, clock):
    now = clock.set("2026-11-25 10:00")
    _every_five_minutes("chase", now - datetime.timedelta(minutes=20))
    response = client.get("/health/")
    body = response.json()
    assert body["scheduler"] == "stale"
    assert body["scheduler_heartbeat_age_seconds"] == 25 * 60
    # The scheduler alone does not take the web server out of the load balancer.
    assert response.status_code == 200


def test_health_reports_the_scheduler_stale_when_no_periodic_job_was_synced(client, clock):
    body = client.get("/health/").json()
    assert body["scheduler"] == "stale" and body["scheduler_heartbeat_age_seconds"] is None


def test_health_answers_503_when_the_cache_server_is_down(client, clock):
    with override_settings(CACHES=BROKEN_CACHE):
        try:
            response = client.get("/health/")
        finally:
            caches["default"].close()
            caches["strict"].close()
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == "error" and body["database"] == "ok"


def test_health_refuses_posts(client, clock):
    assert client.post("/health/").status_code == 405
