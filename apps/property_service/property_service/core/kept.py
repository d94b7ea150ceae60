"""Figures kept in the cache by community and month.

A month of figures over a million work orders is a grouped pass over a month's rows, a year of
them over a third of a million. The pages that show months of figures (the home page's charts,
the complaint and repair figures, and their API) read them here instead: each (kind of figure,
community, month) is computed once, by one grouped query over the communities and months
missing from the cache, and kept. The months that still move (this one and the one before:
deadlines not yet due count as met until they pass) are kept for ``TTL`` seconds when a visit
computes them, until the day ends when the scheduler does (below); earlier ones until the day
ends (the day is in the key).

A write to a row that a figure is made of forgets that row's community and month at once
(``forget``, on every save and delete, see ``connect``), so the next visit shows the change.
What time alone changes (a deadline passing unmet) is the scheduler's: its run
(``workspace.series.refresh``) computes again the moving months of the communities written to
or with a deadline passed since its last run, ahead of the visits (``recomputing``), and keeps
them for the day. What a visit computes itself, the scheduler not having run yet, lasts
``TTL``; a team renamed shows the next day.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .months import month_bounds, next_month

# The months that still move, for this many seconds; the others for the day.
TTL = 15 * 60
DAY_TTL = 24 * 60 * 60

log = logging.getLogger(__name__)

# Set while ``recomputing``: the moving months are computed again, not read from the cache.
_recomputing = False


@contextlib.contextmanager
def recomputing():
    global _recomputing
    _recomputing = True
    try:
        yield
    finally:
        _recomputing = False


def key(kind: str, community_id: int, month: datetime.date, today: datetime.date) -> str:
    return f"kept:{kind}:{community_id}:{month:%Y-%m}:{today.isoformat()}"


def moves(month: datetime.date, today: datetime.date) -> bool:
    """Whether ``month``'s figures still move on ``today``: it is this month or the last."""
    this = today.replace(day=1)
    last = (this - datetime.timedelta(days=1)).replace(day=1)
    return month >= last


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def read(keys: list[str]) -> dict:
    """The entries of ``keys`` found in the cache; none while it is down (logged): whoever
    reads computes them, the page still answers."""
    try:
        return cache.get_many(keys) if keys else {}
    except Exception:  # the cache server is down (redis' own errors)
        log.error("kept figures: the cache is unavailable", exc_info=True)
        return {}


def keep(entries: dict, timeout: int) -> None:
    """``entries`` kept for ``timeout`` seconds, or not at all while the cache is down."""
    try:
        cache.set_many(entries, timeout)
    except Exception:
        log.error("kept figures: the cache is unavailable", exc_info=True)


Compute = Callable[[list[int], datetime.datetime, datetime.datetime],
                   dict[int, dict[datetime.date, object]]]


def by_month(kind: str, community_ids: Iterable[int], months: Iterable[datetime.date],
             compute: Compute, *, today: datetime.date | None = None
             ) -> dict[int, dict[datetime.date, object]]:
    """Per community: {month's first day: its figure} for the ``months`` holding one, from the
    cache or, for what is missing there, from ``compute(ids, since, until)``: one query over the
    communities missing some month and the span of the months missing, giving {community id:
    {month: figure}} (a month without rows left out)."""
    today = today or timezone.localdate()
    ids, months = list(community_ids), sorted(set(months))
    keys = {(pk, month): key(kind, pk, month, today) for pk in ids for month in months}
    wanted = [k for (_pk, month), k in keys.items()
              if not (_recomputing and moves(month, today))]
    found = read(wanted)
    values = {pair: found[k] for pair, k in keys.items() if k in found}
    missing = [pair for pair in keys if pair not in values]
    if missing:
        pks = sorted({pk for pk, _month in missing})
        span = [month for _pk, month in missing]
        computed = compute(pks, month_bounds(min(span))[0], month_bounds(max(span))[1])
        fresh = {pair: computed.get(pair[0], {}).get(pair[1]) for pair in missing}
        for moving in (True, False):
            entries = {keys[pair]: value for pair, value in fresh.items()
                       if moves(pair[1], today) is moving}
            if entries:
                # The scheduler's run computes a community's moving months again whenever time
                # may have changed them: what it keeps lasts the day.
                keep(entries, TTL if moving and not _recomputing else DAY_TTL)
        values.update(fresh)
    result: dict[int, dict[datetime.date, object]] = {pk: {} for pk in ids}
    for (pk, month), value in values.items():
        if value is not None:
            result[pk][month] = value
    return result


def forget(kinds: Iterable[str], community_id: int | None, moment: datetime.datetime | None
           ) -> None:
    """Forget the kept figures of ``kinds`` for the community and the local month of
    ``moment``: now, and again once the write commits (a visit in between may have kept what
    it read before)."""
    if community_id is None or moment is None:
        return
    local = timezone.localtime(moment)
    keys = [key(kind, community_id, datetime.date(local.year, local.month, 1),
                timezone.localdate()) for kind in kinds]

    def delete():
        try:
            cache.delete_many(keys)
        except Exception:
            log.error("kept figures: the cache is unavailable", exc_info=True)

    delete()
    transaction.on_commit(delete)


def connect(model, kinds: Iterable[str],
            place: Callable[[object], tuple[int | None, datetime.datetime | None]]) -> None:
    """Forget the figures of ``kinds`` made of ``model``'s rows whenever one is saved or
    deleted; ``place(row)`` gives the row's community id and the moment whose month it counts
    in."""
    kinds = tuple(kinds)

    def receiver(sender, instance, **kwargs):
        try:
            where = place(instance)
        except ObjectDoesNotExist:  # deleted with the row it belongs to: that one forgets
            return
        forget(kinds, *where)

    post_save.connect(receiver, sender=model, weak=False,
                      dispatch_uid=f"kept:{model._meta.label}")
    post_delete.connect(receiver, sender=model, weak=False,
                        dispatch_uid=f"kept-delete:{model._meta.label}")
