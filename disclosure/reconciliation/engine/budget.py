"""Rules of the 部门预算 (the Shanghai district budget tables 1–9), beside the rules inside one
table that every document shares (within.py: 合计 = columns, Σ 类 = 合计, 收入总计 = 支出总计).

The 决算's rules name its tables by number (公开05/06/07表); a budget numbers its tables
otherwise, so its identities are stated here with its own numbers. Rows of the economic table
are matched by code, never by name.
"""

from collections.abc import Iterator

from disclosure.models.findings import Severity

from .facts import Facts, Row, Table
from .findings import (
    HALF_PRECISION,
    PRINTED_PRECISION,
    ZERO,
    Finding,
    cell,
    check_equal_sums,
    row_text,
    severity_of,
    tolerance_clause,
    wan,
)

SUMMARY, SPENDING, GENERAL, BASIC, THREE_PUBLIC = "01", "03", "05", "08", "09"
BUDGET = "预算数"
VEHICLE = "公务用车购置及运行维护费"
ITEMS = ("因公出国（境）费", VEHICLE, "公务接待费")
VEHICLE_PARTS = ("公务用车购置费", "公务用车运行维护费")
# The 三公 item of table 9 and the economic code of table 8 that spends it (DOMAIN.md §3).
ITEM_CODES = [
    ("因公出国（境）费", "30212"),
    ("公务接待费", "30217"),
    (f"{VEHICLE}/公务用车运行维护费", "30231"),
    (f"{VEHICLE}/公务用车购置费", "31013"),
]


def _total(table: Table) -> Row | None:
    return next((r for r in table.rows if r.role == "total" and not r.code), None)


def three_public_total(facts: Facts) -> Iterator[Finding]:
    """Table 9: 合计 = 出国 + 用车 + 接待; 用车 = 购置 + 运行."""
    table = facts.tables.get(THREE_PUBLIC)
    if table is None:
        return
    total, vehicle = table.row("合计"), table.row(VEHICLE)
    items = [table.row(name) for name in ITEMS]
    if total is not None:
        yield check_equal_sums(
            "budget_three_public",
            subject=f"预算表{THREE_PUBLIC}“三公”经费合计",
            left=[cell(table, total, BUDGET, "合计")],
            right=[cell(table, r, BUDGET, r.name) for r in items if r is not None],
        )
    parts = [table.row(f"{VEHICLE}/{name}") for name in VEHICLE_PARTS]
    if vehicle is not None:
        yield check_equal_sums(
            "budget_three_public",
            subject=f"预算表{THREE_PUBLIC} {VEHICLE}",
            left=[cell(table, vehicle, BUDGET, vehicle.name)],
            right=[cell(table, r, BUDGET, r.name) for r in parts if r is not None],
        )


def basic_economic(facts: Facts) -> Iterator[Finding]:
    """基本支出 = 人员经费 + 公用经费 across tables: table 8's 合计 (人员 + 公用, checked inside
    table 8) = the 基本支出 of table 5's 合计 row."""
    basic, general = facts.tables.get(BASIC), facts.tables.get(GENERAL)
    if basic is None or general is None:
        return
    basic_total, general_total = _total(basic), _total(general)
    if basic_total is None or general_total is None:
        return
    yield check_equal_sums(
        "budget_basic",
        subject="一般公共预算基本支出",
        left=[cell(general, general_total, "基本支出", f"预算表{GENERAL}基本支出")],
        right=[
            cell(basic, basic_total, "人员经费", "人员经费"),
            cell(basic, basic_total, "公用经费", "公用经费"),
        ],
    )


