"""Split the PostgreSQL database into an owner role and the app's runtime role.

    python manage.py db_roles --owner juesuan_owner --runtime juesuan_app [--print]

Run by a superuser (or a role with CREATEROLE that owns the tables), after `migrate`, and again
after each later `migrate`: it is idempotent. The owner is NOLOGIN and owns every table,
sequence and trigger function of the schema; the runtime role, which the app logs in as, may
only read and write rows (SELECT, INSERT, UPDATE, DELETE). So the app's role cannot run ALTER
TABLE … DISABLE TRIGGER, DROP TRIGGER, replace a trigger function, TRUNCATE, or set
`session_replication_role` (superusers only): the freeze's triggers hold whatever the app is
made to run. Migrations run as the owner (`DATABASE_ROLE=juesuan_owner`, see README "Deploy").
The runtime role's password is taken from the environment variable named by --password-env.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

# Tables, views and the trigger functions of the schema pass to the owner (a table's own
# sequences follow it); extensions' functions stay where they are.
_TO_OWNER = """
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS name,
                    CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                   ELSE 'TABLE' END AS kind
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = {schema} AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', r.kind, r.name, {owner});
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS name
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = {schema}
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.name, {owner});
    END LOOP;
END $$
"""


def role_statements(
    *, owner: str, runtime: str, password: str | None, database: str, schema="public"
):
    """The SQL, in order: roles, ownership, the runtime role's grants (and nothing more)."""
    o, r = sql.Identifier(owner), sql.Identifier(runtime)
    s, db = sql.Identifier(schema), sql.Identifier(database)
    login = (
        sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("LOGIN")
    )
    return [
        _create_role(owner, sql.SQL("CREATE ROLE {} NOLOGIN").format(o)),
        _create_role(runtime, sql.SQL("CREATE ROLE {} {}").format(r, login)),
        sql.SQL(
            "ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS {}"
        ).format(r, login),
        sql.SQL("GRANT {} TO CURRENT_USER").format(o),  # so that migrations may SET ROLE to it
        sql.SQL(_TO_OWNER).format(schema=sql.Literal(schema), owner=sql.Literal(owner)),
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(s),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            s, r
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        # Tables a later migration creates as the owner get the same grants.
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(o, s, r),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} "
            "GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(o, s, r),
    ]


def _create_role(name: str, create: sql.Composable) -> sql.Composable:
    return sql.SQL(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {}) "
        "THEN {}; END IF; END $$"
    ).format(sql.Literal(name), create)


class Command(BaseCommand):
    help = "在 PostgreSQL 中建立数据表的所有者角色与应用运行角色（运行角色只能读写数据行）。"

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="拥有数据表的角色（不能登录）")
        parser.add_argument("--runtime", required=True, help="应用登录所用的角色")
        parser.add_argument(
            "--password-env", default="DB_RUNTIME_PASSWORD", help="运行角色密码所在的环境变量"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--print", action="store_true", help="只打印 SQL，不执行")

    def handle(self, *args, owner, runtime, password_env, database, print, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("角色分离只适用于 PostgreSQL（当前数据库不是 PostgreSQL）。")
        if owner == runtime:
            raise CommandError("所有者角色与运行角色必须不同。")
        statements = role_statements(
            owner=owner,
            runtime=runtime,
            # Printed SQL carries no password: set it apart with ALTER ROLE … PASSWORD.
            password=None if print else os.environ.get(password_env) or None,
            database=connection.settings_dict["NAME"],
        )
        with connection.cursor() as cursor:
            rendered = [s.as_string(cursor.connection) for s in statements]
            if print:
                self.stdout.write(";\n".join(rendered) + ";")
                return
            with transaction.atomic(using=database):
                for statement in rendered:
                    cursor.execute(statement)
        self.stdout.write(f"已完成：数据表归 {owner} 所有，{runtime} 只能读写数据行。")
