import datetime

import pytest
from django.core.cache import caches
from django.test import override_settings
from property_service.core import throttle
from property_service.workspace import series

pytestmark = pytest.mark.django_db

BROKEN_CACHE = {
    "default": {"BACKEND": "property_service.core.cache.TolerantRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0"},
    "strict": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
               "LOCATION": "redis://127.0.0.1:1/0"},
}
HOUR = datetime.timedelta(hours=1)


class cache_down(override_settings):
    def __init__(self):
        super().__init__(CACHES=BROKEN_CACHE)

    def disable(self):
        caches["default"].close()
        caches["strict"].close()
        super().disable()


def test_while_the_cache_is_down_every_throttled_attempt_is_refused_not_an_error():
    with cache_down():
        assert throttle.allow("lookup", 1, limit=5, window=HOUR) is False
        assert throttle.exceeded("lookup", 1, limit=5) is True
        with pytest.raises(throttle.Throttled):
            throttle.check("lookup", 1, limit=5, window=HOUR)
    # Back up: the same attempt is allowed and counted.
    assert throttle.allow("lookup", 1, limit=5, window=HOUR) is True
    assert throttle.exceeded("lookup", 1, limit=1) is True


def test_the_home_page_figures_are_computed_while_the_cache_is_down(place_a, clock):
    today = clock.now.date()
    expected = series.sla_series([place_a.community.pk], today)
    caches["default"].clear()
    with cache_down():
        assert series.sla_series([place_a.community.pk], today) == expected


def test_the_home_page_loads_while_the_cache_is_down(client, make_staff, place_a, clock):
    client.force_login(make_staff("Property Manager", communities=[place_a.community]))
    with cache_down():
        response = client.get("/admin/")
    assert response.status_code == 200