def three_public_economic(facts: Facts) -> Iterator[Finding]:
    """Each 三公 item of table 9 (万元) = its economic code's 合计 in table 8 (元): the same
    budget in two units. Table 9 rounds to 0.01 万元, so the two may differ by up to 50 元 (a
    notice); beyond that they contradict each other (an error). An item without its code in
    table 8 is budgeted outside basic expenditure (项目支出), which the tables do not show."""
    table, basic = facts.tables.get(THREE_PUBLIC), facts.tables.get(BASIC)
    if table is None or basic is None:
        return
    for key, code in ITEM_CODES:
        row, coded = table.row(key), basic.row_by_code(code)
        if row is None or coded is None:
            continue
        item = cell(table, row, BUDGET, row.name)
        spent = cell(basic, coded, "合计", f"{coded.code} {coded.name}")
        if item.value is None or spent.value is None or item.value == spent.value:
            continue
        diff = item.value - spent.value
        yield Finding(
            rule="budget_three_public_economic",
            severity=severity_of(diff, HALF_PRECISION),
            message=(
                f"预算表{THREE_PUBLIC} {row.name} {wan(item.value)}，预算表{BASIC} {code} "
                f"{coded.name} {spent.value:,.2f} 元，相差 {abs(diff):,.2f} 元"
                + tolerance_clause(diff, HALF_PRECISION, 1)
            ),
            cells=((item.label, item.value), (spent.label, spent.value)),
            difference=diff,
            tolerance=HALF_PRECISION,
        )


def spending_summary(facts: Facts) -> Iterator[Finding]:
    """收支平衡 across tables: table 1's 支出总计 = table 3's 合计 (合计 column)."""
    summary, spending = facts.tables.get(SUMMARY), facts.tables.get(SPENDING)
    if summary is None or spending is None:
        return
    spent = next((r for r in summary.rows if r.side == "支出" and r.role == "total"), None)
    total = _total(spending)
    if spent is None or total is None:
        return
    yield check_equal_sums(
        "budget_summary",
        subject=f"预算表{SUMMARY}支出总计与预算表{SPENDING}合计",
        left=[cell(summary, spent, BUDGET, spent.name)],
        right=[cell(spending, total, "合计", f"预算表{SPENDING}合计")],
    )


# The 决算's printed 预算数 and where the published 预算 prints the same budget: 公开07表's
# items against table 9 (by item), 公开05表's 年初预算数 per 项 against table 5's 合计 (by code).
FINAL_THREE_PUBLIC, FINAL_GENERAL = "07", "05"
THREE_PUBLIC_ROWS = [
    "合计",
    "因公出国（境）费",
    VEHICLE,
    *(f"{VEHICLE}/{p}" for p in VEHICLE_PARTS),
]
THREE_PUBLIC_ROWS.append("公务接待费")


def published_budget(facts: Facts) -> Iterator[Finding]:
    """A 决算's printed 预算数 = the figure of its year's published 部门预算 (a 预算调整 the
    document states explains a gap, which a reviewer acknowledges: a warning)."""
    budget = facts.budget
    if budget is None or facts.kind != "final":
        return
    pairs = []
    final_07, budget_09 = facts.tables.get(FINAL_THREE_PUBLIC), budget.tables.get(THREE_PUBLIC)
    if final_07 is not None and budget_09 is not None:
        for key in THREE_PUBLIC_ROWS:
            row, printed = final_07.row(key), budget_09.row(key)
            if row is not None and printed is not None:
                pairs.append((final_07, row, "预算数", budget_09, printed, BUDGET))
    final_05, budget_05 = facts.tables.get(FINAL_GENERAL), budget.tables.get(GENERAL)
    if final_05 is not None and budget_05 is not None:
        for row in final_05.rows:
            printed = budget_05.row_by_code(row.code) if len(row.code) == 7 else None
            if printed is not None:
                pairs.append((final_05, row, "年初预算数", budget_05, printed, "合计"))
    for table, row, label, other, printed, other_label in pairs:
        stated, published = row.cells.get(label), printed.cells.get(other_label)
        if stated is None or published is None or stated == published:
            continue
        diff = stated - published
        # The 决算 prints 万元: a published 元 figure rounds to it within 50 元.
        tolerance = HALF_PRECISION if stated % PRINTED_PRECISION == 0 else ZERO
        yield Finding(
            rule="published_budget",
            severity=severity_of(diff, tolerance, Severity.WARNING),
            message=(
                f"公开{table.number}表 {row_text(row)}的{label} {wan(stated)}，本年度已公开的部门"
                f"预算（预算表{other.number}）为 {wan(published)}，相差 {wan(abs(diff))}"
                + tolerance_clause(diff, tolerance, 1)
                + ("" if tolerance and abs(diff) <= tolerance else "如有预算调整，请在说明中写明。")
            ),
            cells=(
                (cell(table, row, label).label, stated),
                (f"预算表{other.number} {row_text(printed)}（{other_label}）", published),
            ),
            difference=diff,
            tolerance=tolerance,
        )
