"""Writes of a public table's grid: only the cells the clerk changed, with the import's rules.

One submission is one transaction: the disclosure's version check (a grid opened before anyone
else's save of the disclosure is refused), the clerk's agency and the disclosure's status, every
figure read as the import reads it (importing.parsing: `1,234.56`, full-width digits, 万元 to
the fen, no negatives), then the writes with their audit rows, then the workflow's "figures
changed" (version bumped, reconciliation run again). One bad figure and nothing is written:
every bad cell is named in the refusal.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import QuerySet
from django.db.models.deletion import Collector
from simple_history.utils import bulk_create_with_history

from disclosure.access import NOT_YOURS_MESSAGE, can_edit, can_view
from disclosure.core.rows import row_label
from disclosure.importing.parsing import WAN, parse_amount
from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    PublishedDisclosureError,
    ReportRow,
    TableSpec,
)
from disclosure.models.states import EDITABLE_STATUSES
from disclosure.reconciliation.engine import Finding
from disclosure.reconciliation.engine.findings import cell_place
from disclosure.workflow.services import disclosure_check_version, disclosure_figures_changed

from .selectors import heading, row_columns

REASON = "表格编辑"
PERMISSIONS = {"created": "add_cell", "updated": "change_cell", "deleted": "delete_cell"}


@dataclass(frozen=True)
class CellChange:
    """A cell as the grid posts it: row and column ids and the figure as typed (万元), all
    text, checked here. An empty value blanks the cell (the table prints nothing there)."""

    row: str
    column: str
    value: str


@dataclass
class GridSaved:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class _Plan:
    create: list[Cell] = field(default_factory=list)
    update: list[Cell] = field(default_factory=list)
    delete: list[Cell] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def table_cells_save(
    *,
    disclosure: Disclosure,
    table: TableSpec,
    changes: Iterable[CellChange],
    version: int | None,
    by: AbstractBaseUser,
) -> GridSaved:
    """Write the changed cells of one public table of a standard-format disclosure.

    Raises PermissionDenied (another agency's disclosure, or no permission for the kind of
    change) or ValidationError (stale version, locked disclosure, bad figures: every bad cell
    named), having written nothing. Cells whose figure equals the stored one are not written.
    """
    if not can_view(by, disclosure):
        raise PermissionDenied(NOT_YOURS_MESSAGE)
    if table.report_format_id != disclosure.table_set_id:
        raise ValidationError(f"公开{table.number}表不属于该决算公开所在年度的公开表。")
    # Locks the disclosure until the end of the transaction, then its status is read fresh.
    disclosure_check_version(disclosure_id=disclosure.pk, version=version)
    status = Disclosure.objects.filter(pk=disclosure.pk).values_list("status", flat=True).get()
    if status not in EDITABLE_STATUSES:
        raise PublishedDisclosureError()
    if not can_edit(by, disclosure):
        raise PermissionDenied(NOT_YOURS_MESSAGE)
    plan = _plan(disclosure, table, list(changes))
    if plan.errors:
        raise ValidationError(plan.errors)
    _require_permissions(by, plan)
    saved = GridSaved(len(plan.create), len(plan.update), len(plan.delete))
    if not saved.written:
        return saved
    reason = f"{REASON}（公开{table.number}表）"
    _delete(plan.delete, by=by, reason=reason)
    bulk_create_with_history(plan.create, Cell, default_user=by, default_change_reason=reason)
    # A plain queryset: the guarded one's bulk_update audits through update(), without the
    # clerk or the reason; the disclosure is locked and checked editable above.
    QuerySet(model=Cell).bulk_update(plan.update, ["amount_yuan"])
    Cell.history.bulk_history_create(
        plan.update, update=True, default_user=by, default_change_reason=reason
    )
    saved.findings = disclosure_figures_changed(disclosure_id=disclosure.pk, by=by)
    return saved


def _plan(disclosure: Disclosure, table: TableSpec, changes: list[CellChange]) -> _Plan:
    """Each change checked against the table and read as the import reads it; what to write."""
    rows = {
        r.pk: r
        for r in ReportRow.objects.filter(disclosure=disclosure, table=table).select_related(
            "parent"
        )
    }
    columns = list(ColumnSpec.objects.filter(table=table).order_by("order"))
    stored = {
        (c.row_id, c.column_id): c
        for c in Cell.objects.filter(row__disclosure=disclosure, row__table=table)
    }
    plan, seen = _Plan(), set()
    for number, change in enumerate(changes, 1):
        row = rows.get(_id(change.row))
        if row is None:
            plan.errors.append(
                f"第 {number} 处修改：编号“{change.row}”不是公开{table.number}表的行。"
            )
            continue
        text_row = row_label(code=row.code, name=row.name, key=row.key)
        own = {c.pk: c for c in row_columns(table, columns, row.side)}
        column = own.get(_id(change.column))
        if column is None:
            plan.errors.append(
                f"公开{table.number}表 {text_row}：编号“{change.column}”不是该行的栏目。"
            )
            continue
        place = cell_place(table.number, text_row, heading(column))
        if (row.pk, column.pk) in seen:
            plan.errors.append(f"{place}：同一个数字在一次保存中出现了两次。")
            continue
        seen.add((row.pk, column.pk))
        try:
            amount = _amount(change.value, unit=table.unit or WAN)
        except ValueError as exc:
            plan.errors.append(f"{place}：{exc}")
            continue
        _add(plan, stored.get((row.pk, column.pk)), row, column, amount)
    return plan


def _add(plan: _Plan, old: Cell | None, row, column, amount: Decimal | None) -> None:
    if amount is None:
        if old is not None:
            plan.delete.append(old)
    elif old is None:
        cell = Cell(row=row, column=column, amount_yuan=amount)
        cell.clean()  # the model's own rules (the column's table, no negative)
        plan.create.append(cell)
    elif old.amount_yuan != amount:
        old.amount_yuan = amount
        plan.update.append(old)


def _amount(value: str, *, unit: str) -> Decimal | None:
    text = str(value).strip()
    return None if not text else parse_amount(text, unit=unit)


def _id(value) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _require_permissions(by, plan: _Plan) -> None:
    needed = {
        PERMISSIONS[kind]
        for kind, cells in (
            ("created", plan.create),
            ("updated", plan.update),
            ("deleted", plan.delete),
        )
        if cells
    }
    missing = [p for p in sorted(needed) if not by.has_perm(f"disclosure.{p}")]
    if missing:
        raise PermissionDenied("无权修改公开表中的数字。")


def _delete(cells: list[Cell], *, by, reason: str) -> None:
    """Blanked cells, deleted with an audit row each naming the clerk: the collector keeps these
    instances (a queryset's delete would fetch fresh ones, without the user)."""
    if not cells:
        return
    for cell in cells:
        cell._history_user = by
        cell._change_reason = reason
    collector = Collector(using=router.db_for_write(Cell))
    collector.collect(cells)
    collector.delete()
