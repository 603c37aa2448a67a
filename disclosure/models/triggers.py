"""The freeze in PostgreSQL: triggers that no session setting of the app's role turns off.

django-pgtrigger installs each trigger with a check of the session setting `pgtrigger.ignore`
first: `SET LOCAL pgtrigger.ignore = '{…}'` (or `pgtrigger.ignore()` from the ORM) would let a
raw UPDATE of a published figure through. The freeze's triggers are compiled without that
check (UnignorableTrigger), so the only ways past them are the owner's: ALTER TABLE … DISABLE
TRIGGER, DROP TRIGGER, `session_replication_role`, which the runtime role may not use
(`manage.py db_roles`, README "Deploy").

Doors the app itself needs, each as narrow as it can be:
- superseding: a published revision becomes 已更正 only while the correction service says so
  (`superseding()`: a transaction-local setting naming that revision), and a deferred check at
  COMMIT requires a published correction of it. Any role can set the setting, so the deferred
  check is what stops a bare `UPDATE … SET status = 'superseded'`.
- maintenance: `loaddata` of already-published documents (the demo's, the tests') and `flush`
  (the test runner's TRUNCATE) open `owner_maintenance()`, a transaction-local setting that
  the triggers accept only from a member of the tables' owner role. The runtime role of a
  deployment is not one, so for it there is no door.
"""

from contextlib import contextmanager

import pgtrigger
from django.db import connections
from pgtrigger import compiler

from .states import FROZEN_STATUSES, SUPERSEDE_FIELDS

FROZEN_SQL = ", ".join(f"'{status}'" for status in FROZEN_STATUSES)
KEEP_SQL = "'{" + ",".join(sorted(SUPERSEDE_FIELDS)) + "}'::text[]"
SUPERSEDING = "disclosure.superseding"
MAINTENANCE = "disclosure.owner_maintenance"


