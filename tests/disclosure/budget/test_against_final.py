"""A 决算 against its year's published 部门预算: its printed 预算数 (公开07表 per 三公 item,
公开05表 年初预算数 per 项, matched by code) should be the budget's figures; a gap is a finding.
The budget is the real 普陀区文化和旅游局 2026 one (corpus.py)."""

import pytest

from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from disclosure.reconciliation.services import disclosure_reconcile
from tests.disclosure.budget.corpus import document, entered
from tests.factories import StandardDisclosureFactory, add_row, publish

pytestmark = pytest.mark.django_db
VEHICLE = "公务用车购置及运行维护费"


@pytest.fixture
def budget():
    return entered(document())


def final_of(budget, *, reception: str, administration: str):
    d = StandardDisclosureFactory(agency=budget.agency, fiscal_year=budget.fiscal_year)
    add_row(d, "07", "合计", role="total", cells={"预算数": "11.49", "决算数": "10.00"})
    add_row(d, "07", "公务接待费", cells={"预算数": reception, "决算数": "1.00"})
    vehicle = add_row(d, "07", VEHICLE, cells={"预算数": "9.38", "决算数": "9.00"})
    add_row(d, "07", "公务用车运行维护费", parent=vehicle, cells={"预算数": "9.38"})
    # 2070101 行政运行: the budget's 4,654,597 元, printed in 万元.
    add_row(d, "05", "行政运行", code="2070101", cells={"年初预算数": administration})
    return d


def published_budget_findings(d) -> list[tuple]:
    found = reconcile(load_facts(disclosure=d))
    return [
        (f.severity, f.cells[0][0], f.difference) for f in found if f.rule == "published_budget"
    ]


def test_the_printed_budget_figures_agree_with_the_published_budget(budget):
    publish(budget)
    d = final_of(budget, reception="2.11", administration="465.46")
    # 465.46 万元 for 4,654,597 元: the same budget rounded to 万元 (3 元 apart).
    assert [(s, diff) for s, _place, diff in published_budget_findings(d)] == [("notice", 3)]


def test_a_printed_budget_figure_that_differs_is_a_warning_by_item_and_by_code(budget):
    publish(budget)
    d = final_of(budget, reception="3.00", administration="500.00")
    found = published_budget_findings(d)
    assert [(s, diff) for s, _place, diff in found] == [("warning", 8900), ("warning", 345403)]
    assert "公务接待费" in found[0][1] and "2070101" in found[1][1]


def test_no_check_until_the_budget_is_published_and_then_the_final_is_checked_again(budget):
    d = final_of(budget, reception="3.00", administration="465.46")
    assert published_budget_findings(d) == []
    publish(budget)
    disclosure_reconcile(disclosure=budget)  # what publishing the budget does
    assert d.findings.filter(rule="published_budget").count() == 2
