"""Audit rows for the import's bulk writes, in one INSERT … SELECT per batch.

simple_history records saves and deletes through signals, which COPY, bulk_create and
bulk_update do not send. Copying the written rows into the history table with SQL keeps the
audit trail complete (who, when, what) at the import's speed.

The SQL names its columns: every column of the tracked table, and the history's own ones
(AUDIT_COLUMNS; history_id is the history table's serial key). A django-simple-history that
adds a column to its tables must be met here: tests/disclosure/importing/test_import_history.py
compares these with the tables' columns.
"""

from django.db import connection
from django.utils import timezone

from .writing import BATCH, PlainWriter, Writer, ids_in

CREATED, CHANGED = "+", "~"
AUDIT_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def tracked_columns(model) -> list[str]:
    """The columns copied from the tracked row: all of the tracked table's."""
    return [f.column for f in model._meta.concrete_fields]


def record(
    model, ids: list[int], *, kind: str, by, reason: str, writer: Writer | None = None
) -> None:
    """Write one history row per id, with the row's current values, `by` and `reason`.

    With a writer, the rows are written by it, after the writes it already has."""
    if not ids:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(c) for c in tracked_columns(model))
    extra = ", ".join(quote(c) for c in AUDIT_COLUMNS)
    now = timezone.now()
    user_id = getattr(by, "pk", None)
    statements = []
    for start in range(0, len(ids), BATCH):
        where, params = ids_in("id", ids[start : start + BATCH])
        sql = (
            f"INSERT INTO {quote(history._meta.db_table)} ({tracked}, {extra}) "
            f"SELECT {tracked}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {where}"
        )
        statements.append((sql, [now, reason, kind, user_id, *params]))

    def insert(cursor) -> None:
        for sql, params in statements:
            cursor.execute(sql, params)

    (writer or PlainWriter()).run(insert)
