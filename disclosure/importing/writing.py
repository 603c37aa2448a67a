"""How an import writes its many rows, inside the caller's transaction (a failure rolls back all).

Two writers behind one small interface (new_ids, insert, run, wait, close), which sync.py uses:
- PlainWriter: bulk_create and plain INSERTs, at once, in the caller's thread. Every import
  takes it unless told otherwise; the admin's (a web worker) always does.
- fast.bulk.CopyWriter: PostgreSQL COPY in a second thread, overlapping the database's work
  with reading the next batch, and the process's GIL switch interval shortened meanwhile. Only
  for bulk loads from the command line (manage.py import_disclosures), which ask for it with
  `fast=True`: a web worker must not start threads or change process-wide settings.

Also here, for both: the batch size, `field IN (values)` as one array parameter, and foreign
keys checked as each row is written.
"""

from collections.abc import Callable
from contextlib import contextmanager
from typing import Protocol

from django.db import DatabaseError, connection
from django.db.models import Lookup
from django.db.models.lookups import In

from disclosure.importing.fast.bulk import CopyWriter

# Rows per batch: each batch costs a few round trips and thread hand-overs, which 10,000 rows
# make small (measured: 2,000 → 10,000 took a tenth off an import); memory holds one batch.
BATCH = 10000


class Writer(Protocol):
    def new_ids(self, model, count: int) -> list[int] | None:
        """Ids for `count` rows insert() will write, or None when insert() returns them."""

    def insert(self, model, fields: list[str], rows: list[tuple], *, ids) -> list[int]:
        """Insert rows (values in `fields` order, model attribute names); return their ids."""

    def run(self, job: Callable) -> None:
        """job(cursor), after the writes already asked for."""

    def wait(self) -> None:
        """Until every write asked for is in the table (a query that must see them follows)."""

    def close(self) -> None:
        """Before the transaction ends, whatever the import's outcome."""


class PlainWriter:
    """Writes at once, in the caller's thread: bulk_create, and plain SQL on Django's cursor."""

    def new_ids(self, model, count: int) -> None:
        return None

    def insert(self, model, fields: list[str], rows: list[tuple], *, ids=None) -> list[int]:
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH)
        return [o.pk for o in objs]

    def run(self, job: Callable) -> None:
        with connection.cursor() as cursor:
            job(cursor)

    def wait(self) -> None:
        pass

    def close(self) -> None:
        pass


def new_writer(*, fast: bool = False) -> Writer:
    """The plain writer, or with `fast` on PostgreSQL the COPY writer (command line only)."""
    if fast and connection.vendor == "postgresql":
        return CopyWriter()
    return PlainWriter()


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


@contextmanager
def immediate_checks():
    """Foreign keys checked as each row is written, not all at the commit (PostgreSQL).

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so PostgreSQL would check the
    100,000 lines and history rows of a large import one by one in COMMIT, while the
    importing thread waits; checked at once, the COPY writer's thread does it while the next
    batch is read, and with either writer a refused row fails inside the import's own
    transaction, reported as such, never at a caller's later commit. Afterwards the
    transaction is back to deferring them, as Django expects.
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
