"""Every door issue 15's probe found in the freeze, shut on PostgreSQL (SQLite has no triggers
here; the model and queryset guards are tested in test_frozen.py on both).

The probe: `SET LOCAL pgtrigger.ignore` / `pgtrigger.ignore()` let a raw UPDATE through;
TRUNCATE, INSERT into a published disclosure and `UPDATE … SET status = 'superseded'`
(withdrawing a publication without a correction) all succeeded.
"""

import pgtrigger
import pytest
from django.db import DatabaseError, connection, transaction

from disclosure.models import (
    Cell,
    ConsolidatedUnit,
    Disclosure,
    Duty,
    ExpenditureLine,
    ExplanationParagraph,
    ExplanationSection,
    FindingAcknowledgement,
    GlossaryTerm,
    NarrativeFigure,
    ReportRow,
    StaffingEntry,
    TableNote,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models.triggers import owner_maintenance
from tests.factories import DisclosureFactory

# The documents are loaded once for the module; each test's writes are rolled back.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seed_for_module", "putuo_for_module"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the freeze against raw SQL is PostgreSQL triggers; SQLite has no equivalent here",
    ),
]

CHANGED = "已发布的决算公开及其数字不能修改或删除"
ADDED = "已发布的决算公开不能再添加数字或内容"
WITHDRAWN = "只能通过发布更正"
TRUNCATED = "不能整表清空"

# Every table of a disclosure's content, with the column that ties a row to its owner.
PARTS = [
    (ExpenditureLine, "disclosure_id"),
    (ThreePublicExpense, "disclosure_id"),
    (StaffingEntry, "disclosure_id"),
    (Duty, "disclosure_id"),
    (WorkTask, "disclosure_id"),
    (WorkTaskItem, "task_id"),
    (ConsolidatedUnit, "disclosure_id"),
    (GlossaryTerm, "disclosure_id"),
    (ReportRow, "disclosure_id"),
    (Cell, "row_id"),
    (TableNote, "disclosure_id"),
    (NarrativeFigure, "disclosure_id"),
    (ExplanationSection, "disclosure_id"),
    (ExplanationParagraph, "section_id"),
]
TABLES = [m._meta.db_table for m, _ in PARTS] + [
    Disclosure._meta.db_table,
    FindingAcknowledgement._meta.db_table,
]


def refused(sql: str, params=(), *, message: str) -> bool:
    """True if the statement is refused with `message` (and so changed nothing)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert message in str(exc), str(exc)
        return True
    return False


def copy_sql(model) -> str:
    """An INSERT of a copy of row %s under a new id (the same owner unless changed)."""
    table = model._meta.db_table
    return (
        f"INSERT INTO {table} SELECT * FROM jsonb_populate_record(NULL::{table}, "
        f"(SELECT to_jsonb(t) || jsonb_build_object('id', (SELECT max(id) + 1000 FROM {table}))"
        f" || %s::jsonb FROM {table} t WHERE id = %s))"
    )


def published_row(model, seed, putuo):
    path = model.disclosure_path
    rows = model.objects.filter(**{f"{path}__in": [seed.pk, putuo.pk]})
    row = rows.order_by("pk").first()
    assert row is not None, model
    return row


@pytest.mark.parametrize("model,owner", PARTS, ids=[m.__name__ for m, _ in PARTS])
def test_insert_into_a_published_disclosure_is_refused(seed, putuo, model, owner):
    row = published_row(model, seed, putuo)
    count = model.objects.count()
    assert refused(copy_sql(model), ["{}", row.pk], message=ADDED)
    assert model.objects.count() == count


def test_insert_into_a_draft_goes_through(seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)
    line = seed.lines.order_by("pk").first()
    moved = f'{{"disclosure_id": {draft.pk}}}'
    assert not refused(copy_sql(ExpenditureLine), [moved, line.pk], message=ADDED)
    assert draft.lines.get().name == line.name


def test_the_owner_door_lets_loaddata_in_and_nothing_else(seed):
    line = seed.lines.order_by("pk").first()
    with transaction.atomic():
        with owner_maintenance():
            # As the tables' owner (the test's role), with the door open: loaddata's case.
            assert not refused(copy_sql(ExpenditureLine), ["{}", line.pk], message=ADDED)
        # Closed again on the way out, within the same transaction.
        assert refused(copy_sql(ExpenditureLine), ["{}", line.pk], message=ADDED)
        transaction.set_rollback(True)


@pytest.mark.parametrize("table", TABLES)
def test_truncate_is_refused(seed, table):
    count = seed.lines.count()
    assert refused(f"TRUNCATE {table} CASCADE", message=TRUNCATED)
    assert seed.lines.count() == count


def trigger_names(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def test_pgtrigger_ignore_set_by_hand_is_not_honoured(seed):
    table = ExpenditureLine._meta.db_table
    names = "{" + ",".join(trigger_names(table)) + "}"
    assert len(names) > 2
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [names])
        update = f"UPDATE {table} SET amount_yuan = 0 WHERE disclosure_id = %s"
        assert refused(update, [seed.pk], message=CHANGED)
        assert refused(f"DELETE FROM {table} WHERE disclosure_id = %s", [seed.pk], message=CHANGED)
        assert refused(f"TRUNCATE {table}", message=TRUNCATED)
    assert not seed.lines.filter(amount_yuan=0).exists()


def test_pgtrigger_ignore_from_the_orm_is_not_honoured(seed):
    uris = [f"disclosure.{m.__name__}:frozen_with_disclosure" for m, _ in PARTS]
    uris += ["disclosure.Disclosure:frozen_once_published"]
    with pgtrigger.ignore(*uris):
        sql = "UPDATE disclosure_expenditureline SET amount_yuan = 0 WHERE disclosure_id = %s"
        assert refused(sql, [seed.pk], message=CHANGED)
        sql = "UPDATE disclosure_disclosure SET head_name = 'x' WHERE id = %s"
        assert refused(sql, [seed.pk], message=CHANGED)
    seed.refresh_from_db()
    assert seed.head_name == "王颖"


SUPERSEDE = "UPDATE disclosure_disclosure SET status = 'superseded' WHERE id = %s"


def test_withdrawing_a_publication_without_a_correction_is_refused(seed):
    assert refused(SUPERSEDE, [seed.pk], message=WITHDRAWN)
    seed.refresh_from_db()
    assert seed.status == "published"


def test_the_correction_marker_alone_does_not_withdraw_either(seed):
    """Any role can set the marker; the check at COMMIT wants a published correction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('disclosure.superseding', %s, true)", [str(seed.pk)])
        assert not refused(SUPERSEDE, [seed.pk], message=WITHDRAWN)  # let through, until…
        # …COMMIT, which a test cannot reach inside its transaction: the deferred check runs
        # now instead.
        assert refused("SET CONSTRAINTS ALL IMMEDIATE", message=WITHDRAWN)
        transaction.set_rollback(True)
    seed.refresh_from_db()
    assert seed.status == "published"
