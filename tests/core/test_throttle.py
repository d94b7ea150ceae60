"""The cache-based throttle every limit uses: attempts per key and window."""

import datetime

from property_service.core import throttle

HOUR = datetime.timedelta(hours=1)


def test_attempts_are_counted_per_bucket_and_key():
    assert [throttle.allow("b", 1, limit=2, window=HOUR) for _ in range(3)] == [True, True,
                                                                                False]
    assert throttle.allow("b", 2, limit=2, window=HOUR)
    assert throttle.allow("other", 1, limit=2, window=HOUR)


def test_exceeded_looks_without_counting():
    assert not throttle.exceeded("b", "k", limit=1)
    assert not throttle.exceeded("b", "k", limit=1)
    throttle.hit("b", "k", window=HOUR)
    assert throttle.exceeded("b", "k", limit=1)
