"""Audit rows for the import's bulk writes, in one INSERT … SELECT per batch.

simple_history records saves and deletes through signals, which COPY, bulk_create and
bulk_update do not send. Copying the written rows into the history table with SQL keeps the
audit trail complete (who, when, what) at the import's speed.
"""

from django.db import connection
from django.utils import timezone

from .bulk import BATCH, Writer, ids_in

CREATED, CHANGED = "+", "~"


def record(
    model, ids: list[int], *, kind: str, by, reason: str, writer: Writer | None = None
) -> None:
    """Write one history row per id, with the row's current values, `by` and `reason`.

    With a writer, the rows are copied by its thread, after the writes it already has."""
    if not ids:
        return
    history = model.history.model
    skip = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    columns = [f.column for f in history._meta.concrete_fields if f.name not in skip]
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(c) for c in columns)
    extra = ", ".join(
        quote(c)
        for c in ("history_date", "history_change_reason", "history_type", "history_user_id")
    )
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

    (writer or Writer.inline()).run(insert)
