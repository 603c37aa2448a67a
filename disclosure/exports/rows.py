"""CSV exports for auditors: a public interface with stable columns (see README, "CSV").

One row per figure. Pure generators of rows; the views only stream them. Amounts are exact:
万元 rounded half up to two decimals as the documents print them, and 元 to the fen.
"""

import heapq
from collections.abc import Iterable, Iterator

from django.db.models import Case, IntegerField, QuerySet, Value, When

from disclosure.core import csv as core_csv
from disclosure.core.csv import neutralise
from disclosure.core.money import format_wan, format_yuan
from disclosure.core.rows import row_place
from disclosure.formats.base import ExportFigure, registered
from disclosure.models import (
    COUNT_FIELDS,
    ColumnSpec,
    Disclosure,
    ReportRow,
    ThreePublicExpense,
    ThreePublicItem,
)

HEADER = [
    "单位",
    "年度",
    "报表",
    "科目编码",
    "项目",
    "上级项目",
    "栏目",
    "金额（万元）",
    "金额（元）",
    "出国团组数",
    "出国人次",
    "购置车辆数",
    "年末公务用车保有量",
    "接待批次",
    "接待人次",
    "陪同人数",
    "外宾接待批次",
    "外宾接待人次",
]
THREE_PUBLIC_LABEL = "“三公”经费"
# The measure column: every figure of the 2014 format is a final (决算) amount; the standard
# format adds 预算数 and the 合计/基本支出/项目支出 columns under the same header.
FINAL = "决算数"
CHUNK = 2000


# Integers only: a text sort key could order differently in the database's collation and in
# Python, and the merge below relies on both streams agreeing on the order.
def _key(disclosure) -> tuple:
    return (disclosure.fiscal_year.year, disclosure.agency_id, disclosure.pk)


def figure_row(figure: ExportFigure) -> list[str]:
    """A figure of a format's own statements or tables (2014 lines, standard cells)."""
    d = figure.disclosure
    return [
        neutralise(d.agency.name),
        str(d.fiscal_year.year),
        neutralise(figure.report),
        figure.code,
        neutralise(figure.name),
        neutralise(figure.place),
        neutralise(figure.column),
        format_wan(figure.amount_yuan),
        format_yuan(figure.amount_yuan),
        *[""] * len(COUNT_FIELDS),
    ]


def row_context(row: ReportRow) -> str:
    """Where a row sits: its side, panel or "其中" parent, e.g. 收入/年初财政拨款结转和结余."""
    parent = row.parent.name if row.parent_id else ""
    return row_place(side=row.side, panel=row.panel, parent=parent)


def column_label(column: ColumnSpec) -> str:
    return "/".join(p for p in (column.group, column.label) if p)


def three_public_row(record: ThreePublicExpense) -> list[str]:
    d = record.disclosure
    counts = [getattr(record, f) for f in COUNT_FIELDS]
    return [
        neutralise(d.agency.name),
        str(d.fiscal_year.year),
        THREE_PUBLIC_LABEL,
        "",
        record.get_item_display(),
        "",
        FINAL if record.amount_yuan is not None else "",
        format_wan(record.amount_yuan),
        format_yuan(record.amount_yuan),
        *["" if c is None else str(c) for c in counts],
    ]


DISCLOSURE_ORDER = ("disclosure__fiscal_year__year", "disclosure__agency_id", "disclosure_id")


def figure_rows(disclosures: QuerySet[Disclosure]) -> Iterator[list[str]]:
    """Every figure of the given disclosures: each format's own figures (2014 statement lines,
    standard-format table cells), then the three public expenses (amounts where the format
    keeps them there, and counts).

    One streamed query per format and one for the 三公 records, merged on the disclosure, so
    memory stays flat however many rows.
    """
    item_rank = Case(
        *[When(item=value.value, then=Value(i)) for i, value in enumerate(ThreePublicItem)],
        output_field=IntegerField(),
    )
    records = (
        ThreePublicExpense.objects.filter(disclosure__in=disclosures)
        .select_related("disclosure__agency", "disclosure__fiscal_year")
        .annotate(item_rank=item_rank)
        .order_by(*DISCLOSURE_ORDER, "item_rank")
    )
    own = [
        ((key, 0, figure_row(figure)) for key, _section, figure in stream)
        for fmt in registered()
        for stream in fmt.export_streams(disclosures)
    ]
    tagged_records = (
        (_key(x.disclosure), 1, three_public_row(x)) for x in records.iterator(chunk_size=CHUNK)
    )
    merged = heapq.merge(*own, tagged_records, key=lambda t: t[:2])
    for _disclosure_key, _section, row in merged:
        yield row


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    return core_csv.csv_lines(HEADER, rows)
