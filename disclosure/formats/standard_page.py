"""Reads for a disclosure page of a format with public tables: every table pivoted from its
cells (the standard format's page_part, and any regional format built on it).

A fixed number of queries whatever the number of rows and cells.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from disclosure.core.money import is_material, percent
from disclosure.models import (
    Cell,
    Disclosure,
    ExplanationSection,
    Measure,
    NarrativeFigure,
    ReportRow,
    TableNote,
    TableSpec,
)

from .citations import cell_key, format_figure, render

BUDGET_COLUMN = "年初预算数"


@dataclass
class RowView:
    row: ReportRow
    values: list  # Decimal | None per printed column
    prior: Decimal | None = None  # last year's figure of the main column
    change: Decimal | None = None
    change_pct: Decimal | None = None
    material: bool = False


@dataclass
class Block:
    """One side (收入/支出) or panel (人员经费/公用经费) of a table, or the whole table."""

    title: str
    columns: list
    rows: list[RowView]


@dataclass
class TableView:
    spec: TableSpec
    blocks: list[Block]
    note: str = ""
    empty: bool = True
    has_prior: bool = False


@dataclass
class BudgetLine:
    row: ReportRow
    budget: Decimal
    final: Decimal
    completion_pct: Decimal | None
    material: bool


@dataclass
class StandardPage:
    tables: list[TableView]
    sections: list = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    figures: list = field(default_factory=list)
    previous: Disclosure | None = None
    units: list = field(default_factory=list)
    glossary: list = field(default_factory=list)


def _rows_and_cells(disclosure_ids: list[int]):
    rows = list(
        ReportRow.objects.filter(disclosure_id__in=disclosure_ids)
        .select_related("parent", "table")
        .order_by("table__number", "order")
    )
    cells = Cell.objects.filter(row__disclosure_id__in=disclosure_ids).values_list(
        "row_id", "column_id", "amount_yuan"
    )
    by_row: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row_id, column_id, amount in cells:
        by_row[row_id][column_id] = amount
    return rows, by_row


def _main_column(columns):
    finals = [c for c in columns if c.printed and c.measure == Measure.FINAL]
    return finals[0] if finals else None


def standard_page(
    *, disclosure: Disclosure, previous: Disclosure | None, counts: dict
) -> StandardPage:
    specs = list(
        TableSpec.objects.filter(report_format_id=disclosure.table_set_id)
        .prefetch_related("columns")
        .order_by("number")
    )
    ids = [disclosure.pk] + ([previous.pk] if previous else [])
    rows, values = _rows_and_cells(ids)
    notes = dict(TableNote.objects.filter(disclosure=disclosure).values_list("table_id", "text"))
    columns_by_id = {c.pk: c for spec in specs for c in spec.columns.all()}
    prior = {}
    for row in rows:
        if row.disclosure_id != disclosure.pk:
            for column_id, amount in values[row.pk].items():
                column = columns_by_id.get(column_id)
                if column:
                    prior[cell_key(row.table.number, row.key, column.label)] = amount
    own_rows = [r for r in rows if r.disclosure_id == disclosure.pk]
    rows_by_table = defaultdict(list)
    for row in own_rows:
        rows_by_table[row.table_id].append(row)
    tables = [
        _table_view(spec, rows_by_table[spec.pk], values, notes.get(spec.pk, ""), prior)
        for spec in specs
    ]
    page = StandardPage(tables=tables, previous=previous)
    page.budget_lines = _budget_lines(specs, rows_by_table, values)
    page.figures = list(
        NarrativeFigure.objects.filter(disclosure=disclosure).order_by("order", "pk")
    )
    for figure in page.figures:
        figure.printed = format_figure(figure.value, figure.unit)
    page.sections = _sections(disclosure, own_rows, values, columns_by_id, counts, page.figures)
    return page


def _table_view(spec, rows, values, note, prior) -> TableView:
    columns = list(spec.columns.all())
    printed = [c for c in columns if c.printed]
    main = _main_column(columns)
    view = TableView(spec=spec, blocks=[], note=note, has_prior=bool(prior))
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[row.side or row.panel].append(row)
    for title, group_rows in groups.items():
        block_columns = [c for c in printed if not spec.two_sided or c.side == title]
        block_main = _main_column(block_columns) or main
        row_views = []
        for row in group_rows:
            cells = values.get(row.pk, {})
            rv = RowView(row=row, values=[cells.get(c.pk) for c in block_columns])
            if any(v is not None for v in rv.values):
                view.empty = False
            if block_main and prior:
                current = cells.get(block_main.pk)
                rv.prior = prior.get(cell_key(spec.number, row.key, block_main.label))
                if current is not None and rv.prior is not None:
                    rv.change = current - rv.prior
                    rv.change_pct = percent(rv.change, rv.prior)
                    # The engine's rule (core.money): the exact ratio, never the rounded
                    # percentage; and, as the engine, no rate of change on a zero base.
                    rv.material = bool(rv.prior) and is_material(rv.change, rv.prior)
            row_views.append(rv)
        view.blocks.append(Block(title=title, columns=block_columns, rows=row_views))
    return view


def _budget_lines(specs, rows_by_table, values) -> list[BudgetLine]:
    lines = []
    for spec in specs:
        columns = {c.label: c for c in spec.columns.all()}
        budget = columns.get(BUDGET_COLUMN)
        final = _main_column(spec.columns.all())
        if budget is None or final is None:
            continue
        for row in rows_by_table[spec.pk]:
            cells = values.get(row.pk, {})
            if budget.pk in cells and final.pk in cells:
                b, f = cells[budget.pk], cells[final.pk]
                lines.append(BudgetLine(row, b, f, percent(f, b), is_material(f - b, b)))
    return lines


def _sections(disclosure, rows, values, columns_by_id, counts, figures) -> list:
    cells = {}
    for row in rows:
        for column_id, amount in values.get(row.pk, {}).items():
            column = columns_by_id.get(column_id)
            if column:
                cells[cell_key(row.table.number, row.key, column.label)] = amount
    figures = {f.key: f for f in figures}
    sections = list(
        ExplanationSection.objects.filter(disclosure=disclosure)
        .prefetch_related("paragraphs")
        .order_by("order")
    )
    by_parent = defaultdict(list)
    for section in sections:
        section.rendered = [
            render(p.text, cells=cells, figures=figures, counts=counts)
            for p in section.paragraphs.all()
        ]
        by_parent[section.parent_id].append(section)
    for section in sections:
        section.children = by_parent.get(section.pk, [])
    return by_parent.get(None, [])


def previous_disclosure(disclosure: Disclosure) -> Disclosure | None:
    """Last year's published disclosure of the same agency, for the change on last year."""
    return (
        Disclosure.objects.current()
        .filter(
            agency_id=disclosure.agency_id,
            fiscal_year__year=disclosure.fiscal_year.year - 1,
            kind=disclosure.kind,
        )
        .first()
    )
