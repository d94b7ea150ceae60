"""Reads that may come from a read replica: figures, management reports' figures and exports.

When the site sets ``DATABASE_REPLICA_URL`` the settings add a second database alias,
``replica``, and ``ReplicaRouter``. The one way to read from it is ``reading_replica()``: reads
made inside the block go to ``replica_alias()``; everything else, and every write wherever it is
made, goes to the primary (``default``), so a page shows what its user has just saved. A replica
lags the primary by a moment, which figures, reports and exports can afford and a form cannot.

Three shapes of use: ``@replica_view`` on a view (its template rendered inside the block too),
``with reading_replica():`` around a computation, and ``replica_rows(rows)`` for rows read
lazily after the view has returned (a streamed export), each step of which is read inside it.
Rows read from the replica read their related rows there too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading = ContextVar("reading_replica", default=False)


def _same_database(first: dict, second: dict) -> bool:
    keys = ("ENGINE", "HOST", "PORT", "NAME")
    return all(str(first.get(key) or "") == str(second.get(key) or "") for key in keys)


def replica_alias() -> str:
    """``replica`` when one is configured, else ``default``. A replica that is the primary's
    own database (the test runner makes the alias a mirror of the test database, whose
    connection would not see a test's open transaction) reads through ``default``."""
    if REPLICA not in connections.settings:
        return DEFAULT_DB_ALIAS
    if _same_database(connections[REPLICA].settings_dict,
                      connections[DEFAULT_DB_ALIAS].settings_dict):
        return DEFAULT_DB_ALIAS
    return REPLICA


def reads_replica() -> bool:
    """Whether the current code runs inside ``reading_replica()``."""
    return _reading.get()


@contextmanager
def reading_replica():
    """Inside this block reads go to the replica (when one is configured); writes do not."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_view(view):
    """The view's reads, its template's included, from the replica."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with reading_replica():
            response = view(*args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
        return response

    return wrapped


def replica_rows(rows: Iterator) -> Iterator:
    """``rows``, each of them read inside ``reading_replica()``: for rows written out after the
    view has returned (a streamed CSV), where a block around the view no longer holds."""
    rows = iter(rows)
    while True:
        with reading_replica():
            try:
                row = next(rows)
            except StopIteration:
                return
        yield row


class ReplicaRouter:
    """Reads inside ``reading_replica()`` (and reads of rows related to a row that came from
    the replica) from the replica; all other reads, every write and every migration on the
    primary. The replica is never written to nor migrated: replication brings it the
    primary's schema and rows."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if reads_replica() or (instance is not None and instance._state.db == REPLICA):
            return replica_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first, second, **hints):
        # The replica holds the primary's rows: a row read there may point to one read here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
