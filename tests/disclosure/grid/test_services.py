"""grid.services.table_cells_save: only changed cells written, with the import's rules, the
version check, the freeze and the audit trail; every refusal writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure.grid.services import CellChange, table_cells_save
from disclosure.models import Cell, Disclosure, Reconciliation, ReconciliationFinding
from tests.factories import (
    CLERK,
    StandardDisclosureFactory,
    add_row,
    column_spec,
    publish,
    user_in_role,
    yuan,
)

pytestmark = pytest.mark.django_db

STALE = "该决算已被他人修改"


@pytest.fixture
def draft():
    return StandardDisclosureFactory()


@pytest.fixture
def clerk(draft):
    return user_in_role(CLERK, agencies=[draft.agency], username="clerk")


@pytest.fixture
def row(draft):
    return add_row(
        draft, "05", "行政运行", code="2010101", cells={"合计": "10.00", "基本支出": "10.00"}
    )


def change(row, label: str, value: str) -> CellChange:
    return CellChange(str(row.pk), str(column_spec(row.table, label).pk), value)


def version(disclosure) -> int:
    return Disclosure.objects.get(pk=disclosure.pk).version


def save(draft, row, changes, by, *, at=None):
    return table_cells_save(
        disclosure=draft,
        table=row.table,
        changes=changes,
        version=version(draft) if at is None else at,
        by=by,
    )


def snapshot(draft) -> tuple:
    """Every cell and audit row of the disclosure, and its version: what a refusal must keep."""
    cells = sorted(
        Cell.objects.filter(row__disclosure=draft).values_list("row_id", "column_id", "amount_yuan")
    )
    return cells, Cell.history.count(), version(draft)


def amounts(row) -> dict:
    return {c.column.label: c.amount_yuan for c in row.cells.select_related("column")}


def test_only_the_changed_cells_are_written_with_their_audit_rows(draft, clerk, row):
    before = version(draft)
    history = Cell.history.count()
    saved = save(
        draft,
        row,
        [change(row, "合计", "10.00"), change(row, "基本支出", "8"), change(row, "项目支出", "2")],
        clerk,
    )
    assert (saved.created, saved.updated, saved.deleted) == (1, 1, 0)
    assert amounts(row) == {"合计": yuan("10"), "基本支出": yuan("8"), "项目支出": yuan("2")}
    assert Cell.history.count() == history + 2  # 合计 was posted unchanged: not written
    records = Cell.history.order_by("-history_id")[:2]
    assert {r.history_type for r in records} == {"+", "~"}
    assert {(r.history_user, r.history_change_reason) for r in records} == {
        (clerk, "表格编辑（公开05表）")
    }
    assert version(draft) == before + 1  # forms of the disclosure opened before are stale now
    assert Reconciliation.objects.filter(disclosure=draft).exists()  # checked again


def test_nothing_changed_writes_nothing(draft, clerk, row):
    before = snapshot(draft)
    saved = save(draft, row, [change(row, "合计", "10"), change(row, "项目支出", " ")], clerk)
    assert saved.written == 0
    assert snapshot(draft) == before


def test_a_blanked_cell_is_deleted_and_audited(draft, clerk, row):
    saved = save(draft, row, [change(row, "基本支出", "")], clerk)
    assert saved.deleted == 1
    assert amounts(row) == {"合计": yuan("10")}
    record = Cell.history.order_by("-history_id").first()
    assert (record.history_type, record.history_user) == ("-", clerk)


def test_amounts_are_read_as_the_import_reads_them(draft, clerk, row):
    save(
        draft,
        row,
        [change(row, "合计", "1,234.56"), change(row, "基本支出", "１２．５万元")],
        clerk,
    )
    assert amounts(row) == {"合计": yuan("1234.56"), "基本支出": yuan("12.5")}


def test_a_page_opened_before_another_save_is_refused(draft, clerk, row):
    stale = version(draft)
    save(draft, row, [change(row, "合计", "11")], clerk)
    before = snapshot(draft)
    with pytest.raises(ValidationError, match=STALE):
        save(draft, row, [change(row, "基本支出", "3")], clerk, at=stale)
    assert snapshot(draft) == before


def test_a_published_disclosure_is_refused(draft, clerk, row):
    publish(draft)
    before = snapshot(draft)
    with pytest.raises(ValidationError, match="已发布"):
        save(draft, row, [change(row, "合计", "11")], clerk)
    assert snapshot(draft) == before


def test_another_agencys_clerk_is_refused(draft, row):
    stranger = user_in_role(CLERK, agencies=[StandardDisclosureFactory().agency])
    before = snapshot(draft)
    with pytest.raises(PermissionDenied):
        save(draft, row, [change(row, "合计", "11")], stranger)
    assert snapshot(draft) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "公开05表 2010101 行政运行（项目支出）：“abc”不是有效的金额"),
        ("-5", "公开05表 2010101 行政运行（项目支出）：金额不能为负数。"),
        ("1.1234567", "公开05表 2010101 行政运行（项目支出）：以万元为单位的金额最多六位小数"),
        ("1e3", "不是有效的金额"),
    ],
)
def test_a_bad_figure_names_its_cell_and_nothing_is_written(draft, clerk, row, value, message):
    before = snapshot(draft)
    with pytest.raises(ValidationError) as refused:
        save(draft, row, [change(row, "合计", "99"), change(row, "项目支出", value)], clerk)
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert snapshot(draft) == before  # the good 合计 was not written either


def test_unknown_rows_and_columns_are_named_and_nothing_is_written(draft, clerk, row):
    other = add_row(draft, "03", "一般公共服务支出", code="201", cells={"本年支出合计": "1"})
    foreign_column = column_spec(other.table, "本年支出合计")
    changes = [
        CellChange("999999999", str(column_spec(row.table, "合计").pk), "1"),
        CellChange(str(other.pk), str(column_spec(row.table, "合计").pk), "1"),  # 03's row
        CellChange(str(row.pk), str(foreign_column.pk), "1"),  # 03's column
        CellChange(str(row.pk), "abc", "1"),
        change(row, "合计", "1"),
        change(row, "合计", "2"),
    ]
    before = snapshot(draft)
    with pytest.raises(ValidationError) as refused:
        save(draft, row, changes, clerk)
    assert refused.value.messages == [
        "第 1 处修改：编号“999999999”不是公开05表的行。",
        f"第 2 处修改：编号“{other.pk}”不是公开05表的行。",
        f"公开05表 2010101 行政运行：编号“{foreign_column.pk}”不是该行的栏目。",
        "公开05表 2010101 行政运行：编号“abc”不是该行的栏目。",
        "公开05表 2010101 行政运行（合计）：同一个数字在一次保存中出现了两次。",
    ]
    assert snapshot(draft) == before


def test_the_findings_are_those_of_the_new_figures(draft, clerk, row):
    saved = save(draft, row, [change(row, "项目支出", "5")], clerk)  # 10 ≠ 10 + 5
    stored = ReconciliationFinding.objects.filter(disclosure=draft, severity="error")
    assert [f.message for f in saved.findings if f.severity == "error"] == [
        f.message for f in stored
    ]
    assert any(
        "公开05表 2010101 行政运行（项目支出）" == label for f in stored for label, _ in f.cells
    )
    assert Decimal(stored.first().difference_yuan).copy_abs() == yuan("5")
