"""Build the engine's Facts by hand, in 万元 as the documents print them (no database)."""

import json
from decimal import Decimal
from pathlib import Path

from disclosure.reconciliation.engine import Column, Facts, Line, Row, Table, ThreePublic

W = Decimal(10000)
FORMAT = json.loads(
    (Path(__file__).resolve().parents[3] / "fixtures/formats/shanghai-2024.json").read_text(
        encoding="utf-8"
    )
)
SPECS = {t["number"]: t for t in FORMAT["tables"]}


def yuan(wan: str | Decimal | None) -> Decimal | None:
    return None if wan is None else Decimal(wan) * W


def row(
    name: str,
    code: str = "",
    *,
    side="",
    panel="",
    parent="",
    role="",
    explanation="",
    class_code="",
    ordinal="",
    **cells,
):
    """A row keyed as ReportRow.key keys it; cells by column label, in 万元."""
    key = code or "/".join(p for p in (side or panel, parent, name) if p)
    parent_key = "/".join(p for p in (side or panel, parent) if p) if parent else ""
    return Row(
        key=key,
        name=name,
        code=code,
        side=side,
        panel=panel,
        parent=parent_key,
        role=role,
        explanation=explanation,
        cells={label: yuan(value) for label, value in cells.items() if value is not None},
        class_code=class_code,
        ordinal=ordinal,
    )


def table(number: str, rows: list[Row], columns: list[Column] | None = None) -> Table:
    """A table of the Shanghai 2024 format (its columns, two-sidedness and row source)."""
    spec = SPECS[number]
    if columns is None:
        columns = [
            Column(c["label"], c["side"], c["group"], c["measure"], c["printed"])
            for c in spec["columns"]
        ]
    return Table(number, columns, rows, spec["two_sided"], spec["row_source"])


def facts(*tables: Table, year=2024, previous=None, lines=(), three_public=()) -> Facts:
    return Facts(
        year=year,
        lines=list(lines),
        three_public=list(three_public),
        tables={t.number: t for t in tables},
        previous=previous,
    )


def line(id, statement, name, wan, code="", parent=None) -> Line:
    return Line(id, statement, name, yuan(wan), code, parent)


def item(name: str, wan: str | None, explained=False) -> ThreePublic:
    return ThreePublic(name, yuan(wan), explained)


def seed_lines() -> list[Line]:
    """The 2014 seed's statements (溧阳市信访局)."""
    return [
        line(1, "income", "财政拨款收入", "195.82"),
        line(2, "expenditure", "财政拨款支出", "195.82"),
        line(3, "economic", "基本支出", "140.82"),
        line(4, "economic", "工资福利支出", "79.82", "301", parent=3),
        line(5, "economic", "商品和服务支出", "31.32", "302", parent=3),
        line(6, "economic", "项目专项经费", "55.00"),
        line(7, "functional", "一般公共服务支出", "184.82", "201"),
        line(8, "functional", "住房保障支出", "11.00", "221"),
    ]


def table07(
    *,
    total="0.39",
    outbound="0",
    vehicles="0",
    purchase="0",
    running="0",
    reception="0.39",
    budget: dict | None = None,
) -> Table:
    """公开07表: Putuo's 决算数 unless told otherwise; 预算数 only where `budget` names a row."""
    budget = budget or {}
    parent = "公务用车购置及运行维护费"

    def r(name, final, **kw):
        return row(name, **kw, 预算数=budget.get(name), 决算数=final)

    return table(
        "07",
        [
            r("合计", total, role="total"),
            r("因公出国（境）费", outbound),
            r(parent, vehicles),
            r("公务用车购置费", purchase, parent=parent),
            r("公务用车运行维护费", running, parent=parent),
            r("公务接待费", reception),
        ],
    )
