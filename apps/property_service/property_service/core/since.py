"""Periodic jobs that go over only what was written since their last run.

A daily job that keeps a set of records in line with others (the unit statuses with the
occupancies, the visit plan with the move-ins and completed works) needs to look again only at
the records written since its last run began: every write of the register and the orders leaves
its history (``core.models.TimeStampedModel``; the imports' bulk writes too), and its history's
``history_date`` is indexed. The moment the last complete run began is kept in the database
(``JobRun``) with what the run depended on (its rules), so that a database restored from a
backup, or generated afresh, carries the mark of its own rows: with no mark, or other rules, a
run goes over everything, as the first one does. Above ``AT_MOST`` records to look at again (a
day of imports), a run goes over everything too: as fast then, and no query with tens of
thousands of parameters.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import JobRun

AT_MOST = 5000


@contextlib.contextmanager
def last_run(job: str, depends_on: object = None) -> Iterator[datetime.datetime | None]:
    """Yields when the last complete run of ``job`` began, with the same ``depends_on``
    (compared by its ``repr``), or None: go over everything. On a normal exit this run's
    beginning is kept for the next run; a run that fails keeps the mark it found."""
    began, rules = timezone.now(), repr(depends_on)
    mark = JobRun.objects.filter(job=job).values_list("began", "depends_on").first()
    yield mark[0] if mark is not None and mark[1] == rules else None
    if JobRun.objects.filter(job=job).update(began=began, depends_on=rules):
        return
    try:
        with transaction.atomic():
            JobRun.objects.create(job=job, began=began, depends_on=rules)
    except IntegrityError:  # a first run in parallel kept its mark first
        JobRun.objects.filter(job=job).update(began=began, depends_on=rules)


def written_since(model, since: datetime.datetime, field: str = "id") -> set:
    """``field`` in every version of the rows of ``model`` written or deleted since ``since``:
    for an occupancy moved from one unit to another, both units."""
    written = model.history.filter(history_date__gte=since).values("id")
    if field == "id":
        return set(written.values_list("id", flat=True))
    return set(model.history.filter(id__in=written).exclude(**{f"{field}__isnull": True})
               .values_list(field, flat=True))


def few_enough(ids: set) -> bool:
    return len(ids) <= AT_MOST
