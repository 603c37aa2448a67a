"""The registry: every rule in one list, with its code, its Chinese name and its severity."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from disclosure.models.findings import Severity
from disclosure.reconciliation.engine import across, budget, narrative, remarks, within

from .facts import Facts
from .findings import SEVERITY_RANK, Finding

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # when the identity fails beyond rounding
    check: Callable[[Facts], Iterable[Finding | None]]


RULES = [
    # Totals against their items, within one table or statement.
    Rule("three_public_total", "“三公”经费合计 = 各项之和", E, within.three_public_total),
    Rule(
        "three_public_vehicle",
        "公务用车购置及运行维护费 = 购置费 + 运行维护费",
        E,
        within.three_public_vehicle,
    ),
    Rule("columns_total", "合计 = 基本支出 + 项目支出等各栏之和", E, within.columns_total),
    Rule("class_total", "各类科目之和 = 合计", E, within.class_total),
    Rule("code_children", "下级科目之和 = 上级科目", E, within.code_children),
    Rule("of_which_exceeds", "“其中”各项不超过总数", E, within.of_which_exceeds),
    Rule("of_which_remainder", "“其中”未列明的部分", N, within.of_which_remainder),
    Rule("balance", "收入 = 支出（含结转和结余）", E, within.balance),
    # Across tables and years.
    Rule("personnel_public", "基本支出 = 人员经费 + 公用经费", E, across.personnel_public),
    Rule("cross_table", "同一数字在各表中一致", E, across.cross_table),
    Rule(
        "three_public_economic",
        "“三公”经费与经济分类科目（30212、30217、30231、31013）相符",
        E,
        across.three_public_economic,
    ),
    Rule("prior_year", "上年数 = 上年已公开的决算数", E, across.prior_year),
    Rule("budget_final", "预算数与决算数差异达 10% 需说明", W, across.budget_final),
    Rule(
        "published_budget",
        "决算所列预算数 = 本年度已公开的部门预算",
        W,
        budget.published_budget,
    ),
    Rule("change_on_last_year", "较上年变动达 10% 需说明", W, across.change_on_last_year),
    Rule("yoy_remark", "“三公”经费同比说明与数字相符", W, remarks.yoy_remark),
    # The 情况说明's own figures (narrative.py).
    Rule(
        "narrative_procurement",
        "政府采购金额 = 货物 + 工程 + 服务",
        E,
        narrative.procurement_total,
    ),
    Rule("sme_share", "中小企业、小微企业合同金额与所占比例相符", E, narrative.sme_share),
    Rule("operating_change", "机关运行经费与所述增减额、增减率相符", W, narrative.operating_change),
    Rule("narrative_cell", "情况说明所述表格数字与表格一致", W, narrative.narrative_cell),
]
# A 部门预算 is checked by the rules inside one table that every document shares (on its own
# 预算数 columns), by the 情况说明's (编制说明's) rules, which read its stated figures, its cells
# (预算NN表, their 预算数) and last year's 预算, and by its own (engine/budget.py); the 决算's
# others name 决算 tables.
SHARED = (
    "columns_total",
    "class_total",
    "code_children",
    "of_which_exceeds",
    "of_which_remainder",
    "balance",
    "narrative_procurement",
    "sme_share",
    "operating_change",
    "narrative_cell",
)
BUDGET_RULES = [
    *(rule for rule in RULES if rule.code in SHARED),
    Rule(
        "budget_summary", "财务收支预算总表支出总计 = 支出预算总表合计", E, budget.spending_summary
    ),
    Rule("budget_basic", "基本支出 = 人员经费 + 公用经费", E, budget.basic_economic),
    Rule(
        "budget_three_public",
        "“三公”经费预算合计 = 各项之和，公务用车 = 购置 + 运行",
        E,
        budget.three_public_total,
    ),
    Rule(
        "budget_three_public_economic",
        "“三公”经费预算与经济分类科目（30212、30217、30231、31013）相符",
        E,
        budget.three_public_economic,
    ),
]
RULES_BY_CODE = {rule.code: rule for rule in RULES} | {
    rule.code: rule for rule in BUDGET_RULES if rule.code not in SHARED
}
RULE_ORDER = {code: i for i, code in enumerate(RULES_BY_CODE)}


def rules_for(facts: Facts) -> list[Rule]:
    return BUDGET_RULES if facts.kind == "budget" else RULES


def reconcile(facts: Facts) -> list[Finding]:
    """Every finding of every rule: errors first, then warnings, then notices, in rule order."""
    findings = [f for rule in rules_for(facts) for f in rule.check(facts) if f is not None]
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], RULE_ORDER[f.rule]))
