"""CSV exports for auditors: a public interface with stable columns (see README, "CSV"; the
columns and what they hold are in columns.py).

One row per figure. Pure generators of rows; the views only stream them. Amounts are exact:
万元 rounded half up to two decimals as the documents print them, and 元 to the fen.
"""

import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

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
    DisclosureStatus,
    ReportRow,
    ThreePublicExpense,
    ThreePublicItem,
)

from .columns import COLUMNS, FIGURE_COLUMNS

HEADER = [c.name for c in COLUMNS]
# The long layout an import reads and the admin exports: the columns before 0.2.0's.
FIGURE_HEADER = [c.name for c in FIGURE_COLUMNS]
DOCUMENT_KIND = "决算"  # 预算 will come with the budget document
SHANGHAI = ZoneInfo("Asia/Shanghai")
THREE_PUBLIC_LABEL = "“三公”经费"
# The measure column: every figure of the 2014 format is a final (决算) amount; the standard
# format adds 预算数 and the 合计/基本支出/项目支出 columns under the same header.
FINAL = "决算数"
CHUNK = 2000


# Integers only: a text sort key could order differently in the database's collation and in
# Python, and the merge below relies on both streams agreeing on the order.
def _key(disclosure) -> tuple:
    return (disclosure.fiscal_year.year, disclosure.agency_id, disclosure.pk)


def published_text(published_at: datetime | None) -> str:
    """ISO 8601 in Beijing time with its offset, whole seconds: 2024-09-30T10:00:00+08:00."""
    if published_at is None:
        return ""
    return published_at.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


@lru_cache(maxsize=256)
def _document(status: str, revision: int, published_at: datetime | None) -> tuple[str, ...]:
    # Every row of a disclosure repeats these: computed once per revision, not per figure.
    label = DisclosureStatus(status).label
    return (DOCUMENT_KIND, label, str(revision), published_text(published_at))


def document_columns(disclosure: Disclosure, *, explanation: str = "", remark: str = "") -> list:
    """The columns since 0.2.0: the document, its status, revision and publication time, then
    the figure's 说明 and 同比情况."""
    d = disclosure
    return [
        *_document(d.status, d.revision, d.published_at),
        neutralise(explanation),
        neutralise(remark),
    ]


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
        *document_columns(d, explanation=figure.explanation),
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
        *document_columns(d, explanation=record.explanation, remark=record.yoy_remark),
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
