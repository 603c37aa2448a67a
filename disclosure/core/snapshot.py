"""One consistent, read-only view of the database for a long read (an export, a package).

On PostgreSQL a transaction in REPEATABLE READ READ ONLY: every query of the read sees the same
publications, even if one commits meanwhile, and server-side cursors opened inside it are
declared WITHOUT HOLD, so PostgreSQL streams their rows instead of computing and storing the
whole result before the first one (Django holds a cursor opened outside a transaction). An
SQLite transaction reads one snapshot anyway. Inside a caller's transaction (tests, a command
run in one) the caller's isolation applies.
"""

from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def read_snapshot(*, using: str = "default"):
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                # Reads are many index lookups whose estimated cost crosses jit_above_cost:
                # compiling each query took longer than running it (85 of 265 ms per batch
                # of the figures CSV).
                cursor.execute("SET LOCAL jit = off")
        yield
