"""Fixtures of the fault tests: a Redis server of the test's own (with persistence if asked),
as cache and as task broker; the staff the periodic jobs notify."""

import pytest
from django.conf import settings
from django.test import override_settings
from property_service.core import cache as tolerant_cache

from config.q_cluster import q_cluster
from tests.ops.faults import RedisServer, cache_settings, close_caches


@pytest.fixture
def redis_appendonly():
    """Whether the test's Redis server keeps an append-only file (AOF) as production's must: not
    unless a test asks, with ``@pytest.mark.parametrize("redis_appendonly", [True])``."""
    return False


@pytest.fixture
def redis_server(redis_appendonly, tmp_path_factory):
    server = RedisServer(data_dir=tmp_path_factory.mktemp("redis") if redis_appendonly else None)
    server.start()
    tolerant_cache.reset()
    try:
        with override_settings(CACHES=cache_settings(server.url)):
            yield server
            close_caches()
    finally:
        server.kill()
        tolerant_cache.reset()


@pytest.fixture
def redis_broker(redis_server, monkeypatch):
    """django-q2 in this process with the cluster settings of a site whose ``REDIS_URL`` is the
    test's own server (django-q2 reads its settings once, at import)."""
    from django_q.brokers import get_broker
    from django_q.brokers.redis_broker import Redis
    from django_q.conf import Conf

    conf = q_cluster(site=settings.SITE, redis_url=redis_server.url)
    monkeypatch.setattr(Conf, "REDIS", conf.get("redis", {}))
    monkeypatch.setattr(Conf, "ORM", conf.get("orm"))
    broker = get_broker()
    assert isinstance(broker, Redis)
    broker.delete_queue()
    return broker


@pytest.fixture
def people(make_staff, place_a):
    """The staff of community A the periodic jobs notify (most with an email address)."""
    a = [place_a.community]
    return {
        "agent": make_staff("CS Agent", communities=a, email="agent@example.com"),
        "front_desk": make_staff("Front Desk", communities=a),
        "supervisor": make_staff("CS Supervisor", communities=a, email="sup@example.com"),
        "manager": make_staff("Property Manager", communities=a, email="mgr@example.com"),
        "finance": make_staff("Admin & Finance", communities=a, email="fin@example.com"),
    }
