"""Fresh planner statistics after a bulk write, on PostgreSQL.

PostgreSQL plans from statistics that autovacuum refreshes only after enough rows changed and
its next round came: after `reconcile_all` rewrote 111k findings, every disclosure page's
findings summary scanned the whole table until an ANALYZE (32 ms → 0.2 ms). The bulk commands
call `analyze` on the tables they rewrote, so the planner is informed the moment they end.
SQLite's planner keeps no such statistics unless asked (ANALYZE there would write
sqlite_stat1 and change plans the tests rely on): a no-op there.
"""

from django.db import connections


def analyze(*models, using: str = "default") -> list[str]:
    """ANALYZE the tables of `models` (each once); returns the tables analyzed, [] off
    PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = list(dict.fromkeys(m._meta.db_table for m in models))
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return tables
