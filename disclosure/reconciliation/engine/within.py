"""Rules within one table or statement: totals against their items, income against spending."""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from disclosure.models.findings import Severity

from .facts import (
    EXPENDITURE_SIDE,
    INCOME_SIDE,
    THREE_PUBLIC,
    TOTAL_LABELS,
    Column,
    Facts,
    Line,
    Row,
    Table,
)
from .findings import (
    STATEMENT_NAMES,
    ZERO,
    Fig,
    Finding,
    cell,
    check_equal_sums,
    check_same_figure,
    line_fig,
    names,
    rounding_tolerance,
    row_text,
    severity_of,
    tolerance_clause,
    wan,
)


def _labels_of(table: Table, rows: list[Row]) -> list[str]:
    """Every column label any of these rows has a figure in, in the table's column order
    (a two-sided table repeats labels on its two sides: 决算数 and 决算数)."""
    present = {label for r in rows for label in r.cells}
    sides = {r.side for r in rows}
    labels = [
        c.label
        for c in table.columns
        if c.label in present and (not table.two_sided or c.side in sides)
    ]
    return list(dict.fromkeys(labels))


def _blocks(table: Table) -> dict[str, list[Row]]:
    blocks: dict[str, list[Row]] = defaultdict(list)
    for row in table.rows:
        blocks[row.block].append(row)
    return blocks


def _coded_tables(facts: Facts) -> Iterator[Table]:
    for table in facts.tables.values():
        if table.row_source in ("functional", "economic") and not table.two_sided:
            yield table


def _positional_totals(table: Table, side: str) -> Iterator[tuple[Row, list[Row]]]:
    """In a two-sided table (01, 04), each 本年…合计 row with the items above it, and the
    总计 row with the 本年…合计 row and the carry-over rows between them."""
    items: list[Row] = []
    subtotal: Row | None = None
    for row in (r for r in table.rows if r.side == side and not r.parent):
        if row.role == "subtotal":
            yield row, items
            subtotal, items = row, []
        elif row.role == "total":
            if subtotal is not None:
                yield row, [subtotal, *items]
            subtotal, items = None, []
        else:
            items.append(row)


def three_public_total(facts: Facts) -> Iterator[Finding]:
    """07: 合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费, for 预算数 and
    决算数 alike. (The 2014 format stores no three-public total: nothing to contradict.)"""
    table = facts.tables.get(THREE_PUBLIC)
    if table is None:
        return
    items = [r for r in table.rows if not r.parent and not r.role]
    for total in (r for r in table.rows if r.role == "total"):
        for label in _labels_of(table, [total]):
            yield check_equal_sums(
                "three_public_total",
                subject=f"公开{table.number}表“三公”经费（{label}）",
                left=[cell(table, total, label, "合计")],
                right=[cell(table, r, label, r.name) for r in items],
            )


def three_public_vehicle(facts: Facts) -> Iterator[Finding]:
    """07: 公务用车购置及运行维护费 = 购置费 + 运行维护费, per column."""
    table = facts.tables.get(THREE_PUBLIC)
    if table is None:
        return
    for parent in table.rows:
        children = [r for r in table.rows if r.parent == parent.key]
        if not children:
            continue
        for label in _labels_of(table, [parent]):
            yield check_equal_sums(
                "three_public_vehicle",
                subject=f"公开{table.number}表 {parent.name}（{label}）",
                left=[cell(table, parent, label, parent.name)],
                right=[cell(table, r, label, r.name) for r in children],
            )


def columns_total(facts: Facts) -> Iterator[Finding]:
    """Per row: a 合计 column = the columns beside it (基本支出 + 项目支出 …); 2014: the
    economic statement (基本支出 + 项目支出) = the expenditure total."""
    for table in facts.tables.values():
        sides = [INCOME_SIDE, EXPENDITURE_SIDE] if table.two_sided else [""]
        for side in sides:
            groups: dict[str, list[Column]] = defaultdict(list)
            for column in table.finals(side):
                groups[column.group].append(column)
            for columns in groups.values():
                if len(columns) < 2 or columns[0].label not in TOTAL_LABELS:
                    continue
                total, parts = columns[0].label, [c.label for c in columns[1:]]
                for row in (r for r in table.rows if not table.two_sided or r.side == side):
                    yield check_equal_sums(
                        "columns_total",
                        subject=f"公开{table.number}表 {row_text(row)}",
                        left=[cell(table, row, total)],
                        right=[cell(table, row, p) for p in parts],
                    )
    yield _simple_against_expenditure(facts, "columns_total", "economic", "支出按性质分")


LEVEL_NAMES = {3: "各类科目 ", 5: "各款科目 ", 7: "各项科目 "}


def _visible_tops(rows: list[Row], label: str) -> list[Row]:
    """The coded rows printing a figure in this column that no printed figure above them
    covers: the 类 where they are printed, else the 款 or 项 (05's 年初预算数 is printed per 项
    only, and some tables print 款 or 项 without their 类)."""
    figured = [r for r in rows if r.code and r.cells.get(label) is not None]
    codes = {r.code for r in figured}
    return [r for r in figured if not any(r.code[:n] in codes for n in (3, 5) if n < len(r.code))]


