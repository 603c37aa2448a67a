"""A budget's 编制说明 pasted as printed (the admin's “粘贴情况说明”, formats.paste) and checked by
the 决算's narrative rules (reconciliation/engine/narrative.py) against the budget's own tables:
its words mean the 预算数 of its 预算NN表, and a stated figure that differs from the cell the
words name is a narrative_cell warning, as in a 决算."""

from decimal import Decimal

import pytest

from disclosure.formats.paste import (
    CITED,
    REPORTED,
    Decision,
    apply_choices,
    catalogue_for,
    match_section,
)
from disclosure.models import Disclosure, ReconciliationFinding
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from disclosure.workflow.narrative import section_paste_save
from tests.disclosure.budget.corpus import document, entered
from tests.factories import CLERK, user_in_role

pytestmark = pytest.mark.django_db
TITLE = "部门预算编制说明"
ROUNDING = ("budget_three_public_economic", "notice")  # 30231, as printed (test_wenlvju_2026)


@pytest.fixture
def budget():
    return entered(document())


def paste(budget, lines: list[str]):
    """Pasted, the reported figures kept as printed (the clerk's “确认原文如此”), saved."""
    catalogue = catalogue_for(budget)
    result = match_section("\n".join(lines), catalogue=catalogue, title=TITLE)
    decisions = {
        n: Decision(choice="confirm") for n, o in enumerate(result.outcomes) if o.status == REPORTED
    }
    section_paste_save(
        disclosure=budget,
        by=user_in_role(CLERK, agencies=[budget.agency]),
        version=Disclosure.objects.get(pk=budget.pk).version,
        applied=apply_choices(result, catalogue, decisions),
        section_id=None,
        number="一",
        title=TITLE,
        parent_id=None,
    )
    return result


def test_a_budgets_narrative_cites_its_own_tables(budget):
    # 项目支出 17576.99 万元 is table 3's 合计/项目支出; 机关运行经费 182.65 table 9's 预算数.
    result = paste(budget, ["项目支出17,576.99万元。", "机关运行经费预算182.65万元。"])
    assert [(o.status, o.candidate.label) for o in result.outcomes] == [
        (CITED, "预算03表 合计（项目支出）"),
        (CITED, "预算09表 机关运行经费（预算数）"),
    ]
    found = [(f.rule, f.severity) for f in reconcile(load_facts(disclosure=budget))]
    assert found == [ROUNDING]


def test_a_wrong_narrative_figure_in_a_budget_is_a_finding_against_its_table(budget):
    # Table 9 prints 机关运行经费 182.65 万元 and 公务接待费 2.11 万元 (table 8's 30217 the same
    # 21,100 元); the text says otherwise, and the clerk keeps it as printed. Words that do not
    # say 预算 mean the budget's own 预算数 (as a 决算's mean its 决算数).
    result = paste(budget, ["机关运行经费190.00万元。", "公务接待费预算2.50万元。"])
    reported = [o for o in result.outcomes if o.status == REPORTED]
    assert [o.proposal.cell.label for o in reported] == [
        "预算09表 机关运行经费（预算数）",
        "预算08表 30217 公务接待费（合计）",
    ]
    findings = reconcile(load_facts(disclosure=budget))
    cells = [f for f in findings if f.rule == "narrative_cell"]
    assert [(f.severity, f.difference) for f in cells] == [
        ("warning", Decimal("73500.00")),  # 190.00 万元 − 1,826,500 元
        ("warning", Decimal("3900.00")),  # 2.50 万元 − 21,100 元
    ]
    assert "写作 190.00 万元，而预算09表 机关运行经费（预算数）为 182.65 万元" in cells[0].message
    # Stored with the budget's other findings when the paste was saved.
    stored = ReconciliationFinding.objects.filter(disclosure=budget, rule="narrative_cell")
    assert stored.count() == 2


def test_the_narrative_rules_are_the_budgets_too():
    from disclosure.reconciliation.engine.rules import BUDGET_RULES

    codes = {rule.code for rule in BUDGET_RULES}
    assert {"narrative_procurement", "sme_share", "operating_change", "narrative_cell"} <= codes
