"""Rules across tables and years: the same figure twice, 三公 against economic codes, budget
against final, last year's published figures."""

from collections.abc import Iterator

from disclosure.core.money import is_material, percent
from disclosure.models.findings import Severity

from .facts import (
    BASIC,
    CAPITAL_BUDGET,
    EXPENDITURE,
    EXPENDITURE_SIDE,
    FISCAL,
    FUND_BUDGET,
    GENERAL_BUDGET,
    INCOME,
    INCOME_EXPENDITURE,
    THREE_PUBLIC,
    Facts,
    Line,
    Row,
    Table,
    ThreePublic,
)
from .findings import (
    ZERO,
    Fig,
    Finding,
    cell,
    check_equal_sums,
    check_same_figure,
    line_fig,
    row_text,
    wan,
)


def personnel_public(facts: Facts) -> Iterator[Finding]:
    """基本支出 = 人员经费 + 公用经费: 06 人员经费合计 + 公用经费合计 = 05 合计行的基本支出."""
    basic, general = facts.tables.get(BASIC), facts.tables.get(GENERAL_BUDGET)
    if basic is None or general is None:
        return
    totals = [r for r in basic.rows if r.role == "total"]
    total_row = next((r for r in general.rows if r.role == "total" and not r.code), None)
    columns = basic.finals()
    if not totals or total_row is None or not columns:
        return
    yield check_equal_sums(
        "personnel_public",
        subject="一般公共预算财政拨款基本支出",
        left=[cell(general, total_row, "基本支出", f"公开{general.number}表基本支出")],
        right=[cell(basic, r, columns[0].label, r.name) for r in totals],
    )


# The same figure printed in two tables: (table, row key, column) pairs.
SAME_FIGURES = [
    (
        (INCOME_EXPENDITURE, "收入/一般公共预算财政拨款收入", "决算数"),
        (FISCAL, "收入/一般公共预算财政拨款", "决算数"),
    ),
    (
        (INCOME_EXPENDITURE, "收入/政府性基金预算财政拨款收入", "决算数"),
        (FISCAL, "收入/政府性基金预算财政拨款", "决算数"),
    ),
    (
        (INCOME_EXPENDITURE, "收入/国有资本经营预算财政拨款收入", "决算数"),
        (FISCAL, "收入/国有资本经营预算财政拨款", "决算数"),
    ),
    ((INCOME_EXPENDITURE, "收入/本年收入合计", "决算数"), (INCOME, "合计", "本年收入合计")),
    ((INCOME_EXPENDITURE, "支出/本年支出合计", "决算数"), (EXPENDITURE, "合计", "本年支出合计")),
    ((INCOME, "合计", "财政拨款收入"), (FISCAL, "收入/本年收入合计", "决算数")),
    ((FISCAL, "支出/本年支出合计", "一般公共预算财政拨款"), (GENERAL_BUDGET, "合计", "合计")),
    ((FISCAL, "支出/本年支出合计", "政府性基金预算财政拨款"), (FUND_BUDGET, "合计", "合计")),
    ((FISCAL, "支出/本年支出合计", "国有资本经营预算财政拨款"), (CAPITAL_BUDGET, "合计", "合计")),
]
# Each functional 类 printed by name in a summary table and by code in a detailed one:
# all funds in 01 and 03, general-budget appropriations in 04 and 05.
SAME_CLASSES = [
    ((INCOME_EXPENDITURE, "决算数"), (EXPENDITURE, "本年支出合计")),
    ((FISCAL, "一般公共预算财政拨款"), (GENERAL_BUDGET, "合计")),
]


def cross_table(facts: Facts) -> Iterator[Finding]:
    """The same figure printed in two tables is equal in both."""
    for (ta, ka, la), (tb, kb, lb) in SAME_FIGURES:
        a, b = facts.tables.get(ta), facts.tables.get(tb)
        row_a, row_b = (a.row(ka) if a else None), (b.row(kb) if b else None)
        if row_a and row_b:
            yield check_same_figure(
                "cross_table",
                cell(a, row_a, la),
                cell(b, row_b, lb),
                what="两张表中的同一数字不一致",
            )
    for (ta, la), (tb, lb) in SAME_CLASSES:
        a, b = facts.tables.get(ta), facts.tables.get(tb)
        if a is not None and b is not None:
            yield from _same_classes(a, la, b, lb)


