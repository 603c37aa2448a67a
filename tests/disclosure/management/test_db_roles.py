"""The app's runtime role cannot disable or bypass the freeze (issue 15, item 5).

`manage.py db_roles` gives the tables to a NOLOGIN owner role and the runtime role DML only; a
real connection logged in as the runtime role then tries every way around the triggers.
Roles are global to the PostgreSQL cluster, so this test commits (a transactional test), uses
names of its own, and gives everything back to the test's role before dropping them.
"""

import io
import secrets

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from disclosure.models import ExpenditureLine
from tests.disclosure.models.test_freeze_doors import ADDED, copy_sql

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

LINES = ExpenditureLine._meta.db_table


@pytest.fixture
def roles(db):
    suffix = secrets.token_hex(4)
    owner, runtime = f"test_owner_{suffix}", f"test_runtime_{suffix}"
    try:
        yield owner, runtime
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [owner])
            if cursor.fetchone():
                cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
                cursor.execute(f'DROP OWNED BY "{owner}"')
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [runtime])
            if cursor.fetchone():
                cursor.execute(f'DROP OWNED BY "{runtime}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{runtime}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{owner}"')


def connect_as(role: str) -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=role,
        password="runtime-pw-for-tests",
        autocommit=True,
    )


def refused(conn: psycopg.Connection, statement: str, params=()) -> str:
    """The error of a statement the runtime role may not run; its transaction rolled back."""
    try:
        with conn.transaction():
            conn.execute(statement, params)
    except psycopg.Error as exc:
        return str(exc)
    raise AssertionError(f"the runtime role ran: {statement}")


def frozen_trigger(table: str) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, t.tgfoid::regproc::text FROM pg_trigger t"
            " WHERE t.tgrelid = %s::regclass AND t.tgname LIKE 'pgtrigger_frozen%%'",
            [table],
        )
        return cursor.fetchone()


def test_the_runtime_role_reads_and_writes_rows_and_nothing_more(seed, roles, monkeypatch):
    owner, runtime = roles
    monkeypatch.setenv("DB_RUNTIME_PASSWORD", "runtime-pw-for-tests")
    call_command("db_roles", owner=owner, runtime=runtime, stdout=io.StringIO())
    trigger, function = frozen_trigger(LINES)
    line = seed.lines.order_by("pk").first()
    with connect_as(runtime) as conn:
        # Rows: read and written as the app does (a draft's line; the freeze refuses the rest).
        assert conn.execute(f"SELECT count(*) FROM {LINES}").fetchone()[0] == 8
        assert "已发布的决算公开" in refused(conn, f"UPDATE {LINES} SET amount_yuan = 0")
        # Every way around the triggers is refused to the runtime role.
        assert "must be owner" in refused(conn, f"ALTER TABLE {LINES} DISABLE TRIGGER ALL")
        assert "must be owner" in refused(conn, f"ALTER TABLE {LINES} DISABLE TRIGGER {trigger}")
        assert "must be owner" in refused(conn, f"DROP TRIGGER {trigger} ON {LINES}")
        replace = (
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
        )
        assert "permission denied for schema" in refused(conn, replace)
        assert "permission denied" in refused(conn, "SET session_replication_role = replica")
        assert "permission denied" in refused(conn, f"TRUNCATE {LINES}")
        assert "permission denied" in refused(conn, f"CREATE TABLE {LINES}_x (id int)")
        # The owner's door is the owner's: the setting alone opens nothing for this role.
        with pytest.raises(psycopg.Error, match=ADDED), conn.transaction():
            conn.execute("SELECT set_config('disclosure.owner_maintenance', 'on', true)")
            conn.execute(copy_sql(ExpenditureLine), ["{}", line.pk])
        assert "permission denied" in refused(conn, f"SET ROLE {owner}")
    assert seed.lines.count() == 8 and not seed.lines.filter(amount_yuan=0).exists()


def test_print_shows_the_sql_without_running_it(roles):
    owner, runtime = roles
    out = io.StringIO()
    call_command("db_roles", owner=owner, runtime=runtime, print=True, stdout=out)
    sql = out.getvalue()
    assert f'CREATE ROLE "{owner}" NOLOGIN' in sql
    assert (
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "{runtime}"'
        in sql
    )
    assert "TRUNCATE" not in sql and "PASSWORD" not in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [owner])
        assert cursor.fetchone() is None
