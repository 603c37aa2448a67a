"""Every figure of published disclosures, one keyset-paginated stream across the formats.

A figure is a 2014 statement line, a standard-format table cell or a 三公 amount kept in its
record (the 2014 format): the same figures, labelled the same way, as the CSV export. Each kind
is read by its own query, ordered by (disclosure, kind, id); a page merges the three, so it
costs three queries at any depth.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q, QuerySet

from disclosure.core.money import format_wan, format_yuan
from disclosure.core.rows import row_place
from disclosure.formats.base import format_for
from disclosure.models import Cell, ExpenditureLine, ThreePublicExpense
from disclosure.models import DocumentKind as ModelKind

from .pagination import decode_cursor, encode_cursor
from .selectors import API_KINDS

FINAL = "决算数"
THREE_PUBLIC = "three_public"
THREE_PUBLIC_LABEL = "“三公”经费"
KEY_TYPES = (int, int, int)


def _base(d) -> dict:
    return {
        "agency": d.agency.slug,
        "year": d.fiscal_year.year,
        "kind": API_KINDS[ModelKind(d.kind)],
        "revision": d.revision,
    }


def _money(amount) -> dict:
    return {"amount_yuan": format_yuan(amount), "amount_wan": format_wan(amount)}


def _line(x: ExpenditureLine) -> dict:
    return _base(x.disclosure) | {
        "table": x.get_statement_display(),
        "table_key": x.statement,
        "code": x.code,
        "name": x.name,
        "place": x.parent.name if x.parent_id else "",
        "column": FINAL,
        **_money(x.amount_yuan),
    }


def _cell(c: Cell) -> dict:
    row = c.row
    parent = row.parent.name if row.parent_id else ""
    # The table as its format names it in the CSV: 公开05表 in a 决算, 预算05表 in a 预算.
    prefix = format_for(row.disclosure).TABLE_PREFIX
    return _base(row.disclosure) | {
        "table": f"{prefix}{row.table.number}表 {row.table.title}",
        "table_key": row.table.number,
        "code": row.code,
        "name": row.name,
        "place": row_place(side=row.side, panel=row.panel, parent=parent),
        "column": "/".join(p for p in (c.column.group, c.column.label) if p),
        **_money(c.amount_yuan),
    }


def _record(r: ThreePublicExpense) -> dict:
    return _base(r.disclosure) | {
        "table": THREE_PUBLIC_LABEL,
        "table_key": THREE_PUBLIC,
        "code": "",
        "name": r.get_item_display(),
        "place": "",
        "column": FINAL,
        **_money(r.amount_yuan),
    }


@dataclass(frozen=True)
class Source:
    rank: int  # the kind's place in the sort key
    disclosure: str  # the path from the row to its disclosure's id
    rows: Callable[[QuerySet, str, str], QuerySet]  # (disclosures, code, table) → rows
    item: Callable[[object], dict]


def _lines(disclosures, code, table):
    rows = ExpenditureLine.objects.filter(disclosure__in=disclosures).select_related(
        "disclosure__agency", "disclosure__fiscal_year", "parent"
    )
    if code:
        rows = rows.filter(code=code)
    return rows.filter(statement=table) if table else rows


def _cells(disclosures, code, table):
    rows = Cell.objects.filter(row__disclosure__in=disclosures).select_related(
        "row__disclosure__agency", "row__disclosure__fiscal_year", "row__table", "row__parent"
    )
    rows = rows.select_related("column")
    if code:
        rows = rows.filter(row__code=code)
    return rows.filter(row__table__number=table) if table else rows


def _records(disclosures, code, table):
    if code or (table and table != THREE_PUBLIC):
        return ThreePublicExpense.objects.none()
    # Records without an amount hold counts only (the amount is a table cell): not figures.
    return ThreePublicExpense.objects.filter(
        disclosure__in=disclosures, amount_yuan__isnull=False
    ).select_related("disclosure__agency", "disclosure__fiscal_year")


SOURCES = (
    Source(0, "disclosure_id", _lines, _line),
    Source(1, "row__disclosure_id", _cells, _cell),
    Source(2, "disclosure_id", _records, _record),
)


def _after(source: Source, key: tuple) -> Q:
    """This kind's rows after (disclosure, kind, id) = key."""
    disclosure, rank, pk = key
    if source.rank > rank:
        return Q(**{f"{source.disclosure}__gte": disclosure})
    if source.rank < rank:
        return Q(**{f"{source.disclosure}__gt": disclosure})
    return Q(**{f"{source.disclosure}__gt": disclosure}) | Q(
        **{source.disclosure: disclosure, "pk__gt": pk}
    )


def figure_page(
    disclosures: QuerySet, *, code: str = "", table: str = "", cursor: str | None, limit: int
) -> tuple[list[dict], str | None]:
    """One page of figures of `disclosures` and the next page's cursor (None: the last)."""
    key = decode_cursor(cursor, KEY_TYPES) if cursor else None
    found = []
    for source in SOURCES:
        rows = source.rows(disclosures, code, table)
        if key is not None:
            rows = rows.filter(_after(source, key))
        for row in rows.order_by(source.disclosure, "pk")[: limit + 1]:
            disclosure_id = reduce(getattr, source.disclosure.split("__"), row)
            found.append(((disclosure_id, source.rank, row.pk), source, row))
    found.sort(key=lambda t: t[0])
    page = found[:limit]
    items = [source.item(row) for _key, source, row in page]
    more = len(found) > limit
    return items, encode_cursor(page[-1][0]) if more else None