def class_total(facts: Facts) -> Iterator[Finding]:
    """A printed total = the sum of the rows it covers, per column: Σ functional 类 = the 合计 row
    of 02/03/05/08/09, Σ economic 类 = 人员经费合计 / 公用经费合计 (06), Σ 项 年初预算数 = the
    合计 row's; 01/04 本年支出合计 = the classes above it; 2014: Σ functional = expenditure
    total."""
    for table in _coded_tables(facts):
        for rows in _blocks(table).values():
            for total in (r for r in rows if r.role == "total"):
                for label in _labels_of(table, [total]):
                    tops = _visible_tops(rows, label)
                    if not tops:
                        continue
                    levels = {len(r.code) for r in tops}
                    prefix = LEVEL_NAMES.get(levels.pop(), "") if len(levels) == 1 else "各科目 "
                    yield check_equal_sums(
                        "class_total",
                        subject=f"公开{table.number}表 {total.name}（{label}）",
                        left=[cell(table, total, label, total.name)],
                        right=[cell(table, r, label, r.code) for r in tops],
                        right_prefix=prefix,
                    )
    for table in (t for t in facts.tables.values() if t.two_sided):
        for total, items in _positional_totals(table, EXPENDITURE_SIDE):
            if total.role == "subtotal":
                yield from _positional_check("class_total", table, total, items)
    yield _simple_against_expenditure(facts, "class_total", "functional", "支出按功能分类")


def _positional_check(rule: str, table: Table, total: Row, items: list[Row]) -> Iterator[Finding]:
    for label in _labels_of(table, [total]):
        yield check_equal_sums(
            rule,
            subject=f"公开{table.number}表 {total.side}方 {total.name}（{label}）",
            left=[cell(table, total, label, total.name)],
            right=[cell(table, r, label, r.name) for r in items],
        )


def code_children(facts: Facts) -> Iterator[Finding]:
    """A 类 = Σ its 款, a 款 = Σ its 项 (parent code = prefix), per column."""
    for table in _coded_tables(facts):
        for rows in _blocks(table).values():
            for parent in (r for r in rows if len(r.code) in (3, 5)):
                children = [
                    r
                    for r in rows
                    if len(r.code) == len(parent.code) + 2 and r.code.startswith(parent.code)
                ]
                if not children:
                    continue
                for label in _labels_of(table, [parent]):
                    yield check_equal_sums(
                        "code_children",
                        subject=f"公开{table.number}表（{label}）",
                        left=[cell(table, parent, label, row_text(parent))],
                        right=[cell(table, r, label, r.code) for r in children],
                        right_prefix="下级科目 ",
                    )
    yield from _simple_code_children(facts)


def _simple_code_children(facts: Facts) -> Iterator[Finding]:
    top = [x for x in facts.lines if x.parent is None and x.code]
    # Indexed, not searched per parent: an imported statement may have 100,000 lines.
    by_prefix = defaultdict(list)
    for x in top:
        if len(x.code) in (5, 7):
            by_prefix[(x.statement, x.code[:-2])].append(x)
    for parent in (x for x in top if len(x.code) in (3, 5)):
        children = by_prefix.get((parent.statement, parent.code), [])
        if children:
            yield check_equal_sums(
                "code_children",
                subject=STATEMENT_NAMES[parent.statement],
                left=[Fig(line_fig(parent).label, f"{parent.code} {parent.name}", parent.amount)],
                right=[Fig(line_fig(x).label, x.code, x.amount) for x in children],
                right_prefix="下级科目 ",
            )


def _of_which_groups(facts: Facts) -> Iterator[tuple[str, Fig, list[Fig]]]:
    """Every "其中" breakdown: 2014 lines with a parent line, standard rows with a parent row
    (07's vehicle rows are a full breakdown, checked by three_public_vehicle)."""
    by_parent = defaultdict(list)  # indexed: an imported statement may have 100,000 lines
    for x in facts.lines:
        if x.parent is not None:
            by_parent[x.parent].append(x)
    for parent in facts.lines:
        children = by_parent.get(parent.id)
        if children and parent.amount is not None:
            subject = STATEMENT_NAMES[parent.statement]
            yield subject, line_fig(parent), [line_fig(x) for x in children]
    for table in facts.tables.values():
        if table.number == THREE_PUBLIC:
            continue
        for parent in table.rows:
            children = [r for r in table.rows if r.parent == parent.key and r.side == parent.side]
            for label in _labels_of(table, [parent]) if children else []:
                children_figs = [cell(table, r, label, r.name) for r in children]
                if any(c.value is not None for c in children_figs):
                    subject = f"公开{table.number}表 {row_text(parent)}（{label}）"
                    yield subject, cell(table, parent, label, parent.name), children_figs


def _listed(children: list[Fig]) -> tuple[list[Fig], Decimal]:
    present = [c for c in children if c.value is not None]
    return present, sum((c.value for c in present), ZERO)


