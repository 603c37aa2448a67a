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

from django.db import connections
from django.db.models import Case, IntegerField, QuerySet, Value, When
from psycopg.adapt import Loader

from disclosure.core import csv as core_csv
from disclosure.core.csv import (
    csv_fields,
    neutralise,
    sql_literal,
    sql_text_cell,
)
from disclosure.core.money import format_wan, format_yuan, sql_wan, sql_yuan
from disclosure.core.rows import row_place
from disclosure.core.snapshot import read_snapshot
from disclosure.formats.base import (
    DISCLOSURE_EXPORT_ORDER,
    EXPORT_CHUNK,
    EXPORT_CSV_COLUMNS,
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
        documents = _documents(disclosures, using)
        while batch := list(islice(documents, BATCH)):
            for _position, row in _batch_rows(batch, using):
                yield row


def _documents(disclosures: QuerySet[Disclosure], using: str) -> Iterator[tuple]:
    return (
        disclosures.using(using)
        .order_by(*DISCLOSURE_EXPORT_ORDER)
        .values_list(
            "pk",
            "fiscal_year__disclosure_format",
            "agency__name",
            "fiscal_year__year",
            "status",
            "revision",
            "published_at",
            "kind",
        )
        .iterator(CHUNK)
    )


def _batch_rows(batch: list[tuple], using: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of a batch of disclosures, each with its disclosure's position in the batch."""
    position, heads, documents = {}, {}, {}
    year_formats = {fmt.key: fmt for fmt in registered()}
    by_format: dict[str, tuple[Format, list[int]]] = {}
    for i, (pk, year_format, agency, year, status, revision, published_at, kind) in enumerate(
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
    for at, _section, row in heapq.merge(*streams):
        yield at, row


ITEM_RANK = Case(
    *[When(item=value.value, then=Value(i)) for i, value in enumerate(ThreePublicItem)],
    output_field=IntegerField(),
)


# --- the CSV text made by PostgreSQL ------------------------------------------------------------
# Building, formatting and writing each figure in Python held /all.csv to 0.15–0.25 × the rows/s
# of COPY (issue 15). On PostgreSQL the database writes each batch's rows as CSV text instead,
# in one query: the formats' export_csv_sql, the 三公 records below, and the cells every row
# of a disclosure repeats (its name, year and document), written once here by csv.writer and
# passed in. The bytes are those of csv_chunks(figure_rows(…)) (test_sql_csv.py compares the
# two paths on factory data with every edge case and on the demo data); SQLite, and any format
# without export_csv_sql, take that path.

# Disclosures per query: the batch's text is one string of a few hundred rows each (a few MB
# at most), so memory stays flat and the first rows go out after one query; the query's sort
# stays within PostgreSQL's default work_mem (batches of 100 spilled it to disk).
CSV_BATCH = 25


def figure_csv(disclosures: QuerySet[Disclosure]) -> Iterator[bytes]:
    """csv_chunks(figure_rows(disclosures)) in UTF-8: the same bytes, written by the database
    where it can be. Bytes, because PostgreSQL's text goes out as it comes in, never decoded
    and encoded again."""
    using = disclosures.db
    if connections[using].vendor != "postgresql":
        for chunk in csv_chunks(figure_rows(disclosures)):
            yield chunk.encode()
        return
    yield ("\ufeff" + csv_fields(HEADER) + "\r\n").encode()
    with read_snapshot(using=using):
        documents = _documents(disclosures, using)
        while batch := list(islice(documents, CSV_BATCH)):
            yield from _batch_csv(batch, using)


def _batch_csv(batch: list[tuple], using: str) -> Iterator[bytes]:
    """A batch's rows as text: the disclosures the database can write in one query (their text
    per disclosure), the others (a format without export_csv_sql, a 预算) through _batch_rows
    and csv.writer, each in its place. Two rounds of queries a batch however the kinds mix: a
    round per run of one kind cost a query per document when 预算 and 决算 alternate."""
    formats = {d[0]: _sql_format(d[1], d[-1]) for d in batch}
    ids: dict = {}
    for pk, fmt in formats.items():
        ids.setdefault(fmt, []).append(pk)
    # Each format's query for its disclosures of the batch, where it writes one.
    queries = {f: q for f in ids if f is not None and (q := f.export_csv_sql(ids[f]))}
    in_sql = [d for d in batch if formats[d[0]] in queries]
    others = [d for d in batch if formats[d[0]] not in queries]
    texts = _sql_texts(in_sql, list(queries.values()), using) if in_sql else {}
    python_rows = _batch_rows(others, using) if others else iter(())
    pending = next(python_rows, None)
    done = 0  # disclosures of `others` written so far: their positions in _batch_rows
    sql_ids = {d[0] for d in in_sql}
    for pk, *_rest in batch:
        if pk in sql_ids:
            if text := texts.get(pk):  # none when the disclosure has no figure
                yield text
            continue
        rows = []
        while pending is not None and pending[0] == done:
            rows.append(pending[1])
            pending = next(python_rows, None)
        done += 1
        for chunk in core_csv.row_chunks(rows):
            yield chunk.encode()


def _sql_format(key: str, kind: str):
    """The format that may write a disclosure's figures as SQL text: its year's, for a 决算."""
    if kind != DocumentKind.FINAL:
        return None
    return next((f for f in registered() if f.key == key), None)


THREE_PUBLIC_CSV = f"""
    SELECT 1, e.disclosure_id, CASE e.item {{ranks}} END, 0, 0, 0,
           {sql_literal(csv_fields([THREE_PUBLIC_LABEL, ""]))}
           || ',' || CASE e.item {{labels}} END || ','
           || ',' || CASE WHEN e.amount_yuan IS NULL THEN ''
                          ELSE {sql_literal(csv_fields([FINAL]))} END
           || ',' || {sql_wan("e.amount_yuan")}
           || ',' || {sql_yuan("e.amount_yuan")}
           || ',' || {" || ',' || ".join(f"COALESCE(e.{f}::text, '')" for f in COUNT_FIELDS)},
           {sql_text_cell("e.explanation")} || ',' || {sql_text_cell("e.yoy_remark")}
      FROM {ThreePublicExpense._meta.db_table} e
     WHERE e.disclosure_id = ANY(%s)
"""


def _sql_texts(run: list[tuple], queries: list[tuple], using: str) -> dict[int, bytes]:
    """The rows of these disclosures as CSV text in UTF-8 (the connection's encoding), one
    text per disclosure (none for a disclosure without figures), written by PostgreSQL in one
    query: the formats' `queries` (their export_csv_sql for these disclosures) and the 三公
    records."""
    parts, params = [], []
    for sql, fragment_params in queries:
        parts.append(f"SELECT 0, * FROM ({sql}) f")
        params += fragment_params
    ids = [d[0] for d in run]
    ranks = " ".join(
        f"WHEN {sql_literal(item.value)} THEN {i}" for i, item in enumerate(ThreePublicItem)
    )
    labels = " ".join(
        f"WHEN {sql_literal(item.value)} THEN {sql_literal(csv_fields([item.label]))}"
        for item in ThreePublicItem
    )
    parts.append(THREE_PUBLIC_CSV.format(ranks=ranks, labels=labels))
    heads, documents = [], []
    for _pk, _format, agency, year, status, revision, published_at, kind in run:
        # With the commas around them: fewer concatenations for each row.
        heads.append(csv_fields([neutralise(agency), str(year)]) + ",")
        documents.append("," + csv_fields(_document(kind, status, revision, published_at)) + ",")
    columns = ", ".join(("section", *EXPORT_CSV_COLUMNS))
    # One sort of the rows, inside each disclosure's aggregate: each format's order of its
    # figures (the caller puts the disclosures in the export's order).
    sql = f"""
        WITH b AS (
            SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS b(id, head, document)
        ), f ({columns}) AS (
            {" UNION ALL ".join(parts)}
        )
        SELECT b.id, string_agg(
                   b.head || f.figures || b.document || f.notes || E'\\r\\n',
                   '' ORDER BY f.section, f.k0, f.k1, f.k2, f.k3)
          FROM f JOIN b ON b.id = f.disclosure
         GROUP BY b.id
    """
    with connections[using].cursor() as cursor:
        cursor.cursor.adapters.register_loader("text", _Utf8)
        cursor.execute(sql, [ids, heads, documents, *params, ids])
        return dict(cursor.fetchall())


class _Utf8(Loader):
    """Text as the bytes PostgreSQL sent (UTF-8, Django's client encoding)."""

    def load(self, data) -> bytes:
        return bytes(data)


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    return core_csv.csv_lines(HEADER, rows)


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    """The same text as csv_lines, many rows per piece: what a streamed response sends."""
    return core_csv.csv_chunks(HEADER, rows)
