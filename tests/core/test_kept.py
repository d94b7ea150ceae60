"""Figures kept by community and month: what is missing is computed in one query over the
communities and the span of months missing, the months that still move are kept for a while
and the others for the day, a write forgets its own community and month, and the scheduler's
run counts the moving months again and keeps them for the day."""

import datetime

import pytest
from django.core.cache import cache
from property_service.core import kept

TODAY = datetime.date(2026, 11, 25)
SEP, OCT, NOV = (datetime.date(2026, m, 1) for m in (9, 10, 11))


@pytest.mark.parametrize(("month", "today", "expected"), [
    (NOV, TODAY, True), (OCT, TODAY, True), (SEP, TODAY, False),
    (datetime.date(2025, 12, 1), datetime.date(2026, 1, 5), True),
    (datetime.date(2025, 11, 1), datetime.date(2026, 1, 5), False),
    (datetime.date(2026, 12, 1), TODAY, True),
])
def test_this_month_and_the_last_still_move(month, today, expected):
    assert kept.moves(month, today) is expected


def test_the_months_between_two_include_both():
    assert kept.months_between(datetime.date(2025, 11, 20), datetime.date(2026, 2, 1)) == [
        datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1)]


class Source:
    """A compute that records its calls and gives each community's months from ``data``."""

    def __init__(self, data):
        self.data, self.calls = data, []

    def __call__(self, ids, since, until):
        self.calls.append((ids, since.date(), until.date()))
        return {pk: {m: v for m, v in months.items() if since.date() <= m < until.date()}
                for pk, months in self.data.items() if pk in ids}


def test_what_is_missing_is_computed_once_over_its_span_and_then_read_from_the_cache():
    source = Source({1: {SEP: "a-sep", NOV: "a-nov"}, 2: {OCT: "b-oct"}})
    found = kept.by_month("test", [1, 2], [SEP, OCT, NOV], source, today=TODAY)
    assert found == {1: {SEP: "a-sep", NOV: "a-nov"}, 2: {OCT: "b-oct"}}
    assert source.calls == [([1, 2], SEP, datetime.date(2026, 12, 1))]
    assert kept.by_month("test", [2, 1], [NOV, SEP, OCT], source, today=TODAY) == found
    assert len(source.calls) == 1  # a month without rows is kept too: as nothing
    # A community and a month not asked for before: only they are computed.
    source.data[3] = {OCT: "c-oct"}
    assert kept.by_month("test", [1, 3], [OCT], source, today=TODAY) == {1: {}, 3: {OCT: "c-oct"}}
    assert source.calls[1:] == [([3], OCT, NOV)]


@pytest.fixture
def timeouts(monkeypatch):
    """{cache key: the timeout it was kept for}, of what is kept while the test runs."""
    kept_for = {}
    real = cache.set_many

    def set_many(entries, timeout):
        kept_for.update(dict.fromkeys(entries, timeout))
        return real(entries, timeout)

    monkeypatch.setattr(cache, "set_many", set_many)
    return kept_for


def test_the_moving_months_are_kept_for_a_while_and_the_others_for_the_day(timeouts):
    kept.by_month("test", [1], [SEP, OCT, NOV], Source({1: {}}), today=TODAY)
    assert timeouts == {kept.key("test", 1, SEP, TODAY): kept.DAY_TTL,
                        kept.key("test", 1, OCT, TODAY): kept.TTL,
                        kept.key("test", 1, NOV, TODAY): kept.TTL}
    assert kept.TTL < kept.DAY_TTL


def test_what_the_schedulers_run_computes_is_kept_for_the_day(timeouts):
    """The scheduler computes a community's moving months again whenever time may have changed
    them (``workspace.series.refresh``): what it keeps lasts the day."""
    with kept.recomputing():
        kept.by_month("test", [1], [SEP, OCT, NOV], Source({1: {}}), today=TODAY)
    assert set(timeouts.values()) == {kept.DAY_TTL}
    assert len(timeouts) == 3


def test_a_new_day_computes_again():
    source = Source({1: {SEP: "old"}})
    kept.by_month("test", [1], [SEP], source, today=TODAY)
    source.data[1][SEP] = "new"
    assert kept.by_month("test", [1], [SEP], source, today=TODAY) == {1: {SEP: "old"}}
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert kept.by_month("test", [1], [SEP], source, today=tomorrow) == {1: {SEP: "new"}}


def test_the_schedulers_run_counts_the_moving_months_again_and_no_other(clock):
    clock.set("2026-11-25 10:00")
    source = Source({1: {SEP: "sep", OCT: "oct", NOV: "nov"}})
    kept.by_month("test", [1], [SEP, OCT, NOV], source, today=TODAY)
    source.data[1] = {SEP: "sep2", OCT: "oct2", NOV: "nov2"}
    with kept.recomputing():
        found = kept.by_month("test", [1], [SEP, OCT, NOV], source, today=TODAY)
    assert found == {1: {SEP: "sep", OCT: "oct2", NOV: "nov2"}}
    assert source.calls[-1] == ([1], OCT, datetime.date(2026, 12, 1))
    # After the run, what it counted is read from the cache.
    assert kept.by_month("test", [1], [OCT, NOV], source, today=TODAY) == {
        1: {OCT: "oct2", NOV: "nov2"}}
    assert len(source.calls) == 2


def test_forgetting_drops_one_community_and_local_month_of_the_kinds_named(
        db, clock, django_capture_on_commit_callbacks):
    clock.set("2026-11-25 10:00")
    source = Source({1: {OCT: "a"}, 2: {OCT: "b"}})
    kept.by_month("test", [1, 2], [OCT, NOV], source, today=TODAY)
    kept.by_month("other", [1], [OCT], source, today=TODAY)
    # 31 Oct 23:30 in Shanghai is October there (15:30 UTC).
    moment = datetime.datetime(2026, 10, 31, 15, 30, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kept.forget(["test"], 1, moment)
    keys = cache.get_many([kept.key(kind, pk, month, TODAY) for kind, pk, month in (
        ("test", 1, OCT), ("test", 1, NOV), ("test", 2, OCT), ("other", 1, OCT))])
    assert set(keys) == {kept.key("test", 1, NOV, TODAY), kept.key("test", 2, OCT, TODAY),
                         kept.key("other", 1, OCT, TODAY)}
    # Kept again in between (a visit that read before the write committed): forgotten again
    # once it commits.
    kept.by_month("test", [1], [OCT], source, today=TODAY)
    assert len(callbacks) == 1
    callbacks[0]()
    assert cache.get(kept.key("test", 1, OCT, TODAY)) is None
