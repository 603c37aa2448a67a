"""A real 部门预算 in the budget's tables: 上海市普陀区文化和旅游局 2026年部门预算
(fixtures/corpus/wenlvju-budget-2026.json, transcribed by fixtures/build/
build_budget_wenlvju_2026.py from fixtures/source/wenlvju-budget-2026/tables.txt). Entered
cell by cell in the unit each table states (元 for tables 1–8, 万元 for 9), stored exactly in 元,
and reconciled: its one finding is asserted and explained by the printed figures."""

from decimal import Decimal

import pytest

from disclosure.models import Cell
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.budget.corpus import PER_UNIT, document, entered

pytestmark = pytest.mark.django_db


def printed(doc: dict) -> dict:
    return {
        (t["number"], r["side"], r["code"], r["name"], label): Decimal(v) * PER_UNIT[t["unit"]]
        for t in doc["tables"]
        for r in t["rows"]
        for label, v in r["cells"].items()
    }


def stored(d) -> dict:
    cells = Cell.objects.filter(row__disclosure=d).select_related("row__table", "column")
    return {
        (c.row.table.number, c.row.side, c.row.code, c.row.name, c.column.label): c.amount_yuan
        for c in cells
    }


def test_the_transcription_is_the_printed_document():
    doc = document()
    assert (doc["agency"], doc["year"], doc["kind"]) == (
        "上海市普陀区文化和旅游局",
        2026,
        "部门预算",
    )
    assert [t["unit"] for t in doc["tables"]] == ["元"] * 8 + ["万元"]
    figures = printed(doc)
    assert len(figures) == 335  # 9 + 70 + 78 + 14 + 78 + 79 + 7, tables 1–9 (6 and 7 empty)
    assert figures[("01", "收入", "", "收入总计", "预算数")] == 278076101
    assert figures[("08", "", "30217", "公务接待费", "合计")] == 21100
    assert figures[("09", "", "", "公务接待费", "预算数")] == 21100  # 2.11 万元
    assert figures[("09", "", "", "机关运行经费", "预算数")] == 1826500


def test_every_figure_is_stored_exactly_and_the_one_finding_is_rounding():
    doc = document()
    d = entered(doc)
    assert stored(d) == printed(doc)
    found = reconcile(load_facts(disclosure=d))
    # Table 9 prints 公务用车运行维护费 as 9.38 万元; table 8's 30231 is 93,750 元 = 9.375 万元:
    # the same budget, 50 元 apart, within the rounding of 9.375 to two decimals.
    assert [(f.rule, f.severity, f.difference, f.tolerance) for f in found] == [
        ("budget_three_public_economic", "notice", Decimal(50), Decimal(50))
    ]
    assert [v for _label, v in found[0].cells] == [Decimal(93800), Decimal(93750)]