def _same_classes(a: Table, la: str, b: Table, lb: str) -> Iterator[Finding]:
    """Each 类 by its code: the summary table's row (named, its code known from the format)
    against the detailed table's coded row. A class printed in one table only, or a numbered
    summary row whose class is unknown (a misread name), is itself a finding: a check is never
    silently skipped."""
    summary = [r for r in a.rows if r.side == EXPENDITURE_SIDE and not r.parent and not r.role]
    by_code = {r.class_code: r for r in summary if r.class_code}
    detailed = {r.code: r for r in b.rows if len(r.code) == 3}
    for code in dict.fromkeys([*detailed, *by_code]):
        row_a, row_b = by_code.get(code), detailed.get(code)
        if row_a is not None and row_b is not None:
            yield check_same_figure(
                "cross_table",
                cell(a, row_a, la),
                cell(b, row_b, lb),
                what=f"{code} {row_b.name}（类）在两张表中不一致",
            )
        elif row_b is not None:
            yield _printed_once(
                cell(b, row_b, lb), f"但公开{a.number}表中没有“{code} {row_b.name}”这一行"
            )
        else:
            yield _printed_once(cell(a, row_a, la), f"但公开{b.number}表中没有“{code}”这一类")
    for row in (r for r in summary if not r.class_code and r.ordinal):
        yield _printed_once(
            cell(a, row, la), "但按名称和序号都无法确定它是哪一类功能分类科目（名称可能有误）"
        )


def _printed_once(fig: Fig, why: str) -> Finding | None:
    if not fig.value:
        return None
    return Finding(
        rule="cross_table",
        severity=Severity.ERROR,
        message=(
            f"{fig.label}为 {wan(fig.value)}，{why}：同一类支出应在两张表中都列出且相等，"
            "不能对照核对。"
        ),
        cells=((fig.label, fig.value),),
        difference=fig.value,
    )


# 07's items and the 部门预算 economic codes they are spent under.
THREE_PUBLIC_CODES = [
    ("outbound", "因公出国（境）费", "30212"),
    ("reception", "公务接待费", "30217"),
    ("vehicle_running", "公务用车购置及运行维护费/公务用车运行维护费", "30231"),
    ("vehicle_purchase", "公务用车购置及运行维护费/公务用车购置费", "31013"),
]


def three_public_economic(facts: Facts) -> Iterator[Finding]:
    """A three-public item against its economic code (30212, 30217, 30231, 31013): the code's
    figure in basic expenditure cannot exceed the item; what it lacks is spent elsewhere
    (project expenditure), which an auditor should see."""
    table, basic = facts.tables.get(THREE_PUBLIC), facts.tables.get(BASIC)
    if table and basic and basic.finals():
        finals = table.finals()
        for _item, key, code in THREE_PUBLIC_CODES:
            row, coded = table.row(key), basic.row_by_code(code)
            if finals and row and coded:
                yield _item_against_code(
                    cell(table, row, finals[0].label, row.name),
                    cell(basic, coded, basic.finals()[0].label, f"{coded.code} {coded.name}"),
                )
    amounts = {r.item: r for r in facts.three_public}
    economic = {x.code: x for x in facts.lines if x.statement == "economic" and x.code}
    for item, _key, code in THREE_PUBLIC_CODES:
        if item in amounts and code in economic:
            yield _item_against_code(_item_fig(amounts[item]), line_fig(economic[code]))


def _item_against_code(item: Fig, coded: Fig) -> Finding | None:
    # A blank item spent nothing: 06 printing 13.24 under 30212 against a blank 因公出国（境）费
    # is a contradiction, as a blank is in every other comparison of two tables.
    if coded.value is None or item.value == coded.value or (item.value is None and not coded.value):
        return None
    diff = (item.value or ZERO) - coded.value
    cells = ((item.label, item.value), (coded.label, coded.value))
    if diff < 0:
        return Finding(
            rule="three_public_economic",
            severity=Severity.ERROR,
            message=(
                f"{coded.label}为 {wan(coded.value)}，大于{item.label} {wan(item.value)}，"
                f"超出 {wan(-diff)}：经济分类中的{coded.name}不能超过该项“三公”经费。"
            ),
            cells=cells,
            difference=diff,
        )
    return Finding(
        rule="three_public_economic",
        severity=Severity.NOTICE,
        message=(
            f"{item.label}为 {wan(item.value)}，{coded.label}为 {wan(coded.value)}，"
            f"其余 {wan(diff)}不在基本支出中，应由项目支出等列支。"
        ),
        cells=cells,
        difference=diff,
    )


PRIOR_PREFIX = "上年"


