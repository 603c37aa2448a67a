"""[[c:表号|行|栏目]], [[f:引用名]], [[t:项目.数量]] and [[l:原文]] in 情况说明 paragraphs:
parse, resolve and print.

Figures are never typed into prose: a paragraph cites a table cell or a stored narrative figure
and the value is printed from the data, so prose and tables cannot disagree.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

from disclosure.core.money import format_wan, round_half_up
from disclosure.models import (
    COUNT_FIELDS,
    REFERENCE,
    Cell,
    ExplanationParagraph,
    NarrativeFigure,
    ThreePublicExpense,
)

COUNT_UNITS = {"个", "辆", "台（套）", "人次", "批次"}


def format_figure(value: Decimal, unit: str) -> str:
    if unit in COUNT_UNITS:
        return str(round_half_up(value, Decimal(1)))
    if unit in ("万元", "%"):
        return str(round_half_up(value))
    return f"{value.normalize():f}"


def cell_key(table_number: str, row_key: str, column_label: str) -> str:
    return f"{table_number}|{row_key}|{column_label}"


def count_values(records) -> dict[str, int]:
    """ "reception.reception_batches" → 2, from the disclosure's three-public records."""
    return {
        f"{r.item}.{name}": getattr(r, name)
        for r in records
        for name in COUNT_FIELDS
        if getattr(r, name) is not None
    }


def _value(kind: str, ref: str, cells: dict, figures: dict, counts: dict) -> str | None:
    if kind == "c" and ref in cells:
        return format_wan(cells[ref])
    if kind == "f" and ref in figures:
        return format_figure(figures[ref].value, figures[ref].unit)
    if kind == "t" and ref in counts:
        return str(counts[ref])
    if kind == "l":
        return ref  # literal text (a threshold, a legal amount): printed as written
    return None


def render(text: str, *, cells: dict, figures: dict, counts: dict) -> str:
    """Replace every reference with its printed value; an unresolved one is shown as such."""

    def replace(match) -> str:
        value = _value(match["kind"], match["ref"], cells, figures, counts)
        return f"［引用无效：{match['ref']}］" if value is None else value

    return REFERENCE.sub(replace, text)


def unresolved(text: str, *, cells: dict, figures: dict, counts: dict) -> list[str]:
    return [
        m["ref"]
        for m in REFERENCE.finditer(text)
        if _value(m["kind"], m["ref"], cells, figures, counts) is None
    ]


def values_for(disclosure) -> dict:
    """Everything a paragraph of this disclosure may cite, keyed as references name it."""
    cells = {
        cell_key(c.row.table.number, c.row.key, c.column.label): c.amount_yuan
        for c in Cell.objects.filter(row__disclosure=disclosure).select_related(
            "row__table", "row__parent", "column"
        )
    }
    figures = {f.key: f for f in NarrativeFigure.objects.filter(disclosure=disclosure)}
    counts = count_values(ThreePublicExpense.objects.filter(disclosure=disclosure))
    return {"cells": cells, "figures": figures, "counts": counts}


def check_references(paragraph: ExplanationParagraph) -> None:
    """Refuse a paragraph citing a cell, figure or count its disclosure does not have."""
    if not paragraph.section_id:
        return
    missing = unresolved(paragraph.text, **values_for(paragraph.section.disclosure))
    if missing:
        raise ValidationError({"text": "引用不存在：" + "、".join(missing[:5]) + "。"})
