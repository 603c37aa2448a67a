"""Inserting many rows: PostgreSQL COPY with ids drawn from the table's sequence, or
bulk_create elsewhere. Both run inside the caller's transaction, so a failure rolls back all.
"""

from django.db import connection

BATCH = 2000


def insert(model, fields: list[str], rows: list[tuple]) -> list[int]:
    """Insert rows (values in `fields` order, model attribute names) and return their ids."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows)
    objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    model.objects.bulk_create(objs, batch_size=BATCH)
    return [o.pk for o in objs]


def _copy(model, fields: list[str], rows: list[tuple]) -> list[int]:
    meta = model._meta
    table = meta.db_table
    columns = ["id"] + [meta.get_field(f).column for f in fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
    return ids
