"""The budget's reconciliation rules on the real budget (corpus.py) with one figure changed at a
time: each identity of the budget fires on its own figure, by code where a code exists; no rule
of the 决算 (which names its 公开05–07表) runs on a budget."""

from decimal import Decimal

import pytest

from disclosure.models import Cell
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.engine.rules import BUDGET_RULES, RULES_BY_CODE
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.budget.corpus import document, entered

pytestmark = pytest.mark.django_db
ROUNDING = ("budget_three_public_economic", "notice")  # 30231, as printed (test_wenlvju_2026)


@pytest.fixture(scope="module")
def doc():
    return document()


def changed(d, number: str, name: str, label: str, by: Decimal, *, code: str = "") -> set:
    cell = Cell.objects.get(
        row__disclosure=d,
        row__table__number=number,
        row__name=name,
        row__code=code,
        column__label=label,
    )
    cell.amount_yuan += by
    cell.save()
    return {(f.rule, f.severity) for f in reconcile(load_facts(disclosure=d))} - {ROUNDING}


def test_a_reception_budget_off_by_a_hundredth_is_rounding_in_its_total_not_against_its_code(
    doc,
):
    found = changed(entered(doc), "09", "公务接待费", "预算数", Decimal(100))
    assert found == {
        ("budget_three_public", "notice"),  # 11.49 vs 0 + 9.38 + 2.12: four rounded figures
        ("budget_three_public_economic", "error"),  # 2.12 万元 is not 30217's 21,100 元
    }


def test_a_reception_budget_off_by_one_wan_contradicts_its_total_and_its_code(doc):
    found = changed(entered(doc), "09", "公务接待费", "预算数", Decimal(10000))
    assert found == {
        ("budget_three_public", "error"),  # 11.49 ≠ 0 + 9.38 + 3.11
        ("budget_three_public_economic", "error"),
    }


def test_a_vehicle_part_against_the_vehicle_subtotal(doc):
    d = entered(doc)
    found = changed(d, "09", "公务用车购置费", "预算数", Decimal(10000))
    # 9.38 ≠ 1.00 + 9.38, and the parts exceed their 小计 (the shared "其中" rule); 31013 is
    # not in table 8 (no vehicle is bought from basic expenditure): nothing to compare.
    assert found == {("budget_three_public", "error"), ("of_which_exceeds", "error")}


def test_basic_expenditure_of_table_5_against_personnel_and_public_of_table_8(doc):
    found = changed(entered(doc), "05", "合计", "基本支出", Decimal(1))
    # Table 5's 合计 row no longer adds up either, and its 基本支出 ≠ Σ 类.
    assert found == {
        ("budget_basic", "error"),
        ("columns_total", "error"),
        ("class_total", "error"),
    }


def test_an_economic_line_matched_by_code_not_name(doc):
    d = entered(doc)
    # Renamed as a misread print would: the check still finds 30217 by its code.
    d.report_rows.filter(code="30217").update(name="公务接待")
    found = changed(d, "08", "公务接待", "合计", Decimal(-100), code="30217")
    assert ("budget_three_public_economic", "error") in found


def test_table_1_spending_against_table_3(doc):
    found = changed(entered(doc), "01", "支出总计", "预算数", Decimal(1))
    assert ("budget_summary", "error") in found
    assert ("balance", "error") in found  # 收入总计 ≠ 支出总计 too


def test_only_the_budgets_rules_run_on_a_budget(doc):
    codes = {rule.code for rule in BUDGET_RULES}
    assert {"three_public_total", "personnel_public", "budget_final", "cross_table"}.isdisjoint(
        codes
    )
    assert all(code in RULES_BY_CODE for code in codes)  # stored findings name known rules
    assert load_facts(disclosure=entered(doc)).kind == "budget"
