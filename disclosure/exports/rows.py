"""CSV exports for auditors: a public interface with stable columns (see README, "CSV"; the
columns and what they hold are in columns.py).

One row per figure. Pure generators of rows; the views only stream them. Amounts are exact:
万元 rounded half up to two decimals as the documents print them, and 元 to the fen.
"""

import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.db.models import Case, IntegerField, QuerySet, Value, When

from disclosure.core import csv as core_csv
from disclosure.core.csv import neutralise
from disclosure.core.money import format_wan, format_yuan
from disclosure.core.rows import row_place
from disclosure.core.snapshot import read_snapshot
from disclosure.formats.base import (
    DISCLOSURE_EXPORT_ORDER,
    EXPORT_CHUNK,
    EXPORT_ORDER,
    ExportFigure,
    Format,
    kind_format,
    registered,
)
from disclosure.models import (
    COUNT_FIELDS,
    ColumnSpec,
    Disclosure,
    DisclosureStatus,
    DocumentKind,
    ReportRow,
    ThreePublicExpense,
    ThreePublicItem,
)

from .columns import COLUMNS, FIGURE_COLUMNS

HEADER = [c.name for c in COLUMNS]
# The long layout an import reads and the admin exports: the columns before 0.2.0's.
FIGURE_HEADER = [c.name for c in FIGURE_COLUMNS]
SHANGHAI = ZoneInfo("Asia/Shanghai")
THREE_PUBLIC_LABEL = "“三公”经费"
# The measure column: every figure of the 2014 format is a final (决算) amount; the standard
# format adds 预算数 and the 合计/基本支出/项目支出 columns under the same header.
FINAL = "决算数"
CHUNK = EXPORT_CHUNK
# Disclosures per round of queries: each query sorts one batch's rows (a few thousand) in
# memory, so the first row goes out at once and memory stays flat however many there are.
BATCH = 25
# The order of the disclosures, kept under its old name for the import's resources.
DISCLOSURE_ORDER = EXPORT_ORDER
ITEM_LABELS = dict(ThreePublicItem.choices)
NO_COUNTS = ("",) * len(COUNT_FIELDS)


def published_text(published_at: datetime | None) -> str:
    """ISO 8601 in Beijing time with its offset, whole seconds: 2024-09-30T10:00:00+08:00."""
    if published_at is None:
        return ""
    return published_at.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def _document(
    kind: str, status: str, revision: int, published_at: datetime | None
) -> tuple[str, ...]:
    # Every row of a disclosure repeats these: computed once per disclosure, not per figure.
    # 文件类型 is the kind's label: 决算 or 预算.
    label = DisclosureStatus(status).label
    return (DocumentKind(kind).label, label, str(revision), published_text(published_at))


def figure_row(head: tuple, document: tuple, figure: ExportFigure) -> list[str]:
    """A figure of a format's own statements or tables (2014 lines, standard cells); `head` is
    its disclosure's 单位 and 年度, `document` the 文件类型 … 发布时间 columns."""
    amount = figure.amount_yuan
    return [
        *head,
        neutralise(figure.report),
        figure.code,
        neutralise(figure.name),
        neutralise(figure.place),
        neutralise(figure.column),
        format_wan(amount),
        format_yuan(amount),
        *NO_COUNTS,
        *document,
        neutralise(figure.explanation),
        "",
    ]


def row_context(row: ReportRow) -> str:
    """Where a row sits: its side, panel or "其中" parent, e.g. 收入/年初财政拨款结转和结余."""
    parent = row.parent.name if row.parent_id else ""
    return row_place(side=row.side, panel=row.panel, parent=parent)


def column_label(column: ColumnSpec) -> str:
    return "/".join(p for p in (column.group, column.label) if p)


THREE_PUBLIC_FIELDS = ("disclosure_id", "item", "amount_yuan", *COUNT_FIELDS)
THREE_PUBLIC_TEXTS = ("explanation", "yoy_remark")


