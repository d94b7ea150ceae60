"""Rows created in bulk with their audit history, the history rows copied by the database.

simple-history's ``bulk_create_with_history`` builds each new row's history row as an object in
Python and sends it back to the database: for an import of 10,000 residents that is a third of
its time. Here the database copies each batch's history rows from the rows just created (one
``INSERT … SELECT``), with what ``bulk_history_create`` would give them: every tracked column,
the moment, the user, no change reason, and the type "created".
"""

from __future__ import annotations

from django.db import connections, router, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

HISTORY_CREATED = "+"


def create_with_history(objs: list, model, *, batch_size: int | None, user) -> list:
    """Create ``objs`` (of ``model``) and their history rows, by ``user``, in one transaction.
    Where the database does not hand back the new rows' keys, simple-history's own way."""
    using = router.db_for_write(model)
    if not connections[using].features.can_return_rows_from_bulk_insert:
        return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=user)
    with transaction.atomic(using=using, savepoint=False):
        created = model._default_manager.using(using).bulk_create(objs, batch_size=batch_size)
        copy_created_history(model, [obj.pk for obj in created], user=user,
                             batch_size=batch_size, using=using)
    return created


def copy_created_history(model, pks: list, *, user, batch_size: int | None, using: str) -> None:
    """Write the "created" history rows of ``model``'s rows ``pks`` from the rows themselves."""
    history = model.history.model
    connection = connections[using]
    quote = connection.ops.quote_name
    # A generated column is computed by the database in the history table as in the model's.
    tracked = [field for field in history.tracked_fields if not field.generated]
    into = [history._meta.get_field(field.name).column for field in tracked]
    into += [history._meta.get_field(name).column
             for name in ("history_date", "history_user", "history_change_reason",
                          "history_type")]
    selected = ", ".join(quote(field.column) for field in tracked)
    key = quote(model._meta.pk.column)
    moment = connection.ops.adapt_datetimefield_value(timezone.now())
    size = batch_size or 1000
    with connection.cursor() as cursor:
        for start in range(0, len(pks), size):
            batch = pks[start:start + size]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, into))}) "
                f"SELECT {selected}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {key} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {key}",
                [moment, getattr(user, "pk", None), None, HISTORY_CREATED, *batch])
