"""Writing and asking about many rows at once.

insert(): PostgreSQL COPY with ids drawn from the table's sequence, or bulk_create elsewhere.
AnyOf: `field IN (values)` as one array parameter on PostgreSQL.
Writer: a batch's writes run on PostgreSQL while the next batch is read and checked.
Everything runs inside the caller's transaction, so a failure rolls back all.
"""

import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.db.models import Lookup
from django.db.models.lookups import In

# Rows per batch: each batch costs a few round trips and thread hand-overs, which 10,000 rows
# make small (measured: 2,000 → 10,000 took a tenth off an import); memory holds one batch.
BATCH = 10000


class AnyOf(Lookup):
    """`AnyOf(F("code"), ["201", "301"])`: the field is one of the values.

    On PostgreSQL `= ANY(%s)` with the values as one array, where `__in` sends one parameter
    per value (the client then parses and quotes a query of thousands of placeholders, once
    per batch); elsewhere the plain IN. (The array is sent as a literal: the planner sees its
    values and probes the index with them.)
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def ids_in(column: str, ids: list) -> tuple[str, list]:
    """The SQL and parameters of `column IN ids`, for raw SQL (see AnyOf)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def new_ids(model, count: int) -> list[int] | None:
    """`count` ids from the table's sequence, for rows COPY will write: drawn at once for
    several inserts, so that none of them waits for the writer (None except on PostgreSQL,
    where bulk_create returns the ids). Ids drawn and not used are gaps, as after a rollback.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # The sequence's name first: in the SELECT below, pg_get_serial_sequence() would be
        # evaluated (catalogue look-ups) once per id.
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return [r[0] for r in cursor.fetchall()]


def insert(model, fields: list[str], rows: list[tuple], *, writer: "Writer", ids) -> list[int]:
    """Insert rows (values in `fields` order, model attribute names) and return their ids.

    On PostgreSQL the ids are `ids` (from new_ids) and the rows are copied by the writer: the
    ids are known at once, the rows are in the table once the writer has waited. Elsewhere
    `ids` is None and bulk_create returns them."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        return [o.pk for o in objs]
    meta = model._meta
    columns = ["id"] + [meta.get_field(f).column for f in fields]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    # Encoded here, so that the writer's thread only sends bytes and waits for the server:
    # formatting row by row there would contend with this thread for the GIL.
    data = copy_text((pk, *row) for pk, row in zip(ids, rows, strict=True))

    def copy(cursor) -> None:
        with cursor.copy(sql) as out:
            out.write(data)

    writer.run(copy)
    return ids


# COPY's text format (PostgreSQL manual, COPY, "Text Format"): tab-separated columns,
# one line a row, \N for NULL, and a backslash before the characters it gives meaning to.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(rows: Iterable[tuple]) -> bytes:
    """Rows of None, str, int, bool and Decimal as COPY text-format data (str(True) is "True",
    which PostgreSQL reads as true; a Decimal prints as PostgreSQL's numeric reads it)."""
    escapes = COPY_ESCAPES
    return "".join(
        [
            "\t".join(
                [
                    "\\N" if v is None else v.translate(escapes) if v.__class__ is str else str(v)
                    for v in row
                ]
            )
            + "\n"
            for row in rows
        ]
    ).encode()


class Writer:
    """Runs writes one after another in a second thread, on the same PostgreSQL connection
    and so in the same transaction, while the caller goes on reading and checking the next
    batch: the database's work (indexes, constraints, history) overlaps with ours.

    A job gets a psycopg cursor of its own, never Django's connection (which belongs to the
    caller's thread). psycopg serialises the connection's use, so a query of the caller
    waits for the job in progress; wait() is for the caller's questions that must see the
    jobs' rows, and re-raises a job's error as Django's database error. close() must be
    called (the import does so in a finally) before the transaction ends. Elsewhere than on
    PostgreSQL, and with inline(), jobs run at once in the caller's thread.
    """

    def __init__(self, background: bool = True):
        self.background = background and connection.vendor == "postgresql"
        self._pool = None  # started by the first job
        self._pending: list[Future] = []

    @classmethod
    def inline(cls) -> "Writer":
        return cls(background=False)

    def run(self, job: Callable) -> None:
        """job(cursor): a psycopg cursor on PostgreSQL, Django's cursor elsewhere."""
        if not self.background:
            with connection.cursor() as cursor:
                job(cursor.cursor if connection.vendor == "postgresql" else cursor)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, "import-writer")
            _switching.enter()
        connection.ensure_connection()
        self._pending.append(self._pool.submit(_on, connection.connection, job))

    def wait(self) -> None:
        pending, self._pending = self._pending, []
        with connection.wrap_database_errors:
            for future in pending:
                future.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None
                _switching.leave()


class _Switching:
    """While a writer works, CPython hands the GIL over every 0.5 ms instead of 5 ms.

    The writer's thread wakes up several times per batch (the server has read the data, the
    COPY is done, the history rows are in) and each time needs the GIL, which the importing
    thread, busy checking rows, gives up only every switch interval: at 5 ms the database sat
    idle between the steps (measured: the writer's batches took half as long again). The
    interval is the process's, so it is counted: the last writer to close restores it.
    """

    PROMPT = 0.0005

    def __init__(self):
        self._lock = threading.Lock()
        self._writers = 0
        self._saved = None

    def enter(self) -> None:
        with self._lock:
            if self._writers == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.PROMPT))
            self._writers += 1

    def leave(self) -> None:
        with self._lock:
            self._writers -= 1
            if self._writers == 0:
                sys.setswitchinterval(self._saved)


_switching = _Switching()


def _on(raw, job: Callable) -> None:
    with raw.cursor() as cursor:
        job(cursor)


@contextmanager
def immediate_checks():
    """Foreign keys checked as each row is written, not all at the commit (PostgreSQL).

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so PostgreSQL would check the
    100,000 lines and history rows of a large import one by one in COMMIT, while the
    importing thread waits; checked at once, the writer's thread does it while the next
    batch is read. Afterwards the transaction is back to deferring them, as Django expects.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    except BaseException:
        # After a database error the transaction is aborted (and will be rolled back, which
        # ends the mode): restoring it then fails, and must not hide that error.
        try:
            _defer()
        except DatabaseError:
            pass
        raise
    _defer()


def _defer() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
