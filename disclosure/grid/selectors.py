"""Reads for a public table's grid: its rows × columns as printed, the figures in 万元 as a
clerk types them, and the stored findings beside the cells they concern.

A fixed number of queries whatever the number of rows and columns (asserted at 300 × 12).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from disclosure.core.money import wan_for_input
from disclosure.core.rows import row_label
from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    ReconciliationFinding,
    ReportRow,
    TableSpec,
)
from disclosure.models.findings import Severity
from disclosure.reconciliation.engine.findings import cell_place

SEVERITY_ORDER = {"error": 0, "warning": 1, "notice": 2}


@dataclass
class GridFinding:
    number: int  # as the page numbers it: ①, ② … beside the cells
    severity: str
    severity_label: str
    message: str


@dataclass
class GridCell:
    column: ColumnSpec
    place: str  # how findings and errors name it: 公开05表 2120101 行政运行（合计）
    text: str  # the stored figure in 万元 as typed ("195.82"), "" for a blank
    findings: list[GridFinding] = field(default_factory=list)

    @property
    def severity(self) -> str:
        """The gravest finding on the cell, for its colour."""
        if not self.findings:
            return ""
        return min((f.severity for f in self.findings), key=SEVERITY_ORDER.__getitem__)


@dataclass
class GridRow:
    row: ReportRow
    label: str  # the name as printed, with its ordinal: 一、一般公共预算财政拨款收入
    cells: list[GridCell]

    @property
    def findings(self) -> list[GridFinding]:
        seen = {}
        for c in self.cells:
            for f in c.findings:
                seen.setdefault(f.number, f)
        return [seen[n] for n in sorted(seen)]


@dataclass
class GridBlock:
    """One side (收入/支出) or panel (人员经费) of the table, or the whole table."""

    title: str
    columns: list[ColumnSpec]
    rows: list[GridRow]


@dataclass
class Grid:
    disclosure: Disclosure
    table: TableSpec
    blocks: list[GridBlock]
    findings: list[GridFinding]
    version: int
    coded: bool  # the table prints a code column (科目 rows)

    @property
    def row_count(self) -> int:
        return sum(len(b.rows) for b in self.blocks)

    def places(self) -> dict[tuple[int, int], str]:
        """(row id, column id) → the cell's place, for naming cells in messages."""
        return {
            (r.row.pk, c.column.pk): c.place for b in self.blocks for r in b.rows for c in r.cells
        }


def heading(column: ColumnSpec) -> str:
    """The column as the table prints its header: 本年支出/基本支出."""
    return "/".join(p for p in (column.group, column.label) if p)


def row_columns(table: TableSpec, columns: list[ColumnSpec], side: str) -> list[ColumnSpec]:
    """The columns a row has: its own side's in a two-sided table (01表's 收入 and 支出)."""
    return [c for c in columns if not table.two_sided or c.side == side]


def table_grid(*, disclosure: Disclosure, table: TableSpec) -> Grid:
    """The grid of one public table of a standard-format disclosure, unprinted columns
    (年初预算数, cited by 情况说明) included: the clerk enters them here too."""
    columns = list(ColumnSpec.objects.filter(table=table).order_by("order"))
    rows = list(
        ReportRow.objects.filter(disclosure=disclosure, table=table)
        .select_related("parent")
        .order_by("order", "pk")
    )
    amounts: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row_id, column_id, amount in Cell.objects.filter(
        row__disclosure=disclosure, row__table=table
    ).values_list("row_id", "column_id", "amount_yuan"):
        amounts[row_id][column_id] = amount
    findings_by_place, findings = _findings(disclosure, table)
    groups: dict[str, list[GridRow]] = defaultdict(list)
    for row in rows:
        cells = []
        text_row = row_label(code=row.code, name=row.name, key=row.key)
        for column in row_columns(table, columns, row.side):
            place = cell_place(table.number, text_row, heading(column))
            amount = amounts[row.pk].get(column.pk)
            text = "" if amount is None else wan_for_input(amount)
            cells.append(GridCell(column, place, text, findings_by_place.get(place, [])))
        label = f"{row.ordinal}、{row.name}" if row.ordinal else row.name
        groups[row.side or row.panel].append(GridRow(row, label, cells))
    blocks = [
        GridBlock(title, row_columns(table, columns, title if table.two_sided else ""), grid_rows)
        for title, grid_rows in groups.items()
    ]
    version = Disclosure.objects.filter(pk=disclosure.pk).values_list("version", flat=True).get()
    return Grid(
        disclosure=disclosure,
        table=table,
        blocks=blocks,
        findings=findings,
        version=version,
        coded=table.row_source != "fixed",
    )


def _findings(disclosure, table) -> tuple[dict[str, list[GridFinding]], list[GridFinding]]:
    """The stored findings naming a cell of this table, numbered in their stored order, and
    each such cell's place → its findings. One query."""
    prefix = f"公开{table.number}表 "
    by_place: dict[str, list[GridFinding]] = defaultdict(list)
    listed = []
    stored = ReconciliationFinding.objects.filter(disclosure=disclosure).order_by("order")
    for severity, message, cells in stored.values_list("severity", "message", "cells"):
        places = [label for label, _value in cells if label.startswith(prefix)]
        if not places:
            continue
        finding = GridFinding(len(listed) + 1, severity, Severity(severity).label, message)
        listed.append(finding)
        for place in dict.fromkeys(places):
            by_place[place].append(finding)
    return by_place, listed


def table_counts(*, disclosure: Disclosure) -> list[dict]:
    """Each public table of the disclosure's year with its rows and figures, for the links on
    the disclosure's page. Three queries."""
    tables = TableSpec.objects.filter(report_format_id=disclosure.table_set_id).order_by("number")
    rows = dict(
        ReportRow.objects.filter(disclosure=disclosure)
        .values("table_id")
        .annotate(n=Count("pk"))
        .values_list("table_id", "n")
    )
    cells = dict(
        Cell.objects.filter(row__disclosure=disclosure)
        .values("row__table_id")
        .annotate(n=Count("pk"))
        .values_list("row__table_id", "n")
    )
    return [{"table": t, "rows": rows.get(t.pk, 0), "cells": cells.get(t.pk, 0)} for t in tables]