def three_public_row(head: tuple, document: tuple, record: tuple) -> list[str]:
    """A 三公 record as THREE_PUBLIC_FIELDS + THREE_PUBLIC_TEXTS read it."""
    _disclosure, item, amount, *counts, explanation, remark = record
    return [
        *head,
        THREE_PUBLIC_LABEL,
        "",
        ITEM_LABELS[item],
        "",
        FINAL if amount is not None else "",
        format_wan(amount),
        format_yuan(amount),
        *["" if c is None else str(c) for c in counts],
        *document,
        neutralise(explanation),
        neutralise(remark),
    ]


def figure_rows(disclosures: QuerySet[Disclosure]) -> Iterator[list[str]]:
    """Every figure of the given disclosures: each format's own figures (2014 statement lines,
    standard-format table cells, the budget's tables), then the three public expenses (amounts
    where the format keeps them there, and counts), disclosure by disclosure in EXPORT_ORDER
    (a 预算 before the 决算 of the same agency and year).

    One read-only snapshot (core.snapshot) for the whole export, so every query sees the same
    publications and the server-side cursors need no WITH HOLD (which made PostgreSQL sort
    and store the whole result before the first row). The disclosures are read in batches of
    BATCH; per batch one query per format present (a 预算's format is its kind's, a 决算's its
    year's) and one for the 三公 records, each fetching only the columns printed, merged on the
    disclosure.
    """
    using = disclosures.db  # once: a replica router may choose anew for every query
    with read_snapshot(using=using):
        documents = (
            disclosures.using(using)
            .order_by(*DISCLOSURE_EXPORT_ORDER)
            .values_list(
                "pk",
                "fiscal_year__disclosure_format",
                "kind",
                "agency__name",
                "fiscal_year__year",
                "status",
                "revision",
                "published_at",
            )
            .iterator(CHUNK)
        )
        while batch := list(islice(documents, BATCH)):
            yield from _batch_rows(batch, using)


def _batch_rows(batch: list[tuple], using: str) -> Iterator[list[str]]:
    position, heads, documents = {}, {}, {}
    year_formats = {fmt.key: fmt for fmt in registered()}
    by_format: dict[str, tuple[Format, list[int]]] = {}
    for i, (pk, year_format, kind, agency, year, status, revision, published_at) in enumerate(
        batch
    ):
        position[pk] = i
        heads[pk] = (neutralise(agency), str(year))
        documents[pk] = _document(kind, status, revision, published_at)
        # As formats.base.format_for picks it: the kind's own format (the budget's), else the
        # year's. One query per format present, however the kinds mix in the batch.
        fmt = kind_format(kind) or year_formats.get(year_format)
        if fmt is not None:
            by_format.setdefault(fmt.key, (fmt, []))[1].append(pk)
    streams = []
    for fmt, ids in by_format.values():
        figures = fmt.export_figures(ids, using=using)
        streams.append(
            (position[f[0]], 0, figure_row(heads[f[0]], documents[f[0]], f)) for f in figures
        )
    records = (
        ThreePublicExpense.objects.using(using)
        .filter(disclosure_id__in=list(position))
        .annotate(item_rank=ITEM_RANK)
        .order_by(*EXPORT_ORDER, "item_rank")
        .values_list(*THREE_PUBLIC_FIELDS, *THREE_PUBLIC_TEXTS)
    )
    streams.append(
        (position[r[0]], 1, three_public_row(heads[r[0]], documents[r[0]], r))
        for r in records.iterator(CHUNK)
    )
    # No two streams hold the same (disclosure, section), so the rows are never compared.
    for _position, _section, row in heapq.merge(*streams):
        yield row


ITEM_RANK = Case(
    *[When(item=value.value, then=Value(i)) for i, value in enumerate(ThreePublicItem)],
    output_field=IntegerField(),
)


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    return core_csv.csv_lines(HEADER, rows)


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    """The same text as csv_lines, many rows per piece: what a streamed response sends."""
    return core_csv.csv_chunks(HEADER, rows)
