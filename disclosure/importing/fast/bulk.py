"""The command line's bulk loads: rows COPYed into PostgreSQL by a second thread.

CopyWriter is the fast writer of importing/writing.py; only `manage.py import_disclosures`
asks for it (`fast=True`). It starts a thread and shortens the process's GIL switch interval
while it works: both fine in a command that does nothing else, neither acceptable in a web
worker, which serves other requests in the same process.
"""

import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection


class CopyWriter:
    """Runs writes one after another in a second thread, on the same PostgreSQL connection
    and so in the same transaction, while the caller goes on reading and checking the next
    batch: the database's work (indexes, constraints, history) overlaps with ours.

    A job gets a psycopg cursor of its own, never Django's connection (which belongs to the
    caller's thread). psycopg serialises the connection's use, so a query of the caller
    waits for the job in progress; wait() is for the caller's questions that must see the
    jobs' rows, and re-raises a job's error as Django's database error. close() must be
    called (the import does so in a finally) before the transaction ends. PostgreSQL only.
    """

    def __init__(self):
        self._pool = None  # started by the first job
        self._pending: list[Future] = []

    def new_ids(self, model, count: int) -> list[int]:
        """`count` ids from the table's sequence, for rows COPY will write: drawn at once for
        several inserts, so that none of them waits for the writer. Ids drawn and not used
        are gaps, as after a rollback."""
        with connection.cursor() as cursor:
            sequence = _sequence(cursor, model._meta.db_table)
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [r[0] for r in cursor.fetchall()]

    def insert(self, model, fields: list[str], rows: list[tuple], *, ids) -> list[int]:
        """Rows (values in `fields` order) with the ids from new_ids: the ids are known at
        once, the rows are in the table once the writer has waited."""
        if not rows:
            return []
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

        self.run(copy)
        return ids

    def run(self, job: Callable) -> None:
        """job(cursor), with a psycopg cursor, in the writer's thread."""
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


_sequences: dict[str, str] = {}


def _sequence(cursor, table: str) -> str:
    """The table's id sequence, asked once per process (a bulk load asks for ids per file).
    Asked apart from nextval(): in its SELECT, pg_get_serial_sequence() would be evaluated
    (catalogue look-ups) once per id."""
    if table not in _sequences:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (_sequences[table],) = cursor.fetchone()
    return _sequences[table]


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
