"""The figures each format gives the charts (disclosure.charts draws them): read from the page
the format already built, so a chart costs no query.

A figure's place is named as the reconciliation engine names it in its findings
(reconciliation/engine/findings.py: `cell` and `line_fig`), so a chart can tell whether its own
figures passed; tests/disclosure/charts/ checks the two agree on real findings.
"""

from django.utils.translation import gettext as _

from disclosure.core.rows import row_label
from disclosure.models import Measure, Statement, ThreePublicItem

from .base import ChartData, ChartFigure

SPENDING_TABLE = "03"  # 支出决算表: expenditure by functional code, 本年支出合计
SPENDING_COLUMN = "本年支出合计"
THREE_PUBLIC_TABLE = "07"
CLASS = "类"


# --- the 2014 format -------------------------------------------------------------------------

# The 2014 format names a 三公 item as the engine's `_item_fig` does ("“三公”经费 公务接待费").
SIMPLE_ITEM_NAMES = {
    ThreePublicItem.OUTBOUND: "因公出国（境）费",
    ThreePublicItem.VEHICLE_PURCHASE: "公务用车购置费",
    ThreePublicItem.VEHICLE_RUNNING: "公务用车运行维护费",
    ThreePublicItem.RECEPTION: "公务接待费",
}


def simple_spending(page) -> ChartData | None:
    """The 支出按功能分类 statement's top lines: the 2014 document's classes."""
    statement = next((t for t in page.part.statements if t.key == Statement.FUNCTIONAL), None)
    if statement is None:
        return None
    figures = [
        ChartFigure(
            name=" ".join(p for p in (line.code, line.name) if p),
            amount_yuan=line.amount_yuan,
            place=f"{statement.label} {line.code + ' ' if line.code else ''}{line.name}",
        )
        for line in statement.lines
    ]
    source = _("%(statement)s表，决算数") % {"statement": statement.label}
    return ChartData(_("支出按功能分类（类）"), source, figures)


def simple_three_public() -> tuple[str, dict[str, str]]:
    places = {item.value: f"“三公”经费 {name}" for item, name in SIMPLE_ITEM_NAMES.items()}
    return _("“三公”经费情况表，各项决算数之和"), places


# --- the standard format ---------------------------------------------------------------------


def _table(page, number: str):
    return next((t for t in page.part.tables if t.spec.number == number), None)


def _heading(column) -> str:
    return "/".join(p for p in (column.group, column.label) if p)


def _place(number: str, row, column) -> str:
    name = row_label(code=row.code, name=row.name, key=row.key)
    return f"公开{number}表 {name}（{_heading(column)}）"


def standard_spending(page) -> ChartData | None:
    """公开03表's class rows (类) in its 本年支出合计 column."""
    table = _table(page, SPENDING_TABLE)
    if table is None or table.empty:
        return None
    figures = []
    for block in table.blocks:
        index = next((i for i, c in enumerate(block.columns) if c.label == SPENDING_COLUMN), None)
        if index is None:
            continue
        column = block.columns[index]
        for rv in block.rows:
            if rv.row.level == CLASS:
                name = f"{rv.row.code} {rv.row.name}"
                place = _place(SPENDING_TABLE, rv.row, column)
                figures.append(ChartFigure(name, rv.values[index], place))
    source = _("公开%(number)s表 %(title)s，“%(column)s”列") % {
        "number": SPENDING_TABLE,
        "title": table.spec.title,
        "column": SPENDING_COLUMN,
    }
    return ChartData(_("支出按功能分类（类）"), source, figures) if figures else None


def standard_budgets(page) -> list[ChartData]:
    """07's 三公 items (预算数 against 决算数) and each 项 of 05 with its unprinted 年初预算数."""
    charts = []
    three_public = _three_public_budget(page)
    if three_public:
        charts.append(three_public)
    if page.part.budget_lines:
        # The table views' specs carry their prefetched columns (a row's own `table` does not).
        specs = {t.spec.pk: t.spec for t in page.part.tables}
        charts.append(_line_budgets(page.part.budget_lines, specs))
    return charts


def _measure_column(columns, measure):
    return next((c for c in columns if c.printed and c.measure == measure), None)


def _three_public_budget(page) -> ChartData | None:
    table = _table(page, THREE_PUBLIC_TABLE)
    if table is None or table.empty:
        return None
    figures = []
    for block in table.blocks:
        budget = _measure_column(block.columns, Measure.BUDGET)
        final = _measure_column(block.columns, Measure.FINAL)
        if budget is None or final is None:
            continue
        b, f = block.columns.index(budget), block.columns.index(final)
        for rv in block.rows:
            if rv.row.parent_id is None:  # the items and the total; 07's vehicle split aside
                figures.append(
                    ChartFigure(
                        name=rv.row.name,
                        amount_yuan=rv.values[f],
                        place=_place(THREE_PUBLIC_TABLE, rv.row, final),
                        budget_yuan=rv.values[b],
                        budget_place=_place(THREE_PUBLIC_TABLE, rv.row, budget),
                    )
                )
    if not figures:
        return None
    source = _("公开%(number)s表 %(title)s，预算数与决算数") % {
        "number": THREE_PUBLIC_TABLE,
        "title": table.spec.title,
    }
    return ChartData(_("“三公”经费：预算数与决算数"), source, figures)


def _line_budgets(lines, specs: dict) -> ChartData:
    figures = []
    for line in lines:
        spec = specs[line.row.table_id]
        columns = list(spec.columns.all())
        final = _measure_column(columns, Measure.FINAL)
        budget = next(c for c in columns if c.measure == Measure.BUDGET)
        figures.append(
            ChartFigure(
                name=f"{line.row.code} {line.row.name}",
                amount_yuan=line.final,
                place=_place(spec.number, line.row, final),
                budget_yuan=line.budget,
                budget_place=_place(spec.number, line.row, budget),
            )
        )
    spec = specs[lines[0].row.table_id]
    source = _("公开%(number)s表 %(title)s：年初预算数（表中不印）与决算数") % {
        "number": spec.number,
        "title": spec.title,
    }
    return ChartData(_("按项目：年初预算数与决算数"), source, figures)


def standard_three_public() -> tuple[str, dict[str, str]]:
    vehicle = "公务用车购置及运行维护费"
    rows = {
        ThreePublicItem.OUTBOUND.value: "因公出国（境）费",
        ThreePublicItem.VEHICLE_PURCHASE.value: f"{vehicle}/公务用车购置费",
        ThreePublicItem.VEHICLE_RUNNING.value: f"{vehicle}/公务用车运行维护费",
        ThreePublicItem.RECEPTION.value: "公务接待费",
        "three_public": "合计",
    }
    places = {item: f"公开07表 {row}（决算数）" for item, row in rows.items()}
    return _("公开07表 财政拨款“三公”经费支出决算表，决算数"), places