def _raise(message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{message}';"


CHANGED = _raise("已发布的决算公开及其数字不能修改或删除；如需更正，请发起更正，生成新的修订版。")
ADDED = _raise("已发布的决算公开不能再添加数字或内容；如需更正，请发起更正，生成新的修订版。")
WITHDRAWN = _raise("已发布的决算公开只能通过发布更正（新的修订版）标为已更正，不能直接撤下。")
TRUNCATED = _raise("决算公开的数据不能整表清空（TRUNCATE）。")

# The owner's door: the setting, and a member of the role that owns the table (a superuser is).
OWNER_DOOR = (
    f"(coalesce(current_setting('{MAINTENANCE}', true), '') = 'on' AND pg_has_role("
    "current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'))"
)

# pgtrigger's installation template opens every trigger function with this block.
_IGNORE_BLOCK = """                    IF ({ignore_func_name}(TG_NAME) IS TRUE) THEN
                        IF (TG_OP = 'DELETE') THEN
                            RETURN OLD;
                        ELSE
                            RETURN NEW;
                        END IF;
                    END IF;
"""


class UnignorableTriggerSql(compiler.UpsertTriggerSql):
    """pgtrigger's installation SQL without the `pgtrigger.ignore` check. Migrations name this
    class by its path (0015 on): keep its name and module."""

    def get_template(self) -> str:
        template = super().get_template()
        if _IGNORE_BLOCK not in template:  # pgtrigger changed its template: look again
            raise RuntimeError("pgtrigger's trigger template changed; update UnignorableTriggerSql")
        return template.replace(_IGNORE_BLOCK, "")


class UnignorableTrigger(pgtrigger.Trigger):
    def compile(self, model) -> compiler.Trigger:
        compiled = super().compile(model)
        return compiler.Trigger(name=self.name, sql=UnignorableTriggerSql(**compiled.sql.kwargs))


def frozen_disclosure_triggers() -> list[pgtrigger.Trigger]:
    """On the disclosure row: frozen once published; superseding changes only the status, only
    inside a correction's publication, and only if that correction is published by COMMIT."""
    func = f"""
        IF OLD.status IN ({FROZEN_SQL}) THEN
            IF TG_OP = 'DELETE' THEN {CHANGED} END IF;
            IF (to_jsonb(NEW) - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'updated_at') THEN
                IF NOT (OLD.status = 'published' AND NEW.status = 'superseded'
                        AND (to_jsonb(NEW) - {KEEP_SQL}) = (to_jsonb(OLD) - {KEEP_SQL})) THEN
                    {CHANGED}
                END IF;
                IF coalesce(current_setting('{SUPERSEDING}', true), '') <> OLD.id::text THEN
                    {WITHDRAWN}
                END IF;
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """
    corrected = f"""
        IF NOT EXISTS (SELECT 1 FROM disclosure_disclosure
                       WHERE corrects_id = NEW.id AND status IN ({FROZEN_SQL})) THEN
            {WITHDRAWN}
        END IF;
        RETURN NULL;
    """
    return [
        UnignorableTrigger(
            name="frozen_once_published",
            when=pgtrigger.Before,
            operation=pgtrigger.Update | pgtrigger.Delete,
            func=func,
        ),
        UnignorableTrigger(
            name="superseded_by_a_correction",
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            timing=pgtrigger.Deferred,
            condition=pgtrigger.Condition(
                "NEW.status = 'superseded' AND OLD.status IS DISTINCT FROM 'superseded'"
            ),
            func=corrected,
        ),
        no_truncate_trigger(),
    ]


def frozen_part_triggers(owner_sql: str = "{row}.disclosure_id") -> list[pgtrigger.Trigger]:
    """On a row of a disclosure: frozen with it, no row added to it once it is published.
    `owner_sql` gives the disclosure id of {row}."""

    def frozen(row: str) -> str:
        owner = owner_sql.format(row=row)
        return (
            f"EXISTS (SELECT 1 FROM disclosure_disclosure"
            f" WHERE id = {owner} AND status IN ({FROZEN_SQL}))"
        )

    # An UPDATE that changes nothing (loading the seed fixture twice) is harmless and allowed;
    # an INSERT into a published disclosure only through the owner's door (loaddata).
    func = f"""
        IF TG_OP = 'UPDATE' THEN
            IF to_jsonb(NEW) = to_jsonb(OLD) THEN RETURN NEW; END IF;
            IF {frozen("NEW")} THEN {CHANGED} END IF;
        END IF;
        IF TG_OP = 'INSERT' THEN
            IF {frozen("NEW")} AND NOT {OWNER_DOOR} THEN {ADDED} END IF;
            RETURN NEW;
        END IF;
        IF {frozen("OLD")} THEN {CHANGED} END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """
    frozen_rows = UnignorableTrigger(
        name="frozen_with_disclosure",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=func,
    )
    return [frozen_rows, no_truncate_trigger()]


def no_truncate_trigger() -> pgtrigger.Trigger:
    """TRUNCATE fires no row trigger: a statement trigger refuses it, but through the owner's
    door (the test runner's flush)."""
    return UnignorableTrigger(
        name="no_truncate",
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        func=f"IF NOT {OWNER_DOOR} THEN {TRUNCATED} END IF; RETURN NULL;",
    )


def _set_local(using: str, name: str, value: str) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@contextmanager
def superseding(disclosure_id: int, *, using: str = "default"):
    """The correction service's marker: this transaction supersedes that revision. Call it
    inside an atomic block (the setting ends with it, and is cleared on the way out)."""
    _set_local(using, SUPERSEDING, str(disclosure_id))
    yield  # on an error the transaction (or savepoint) that set it rolls the setting back
    _set_local(using, SUPERSEDING, "")


@contextmanager
def owner_maintenance(*, using: str = "default"):
    """loaddata's and flush's door (see the module's docstring). Inside an atomic block."""
    _set_local(using, MAINTENANCE, "on")
    yield  # on an error the transaction (or savepoint) that set it rolls the setting back
    _set_local(using, MAINTENANCE, "")