def prior_year(facts: Facts) -> Iterator[Finding]:
    """A table's 上年… column (上年决算数, 上年数) equals the figure that last year's published
    disclosure printed in the same row (and column, or its main 决算 column)."""
    previous = facts.previous
    for table in facts.tables.values():
        last = previous.tables.get(table.number) if previous else None
        prior_columns = [c for c in table.columns if c.label.startswith(PRIOR_PREFIX)]
        for column in prior_columns if last else []:
            for row in table.rows:
                old = last.counterpart(row)
                if row.cells.get(column.label) is None or old is None:
                    continue
                label = _last_years_label(last, row, column.label.removeprefix(PRIOR_PREFIX))
                printed = cell(last, old, label)
                yield check_same_figure(
                    "prior_year",
                    cell(table, row, column.label),
                    Fig(f"{previous.year}年度已公开的{printed.label}", label, printed.value),
                    what="上年数与上年已公开的决算不一致",
                )


def _last_years_label(last: Table, row: Row, label: str) -> str:
    if label in {c.label for c in last.columns}:
        return label
    finals = last.finals(row.side)
    return finals[0].label if finals else label


def budget_final(facts: Facts) -> Iterator[Finding]:
    """预算数 against 决算数 (05 年初预算数 vs 合计, 07 预算数 vs 决算数): a gap of 10% or more
    needs an explanation on the row."""
    for table in facts.tables.values():
        for budget in (c for c in table.columns if c.measure == "budget"):
            finals = table.finals(budget.side)
            if not finals:
                continue
            for row in table.rows:
                b, f = row.cells.get(budget.label), row.cells.get(finals[0].label)
                if b is None or f is None or row.explanation or not is_material(f - b, b):
                    continue
                gap = f - b
                share = f"，为预算的 {percent(f, b)}%" if b else "，预算为零"
                yield Finding(
                    rule="budget_final",
                    severity=Severity.WARNING,
                    message=(
                        f"公开{table.number}表 {row_text(row)}：{budget.label} {wan(b)}，"
                        f"{finals[0].label} {wan(f)}，{'超出' if gap > 0 else '少于'}预算 "
                        f"{wan(abs(gap))}{share}；差异达 10% 以上，需要说明原因。"
                    ),
                    cells=(
                        (cell(table, row, budget.label).label, b),
                        (cell(table, row, finals[0].label).label, f),
                    ),
                    difference=gap,
                )


def change_on_last_year(facts: Facts) -> Iterator[Finding]:
    """A change of 10% or more on last year's published figure needs an explanation (the main
    决算 column of each table, as the public page flags it; 2014 statements and 三公 items)."""
    previous = facts.previous
    if previous is None:
        return
    for table in facts.tables.values():
        last = previous.tables.get(table.number)
        for row in table.rows if last else []:
            finals, old = table.finals(row.side), last.counterpart(row)
            if not finals or old is None or row.explanation:
                continue
            label = finals[0].label
            now, then = row.cells.get(label), old.cells.get(label)
            yield _change(facts, cell(table, row, label), now, then)
    then_names, now_names = _names_by_id(previous), _names_by_id(facts)
    old_lines = {_line_key(then_names, x): x for x in previous.lines}
    for line in facts.lines:
        old = old_lines.get(_line_key(now_names, line))
        if old is not None:
            yield _change(facts, line_fig(line), line.amount, old.amount)
    old_items = {r.item: r for r in previous.three_public}
    for record in facts.three_public:
        old = old_items.get(record.item)
        if old is not None and not record.explained:
            fig = _item_fig(record)
            yield _change(facts, fig, record.amount, old.amount)


def _names_by_id(facts: Facts) -> dict[int, str]:
    # Looked up, not searched per line: an imported statement may have 100,000 lines.
    # Reversed, so that (as a search would) the first line with an id wins.
    return {x.id: x.name for x in reversed(facts.lines)}


def _line_key(names_by_id: dict[int, str], line: Line) -> tuple:
    return line.statement, line.code or line.name, names_by_id.get(line.parent, "")


def _change(facts: Facts, fig: Fig, now, then) -> Finding | None:
    # As on the public page: no rate of change on a zero base.
    if now is None or then is None or not then or not is_material(now - then, then):
        return None
    year = facts.year
    rate = percent(now - then, then)
    return Finding(
        rule="change_on_last_year",
        severity=Severity.WARNING,
        message=(
            f"{fig.label}：{year - 1}年度 {wan(then)}，{year}年度 {wan(now)}，"
            f"{'增长' if rate > 0 else '下降'} {abs(rate)}%；变动达 10% 以上，需要说明原因。"
        ),
        cells=((f"{year - 1}年度 {fig.label}", then), (f"{year}年度 {fig.label}", now)),
        difference=now - then,
    )


ITEM_NAMES = {item: key.rsplit("/", 1)[-1] for item, key, _code in THREE_PUBLIC_CODES}


def _item_fig(record: ThreePublic) -> Fig:
    name = ITEM_NAMES[record.item]
    return Fig(f"“三公”经费 {name}", name, record.amount)
