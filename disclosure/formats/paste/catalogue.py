"""What a pasted 情况说明 may cite: every figure of the disclosure with the words that name it.

`Catalogue` is plain data (the matcher is pure and tested without a database); `catalogue_for`
reads it for one disclosure in a fixed number of queries.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from disclosure.core.money import wan_amount
from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    ExplanationSection,
    NarrativeFigure,
    ReportRow,
    TableNote,
    TableSpec,
    ThreePublicExpense,
)

from ..base import format_for
from ..citations import cell_key, count_values

# Column labels too general to name a cell on their own (every table has a 合计).
GENERIC_COLUMNS = {"决算数", "预算数", "合计", "年初预算数"}
TOTAL_NAMES = {"合计", "总计", "小计"}
# The words the text names each 三公 count by, and its unit as printed.
COUNT_NAMES = {
    "delegations": (("因公出国（境）团组", "出国团组", "团组"), "个"),
    "outbound_persons": (("因公出国（境）", "出国人次", "累计"), "人次"),
    "vehicles_purchased": (("购置车辆", "购置公务用车"), "辆"),
    "vehicles_held": (("公务用车保有量", "保有量"), "辆"),
    "reception_batches": (("公务接待", "接待批次"), "批次"),
    "reception_persons": (("公务接待", "接待人次", "接待人员"), "人次"),
    "accompanying_persons": (("陪同人员", "陪同"), "人"),
    "foreign_reception_batches": (("接待外宾", "外宾接待", "外宾"), "批次"),
    "foreign_reception_persons": (("接待外宾", "外宾接待", "外宾"), "人次"),
}
PRINTED_SUFFIX = re.compile(r"（[类款项]）$")


@dataclass(frozen=True)
class Candidate:
    """A figure the text may cite: kind and ref as the citation writes them ([[kind:ref]])."""

    kind: str  # c (cell), f (narrative figure), t (三公 count)
    ref: str
    value: Decimal  # as the page prints it: a cell in 万元 to two decimals
    unit: str
    label: str  # how a finding names it: 公开05表 合计（合计）
    names: tuple[str, ...]  # the words the text may name it by
    measure: str = ""  # cells: final (决算) or budget (预算)
    table: str = ""  # cells: the table number
    table_subject: str = ""  # cells: what the table is about (一般公共预算财政拨款支出)


@dataclass
class Catalogue:
    agency: str
    year: int
    candidates: list[Candidate] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the disclosure's narrative figure keys
    tables: dict[str, tuple[str, bool, bool]] = field(default_factory=dict)  # 表号 → (title,
    # has figures, has its note)
    section_titles: list[str] = field(default_factory=list)
    # What a figure the words do not qualify (no 预算, no 决算) is: the document's own measure,
    # the 决算数 of a 决算, the 预算数 of a 预算; and how the document numbers its tables.
    measure: str = "final"
    table_prefix: str = "公开"


def subject(title: str) -> str:
    """一般公共预算财政拨款支出决算表 → 一般公共预算财政拨款支出: what its total is called."""
    return re.sub(r"(决算)?(总)?表$", "", title).replace("决算", "")


def cell_names(*, row_name: str, parent: str, column: str, title: str, total: bool) -> tuple:
    name = PRINTED_SUFFIX.sub("", row_name)
    names = [] if name in TOTAL_NAMES else [name]
    for word in TOTAL_NAMES:  # 人员经费合计 is what the text calls 人员经费
        if name.endswith(word) and len(name) - len(word) >= 2:
            names.append(name.removesuffix(word))
    if column not in GENERIC_COLUMNS:
        names.append(column)
    if parent:
        names.append(parent)
    if total or name in TOTAL_NAMES:
        names.append(subject(title))
    return tuple(dict.fromkeys(n for n in names if n))


def cell_candidate(
    *,
    table: str,
    title: str,
    row_key: str,
    row_name: str,
    parent: str,
    column: str,
    measure: str,
    total: bool,
    yuan: Decimal,
    prefix: str = "公开",
) -> Candidate:
    where = row_key if row_key.endswith(row_name) else f"{row_key} {row_name}"
    return Candidate(
        kind="c",
        ref=cell_key(table, row_key, column),
        value=wan_amount(yuan),
        unit="万元",
        label=f"{prefix}{table}表 {where}（{column}）",
        names=cell_names(row_name=row_name, parent=parent, column=column, title=title, total=total),
        measure=measure,
        table=table,
        table_subject=subject(title),
    )


def figure_candidate(figure) -> Candidate:
    return Candidate(
        kind="f",
        ref=figure.key,
        value=figure.value,
        unit=figure.unit,
        label=f"情况说明数字“{figure.label}”",
        names=(figure.label, figure.key),
    )


def count_candidates(counts: dict[str, int]) -> list[Candidate]:
    out = []
    for ref, value in counts.items():
        item, _, name = ref.partition(".")
        names, unit = COUNT_NAMES[name]
        label = ThreePublicExpense._meta.get_field(name).verbose_name
        out.append(Candidate("t", ref, Decimal(value), unit, f"“三公”经费 {label}", names))
    return out


def catalogue_for(disclosure: Disclosure) -> Catalogue:
    """Every figure of the disclosure a pasted text may cite, and what the word checks need."""
    d = Disclosure.objects.select_related("agency", "fiscal_year").get(pk=disclosure.pk)
    fmt = format_for(d)  # the budget's for a 预算: its measure and its tables' names
    catalogue = Catalogue(
        agency=d.agency.name,
        year=d.fiscal_year.year,
        measure=fmt.OWN_MEASURE,
        table_prefix=fmt.TABLE_PREFIX,
    )
    columns = {c.pk: c for c in ColumnSpec.objects.filter(table__report_format_id=d.table_set_id)}
    rows = {
        r.pk: r
        for r in ReportRow.objects.filter(disclosure=d).select_related("table", "parent__parent")
    }
    filled = set()
    for row_id, column_id, amount in Cell.objects.filter(row__disclosure=d).values_list(
        "row_id", "column_id", "amount_yuan"
    ):
        row, column = rows[row_id], columns[column_id]
        filled.add(row.table.number)
        catalogue.candidates.append(
            cell_candidate(
                table=row.table.number,
                title=row.table.title,
                row_key=row.key,
                row_name=row.name,
                parent=row.parent.name if row.parent_id else "",
                column=column.label,
                measure=column.measure,
                total=row.role == "total",
                yuan=amount,
                prefix=catalogue.table_prefix,
            )
        )
    figures = list(NarrativeFigure.objects.filter(disclosure=d).order_by("order", "pk"))
    catalogue.candidates += [figure_candidate(f) for f in figures]
    catalogue.keys = {f.key for f in figures}
    catalogue.candidates += count_candidates(
        count_values(ThreePublicExpense.objects.filter(disclosure=d))
    )
    noted = set(TableNote.objects.filter(disclosure=d).values_list("table__number", flat=True))
    for number, title in TableSpec.objects.filter(report_format_id=d.table_set_id).values_list(
        "number", "title"
    ):
        catalogue.tables[number] = (title, number in filled, number in noted)
    catalogue.section_titles = list(
        ExplanationSection.objects.filter(disclosure=d).values_list("title", flat=True)
    )
    return catalogue