def of_which_exceeds(facts: Facts) -> Iterator[Finding]:
    """A "其中" (of which) breakdown never exceeds its parent."""
    for subject, parent, children in _of_which_groups(facts):
        children, listed = _listed(children)
        excess = listed - parent.value
        if excess <= 0:
            continue
        figures = [parent, *children]
        tolerance = rounding_tolerance([f.value for f in figures])
        yield Finding(
            rule="of_which_exceeds",
            severity=severity_of(excess, tolerance),
            message=(
                f"{subject}：{parent.name} {wan(parent.value)}，但其“其中”{names(children)}"
                f"合计 {wan(listed)}，超出 {wan(excess)}，“其中”部分不能大于总数"
                + tolerance_clause(excess, tolerance, len(figures))
            ),
            cells=tuple((f.label, f.value) for f in figures),
            difference=-excess,
            tolerance=tolerance,
        )


def of_which_remainder(facts: Facts) -> Iterator[Finding]:
    """What a "其中" breakdown leaves out: legal, but an auditor wants it named, not hidden."""
    for subject, parent, children in _of_which_groups(facts):
        children, listed = _listed(children)
        remainder = parent.value - listed
        if remainder <= 0:
            continue
        yield Finding(
            rule="of_which_remainder",
            severity=Severity.NOTICE,
            message=(
                f"{subject}：{parent.name} {wan(parent.value)}，其中列明 {wan(listed)}，"
                f"未列明 {wan(remainder)}（“其中”只列出了{names(children)}，"
                "其余部分没有说明用途）。"
            ),
            cells=tuple((f.label, f.value) for f in [parent, *children]),
            difference=remainder,
        )


def balance(facts: Facts) -> Iterator[Finding]:
    """收入 = 支出 including carry-overs: 01/04 本年收入合计 = Σ 收入, 总计 = 本年合计 + 结转和
    结余, 收入总计 = 支出总计; 08/09 年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余;
    2014: 收入决算 = 支出决算."""
    for table in (t for t in facts.tables.values() if t.two_sided):
        for side in (INCOME_SIDE, EXPENDITURE_SIDE):
            for total, items in _positional_totals(table, side):
                if side == INCOME_SIDE or total.role == "total":
                    yield from _positional_check("balance", table, total, items)
        yield _grand_totals(table)
    for table in facts.tables.values():
        yield from _carry_over(table)
    income = [line_fig(x) for x in _roots(facts, "income")]
    expenditure = [line_fig(x) for x in _roots(facts, "expenditure")]
    yield check_equal_sums(
        "balance",
        subject="收入决算与支出决算",
        left=income,
        right=expenditure,
        left_name="收入合计" if len(income) > 1 else "",
    )


def _grand_totals(table: Table) -> Finding | None:
    income = next((r for r in table.rows if r.side == INCOME_SIDE and r.role == "total"), None)
    spent = next((r for r in table.rows if r.side == EXPENDITURE_SIDE and r.role == "total"), None)
    income_columns, spent_columns = table.finals(INCOME_SIDE), table.finals(EXPENDITURE_SIDE)
    if not (income and spent and income_columns and spent_columns):
        return None
    a = cell(table, income, income_columns[0].label)
    b = cell(table, spent, spent_columns[0].label)
    if a.value is None or b.value is None:
        return None
    return check_same_figure("balance", a, b, what=f"公开{table.number}表 收入总计与支出总计不等")


CARRY_OVER = ("年初结转和结余", "本年收入", "合计", "年末结转和结余")


def _carry_over(table: Table) -> Iterator[Finding]:
    labels = {c.label for c in table.columns}
    if not set(CARRY_OVER) <= labels:
        return
    opening, income, spent, closing = CARRY_OVER
    for row in table.rows:
        if not any(row.cells.get(label) is not None for label in CARRY_OVER):
            continue
        yield check_equal_sums(
            "balance",
            subject=f"公开{table.number}表 {row_text(row)}",
            left=[cell(table, row, opening), cell(table, row, income)],
            right=[cell(table, row, spent, "本年支出合计"), cell(table, row, closing)],
            left_name="年初结转和结余与本年收入之和",
        )


def _roots(facts: Facts, statement: str) -> list[Line]:
    """Top-level lines of a statement, without lines whose parent code is also listed."""
    lines = [x for x in facts.lines if x.statement == statement and x.parent is None]
    codes = {x.code for x in lines if x.code}
    return [x for x in lines if not (x.code and x.code[:-2] in codes and len(x.code) > 3)]


def _simple_against_expenditure(
    facts: Facts, rule: str, statement: str, subject: str
) -> Finding | None:
    parts, total = _roots(facts, statement), _roots(facts, "expenditure")
    if not parts or not total:
        return None
    return check_equal_sums(
        rule,
        subject=subject,
        left=[line_fig(x) for x in total],
        right=[line_fig(x) for x in parts],
        left_name="支出决算合计" if len(total) > 1 else "",
    )
