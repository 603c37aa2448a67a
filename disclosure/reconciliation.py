"""The reconciliation engine: every identity the stored figures allow, checked in one place.

Real disclosures break their own arithmetic (DOMAIN.md §3). `reconcile(facts)` evaluates every
rule in RULES on a Facts snapshot and returns Findings: the rule, a severity, the figures
involved with their values, the difference and the rounding tolerance, and a Chinese sentence.

Pure: no queries and no models here. reconciliation_selectors.load_facts() loads the snapshot
in a fixed number of queries; tests build Facts by hand. Amounts are exact Decimal 元.

Severity: `error` when figures contradict each other, `warning` when a figure needs an
explanation (a large gap between budget and final, or a large change on last year), `notice`
for what an auditor should see but is not wrong (an unitemised "其中" remainder, a gap that
rounding to 万元 explains).

Rounding: the documents print 万元 with two decimals, so a figure entered in 万元 is a whole
multiple of 100 元 and carries up to 0.005 万元 of rounding. A sum of such figures may miss its
printed total by half a hundredth of a 万元 per figure involved; a difference within that
tolerance is a `notice`, beyond it an `error`. A figure entered to the fen carries no rounding,
and the same figure printed twice must be equal: no tolerance there.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import TextChoices

ZERO = Decimal(0)
YUAN_PER_WAN = Decimal(10000)
PRINTED_PRECISION = Decimal(100)  # 0.01 万元 in 元: what a figure entered in 万元 is a multiple of
HALF_PRECISION = Decimal(50)  # the largest rounding error of such a figure
# A gap of this share between budget and final, or between two years, needs an explanation;
# the public page flags the same share (standard_selectors.MATERIAL_CHANGE).
MATERIAL = Decimal("0.10")

# The public tables by their national numbering (财预〔2016〕143号; 上海 2024 keeps it).
INCOME_EXPENDITURE, INCOME, EXPENDITURE, FISCAL = "01", "02", "03", "04"
GENERAL_BUDGET, BASIC, THREE_PUBLIC = "05", "06", "07"
FUND_BUDGET, CAPITAL_BUDGET = "08", "09"
TOTAL_LABELS = {"合计", "小计", "总计", "本年收入合计", "本年支出合计"}
INCOME_SIDE, EXPENDITURE_SIDE = "收入", "支出"


class Severity(TextChoices):
    ERROR = "error", "错误"
    WARNING = "warning", "警告"
    NOTICE = "notice", "提示"


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


# ---------------------------------------------------------------------------------------------
# The snapshot the engine reads


@dataclass(frozen=True)
class Column:
    label: str
    side: str = ""
    group: str = ""
    measure: str = "final"  # "final" (决算数) or "budget" (预算数)
    printed: bool = True


@dataclass
class Row:
    """A printed row of a standard-format table; `key` names it as ReportRow.key does."""

    key: str
    name: str
    code: str = ""
    side: str = ""
    panel: str = ""
    parent: str = ""  # the parent row's key; "" at the top level
    role: str = ""  # "", "subtotal" or "total"
    explanation: str = ""
    cells: dict[str, Decimal] = field(default_factory=dict)  # column label → 元

    @property
    def block(self) -> str:
        return self.side or self.panel


@dataclass
class Table:
    number: str
    columns: list[Column]
    rows: list[Row]
    two_sided: bool = False
    row_source: str = "fixed"  # "fixed", "functional" or "economic"

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def row_by_code(self, code: str) -> Row | None:
        return next((r for r in self.rows if r.code == code), None)

    def finals(self, side: str = "") -> list[Column]:
        """Printed 决算 columns of one side (two-sided tables) or of the whole table."""
        return [
            c
            for c in self.columns
            if c.printed and c.measure == "final" and (not self.two_sided or c.side == side)
        ]


@dataclass
class Line:
    """A figure of a 2014-format statement; a line with a parent is a "其中" of it."""

    id: int
    statement: str  # income, expenditure, economic, functional
    name: str
    amount: Decimal
    code: str = ""
    parent: int | None = None


@dataclass
class ThreePublic:
    """A 2014-format three-public amount (the standard format keeps them in table 07)."""

    item: str  # outbound, vehicle_purchase, vehicle_running, reception
    amount: Decimal | None
    explained: bool = False


@dataclass
class Facts:
    year: int
    lines: list[Line] = field(default_factory=list)
    three_public: list[ThreePublic] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    previous: "Facts | None" = None  # last year's published disclosure of the same agency


# ---------------------------------------------------------------------------------------------
# What the engine returns


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    cells: tuple[tuple[str, Decimal | None], ...]  # (where the figure is printed, 元)
    difference: Decimal | None = None  # 元, signed as the sentence reads
    tolerance: Decimal = ZERO  # 元

    @property
    def rule_name(self) -> str:
        return RULES_BY_CODE[self.rule].name if self.rule in RULES_BY_CODE else self.rule


@dataclass(frozen=True)
class Fig:
    """A figure in a check: its full place (for the auditor), its short name (for the sentence)."""

    label: str
    name: str
    value: Decimal | None


def wan_number(yuan: Decimal) -> str:
    """ "140.82": two decimals as printed; every decimal of a figure entered to the fen."""
    value = yuan / YUAN_PER_WAN
    if yuan % PRINTED_PRECISION == 0:
        return f"{value.quantize(Decimal('0.01')):f}"
    return f"{value.normalize():f}"


def wan(yuan: Decimal | None) -> str:
    """ "140.82 万元", or 空白 for a cell the table leaves blank."""
    return "空白" if yuan is None else f"{wan_number(yuan)} 万元"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rounding_tolerance(values: list[Decimal]) -> Decimal:
    """How far the two sides of an identity over these figures may drift through rounding.

    Half a hundredth of a 万元 for every figure that may have been rounded to 万元 (a whole
    multiple of 100 元); none when one side is a single figure equal to a single figure, since
    the same amount rounds the same way. When every figure was rounded the gap is a whole
    multiple of 100 元, so the tolerance is too.
    """
    if len(values) <= 2:
        return ZERO
    rounded = [v for v in values if v % PRINTED_PRECISION == 0]
    tolerance = HALF_PRECISION * len(rounded)
    if len(rounded) == len(values):
        tolerance = tolerance // PRINTED_PRECISION * PRINTED_PRECISION
    return tolerance


def _names(figs: list[Fig]) -> str:
    if len(figs) <= 4:
        return "、".join(f.name for f in figs)
    return f"{'、'.join(f.name for f in figs[:3])}等 {len(figs)} 项"


def _tolerance_clause(diff: Decimal, tolerance: Decimal, count: int) -> str:
    if tolerance and abs(diff) <= tolerance:
        return (
            f"，在舍入容差 {wan(tolerance)}以内（{count} 个数字各按万元四舍五入保留两位小数，"
            "每个至多差 0.005 万元），属舍入差异。"
        )
    if tolerance:
        return f"，超出舍入容差 {wan(tolerance)}，不能用舍入解释。"
    return "。"


def _severity(rule: str, diff: Decimal, tolerance: Decimal) -> str:
    if tolerance and abs(diff) <= tolerance:
        return Severity.NOTICE
    return RULES_BY_CODE[rule].severity


def check_equal_sums(
    rule: str,
    *,
    subject: str,
    left: list[Fig],
    right: list[Fig],
    left_name: str = "",
    right_prefix: str = "",
) -> Finding | None:
    """Σ left = Σ right, blanks skipped; None when it holds or when a side is all blank."""
    left = [f for f in left if f.value is not None]
    right = [f for f in right if f.value is not None]
    if not left or not right:
        return None
    left_sum = sum((f.value for f in left), ZERO)
    right_sum = sum((f.value for f in right), ZERO)
    diff = left_sum - right_sum
    if diff == 0:
        return None
    figures = left + right
    tolerance = rounding_tolerance([f.value for f in figures])
    left_text = left_name or (left[0].name if len(left) == 1 else f"{_names(left)}之和")
    right_text = right_prefix + (right[0].name if len(right) == 1 else f"{_names(right)}之和")
    message = (
        f"{subject}：{left_text} {wan(left_sum)}，{right_text} {wan(right_sum)}，"
        f"相差 {wan(abs(diff))}" + _tolerance_clause(diff, tolerance, len(figures))
    )
    return Finding(
        rule=rule,
        severity=_severity(rule, diff, tolerance),
        message=message,
        cells=tuple((f.label, f.value) for f in figures),
        difference=diff,
        tolerance=tolerance,
    )


def check_same_figure(rule: str, a: Fig, b: Fig, *, what: str) -> Finding | None:
    """The same amount printed in two places: a blank where the other prints a figure is 0."""
    if a.value is None and b.value is None:
        return None
    diff = (a.value or ZERO) - (b.value or ZERO)
    if diff == 0:
        return None
    message = (
        f"{what}：{a.label}为 {wan(a.value)}，{b.label}为 {wan(b.value)}，相差 {wan(abs(diff))}。"
        "同一数字只能有一个值，舍入不能解释这一差异。"
    )
    return Finding(
        rule=rule,
        severity=RULES_BY_CODE[rule].severity,
        message=message,
        cells=((a.label, a.value), (b.label, b.value)),
        difference=diff,
    )


# ---------------------------------------------------------------------------------------------
# Standard-format helpers: a figure is a cell (table, row, column)


def row_text(row: Row) -> str:
    return f"{row.code} {row.name}" if row.code else row.key


def cell(table: Table, row: Row, label: str, name: str | None = None) -> Fig:
    column = next((c for c in table.columns if c.label == label and c.side in ("", row.side)), None)
    heading = "/".join(p for p in (column.group, label) if p) if column else label
    return Fig(
        label=f"公开{table.number}表 {row_text(row)}（{heading}）",
        name=name or heading,
        value=row.cells.get(label),
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


# ---------------------------------------------------------------------------------------------
# The rules


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


def class_total(facts: Facts) -> Iterator[Finding]:
    """Σ functional 类 = the expenditure total (01/04 本年支出合计, the 合计 row of 02/03/05),
    Σ economic 类 = 人员经费合计 / 公用经费合计 (06); 2014: Σ functional = expenditure total."""
    for table in _coded_tables(facts):
        for rows in _blocks(table).values():
            classes = [r for r in rows if len(r.code) == 3]
            if not classes:
                continue
            for total in (r for r in rows if r.role == "total"):
                for label in _labels_of(table, [total]):
                    yield check_equal_sums(
                        "class_total",
                        subject=f"公开{table.number}表 {total.name}（{label}）",
                        left=[cell(table, total, label, total.name)],
                        right=[cell(table, r, label, r.code) for r in classes],
                        right_prefix="各类科目 ",
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
    for parent in (x for x in top if len(x.code) in (3, 5)):
        children = [
            x
            for x in top
            if x.statement == parent.statement
            and len(x.code) == len(parent.code) + 2
            and x.code.startswith(parent.code)
        ]
        if children:
            yield check_equal_sums(
                "code_children",
                subject=STATEMENT_NAMES[parent.statement],
                left=[Fig(_line_fig(parent).label, f"{parent.code} {parent.name}", parent.amount)],
                right=[Fig(_line_fig(x).label, x.code, x.amount) for x in children],
                right_prefix="下级科目 ",
            )


def _of_which_groups(facts: Facts) -> Iterator[tuple[str, Fig, list[Fig]]]:
    """Every "其中" breakdown: 2014 lines with a parent line, standard rows with a parent row
    (07's vehicle rows are a full breakdown, checked by three_public_vehicle)."""
    for parent in facts.lines:
        children = [x for x in facts.lines if x.parent == parent.id]
        if children and parent.amount is not None:
            subject = STATEMENT_NAMES[parent.statement]
            yield subject, _line_fig(parent), [_line_fig(x) for x in children]
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
            severity=_severity("of_which_exceeds", excess, tolerance),
            message=(
                f"{subject}：{parent.name} {wan(parent.value)}，但其“其中”{_names(children)}"
                f"合计 {wan(listed)}，超出 {wan(excess)}，“其中”部分不能大于总数"
                + _tolerance_clause(excess, tolerance, len(figures))
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
                f"未列明 {wan(remainder)}（“其中”只列出了{_names(children)}，"
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
    income = [_line_fig(x) for x in _roots(facts, "income")]
    expenditure = [_line_fig(x) for x in _roots(facts, "expenditure")]
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
        if a is None or b is None:
            continue
        for row_b in (r for r in b.rows if len(r.code) == 3):
            row_a = a.row(f"{EXPENDITURE_SIDE}/{row_b.name}")
            if row_a is not None:
                yield check_same_figure(
                    "cross_table",
                    cell(a, row_a, la),
                    cell(b, row_b, lb),
                    what=f"{row_b.name}（类）在两张表中不一致",
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
            yield _item_against_code(_item_fig(amounts[item]), _line_fig(economic[code]))


def _item_against_code(item: Fig, coded: Fig) -> Finding | None:
    if item.value is None or coded.value is None or item.value == coded.value:
        return None
    diff = item.value - coded.value
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
                old = last.row(row.key)
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
                if b is None or f is None or row.explanation or not _material(f - b, b):
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


def _material(change: Decimal, base: Decimal) -> bool:
    if base == 0:
        return change != 0
    return abs(change) >= abs(base) * MATERIAL


def change_on_last_year(facts: Facts) -> Iterator[Finding]:
    """A change of 10% or more on last year's published figure needs an explanation (the main
    决算 column of each table, as the public page flags it; 2014 statements and 三公 items)."""
    previous = facts.previous
    if previous is None:
        return
    for table in facts.tables.values():
        last = previous.tables.get(table.number)
        for row in table.rows if last else []:
            finals, old = table.finals(row.side), last.row(row.key)
            if not finals or old is None or row.explanation:
                continue
            label = finals[0].label
            now, then = row.cells.get(label), old.cells.get(label)
            yield _change(facts, cell(table, row, label), now, then)
    old_lines = {_line_key(previous, x): x for x in previous.lines}
    for line in facts.lines:
        old = old_lines.get(_line_key(facts, line))
        if old is not None:
            yield _change(facts, _line_fig(line), line.amount, old.amount)
    old_items = {r.item: r for r in previous.three_public}
    for record in facts.three_public:
        old = old_items.get(record.item)
        if old is not None and not record.explained:
            fig = _item_fig(record)
            yield _change(facts, fig, record.amount, old.amount)


def _line_key(facts: Facts, line: Line) -> tuple:
    parent = next((x.name for x in facts.lines if x.id == line.parent), "")
    return line.statement, line.code or line.name, parent


def _change(facts: Facts, fig: Fig, now, then) -> Finding | None:
    # As on the public page: no rate of change on a zero base.
    if now is None or then is None or not then or not _material(now - then, then):
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


# ---------------------------------------------------------------------------------------------
# 2014 format helpers

STATEMENT_NAMES = {
    "income": "收入决算",
    "expenditure": "支出决算",
    "economic": "支出按性质分",
    "functional": "支出按功能分类",
}


ITEM_NAMES = {item: key.rsplit("/", 1)[-1] for item, key, _code in THREE_PUBLIC_CODES}


def _item_fig(record: ThreePublic) -> Fig:
    name = ITEM_NAMES[record.item]
    return Fig(f"“三公”经费 {name}", name, record.amount)


def _line_fig(line: Line) -> Fig:
    prefix = "其中：" if line.parent is not None else ""
    code = f"{line.code} " if line.code else ""
    return Fig(
        f"{STATEMENT_NAMES[line.statement]} {prefix}{code}{line.name}", line.name, line.amount
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
        left=[_line_fig(x) for x in total],
        right=[_line_fig(x) for x in parts],
        left_name="支出决算合计" if len(total) > 1 else "",
    )


# ---------------------------------------------------------------------------------------------
# The registry: one list, one place


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # when the identity fails beyond rounding
    check: Callable[[Facts], Iterable[Finding | None]]


RULES = [
    Rule("three_public_total", "“三公”经费合计 = 各项之和", Severity.ERROR, three_public_total),
    Rule(
        "three_public_vehicle",
        "公务用车购置及运行维护费 = 购置费 + 运行维护费",
        Severity.ERROR,
        three_public_vehicle,
    ),
    Rule("columns_total", "合计 = 基本支出 + 项目支出等各栏之和", Severity.ERROR, columns_total),
    Rule("class_total", "各类科目之和 = 合计", Severity.ERROR, class_total),
    Rule("code_children", "下级科目之和 = 上级科目", Severity.ERROR, code_children),
    Rule("of_which_exceeds", "“其中”各项不超过总数", Severity.ERROR, of_which_exceeds),
    Rule("of_which_remainder", "“其中”未列明的部分", Severity.NOTICE, of_which_remainder),
    Rule("balance", "收入 = 支出（含结转和结余）", Severity.ERROR, balance),
    Rule("personnel_public", "基本支出 = 人员经费 + 公用经费", Severity.ERROR, personnel_public),
    Rule("cross_table", "同一数字在各表中一致", Severity.ERROR, cross_table),
    Rule(
        "three_public_economic",
        "“三公”经费与经济分类科目（30212、30217、30231、31013）相符",
        Severity.ERROR,
        three_public_economic,
    ),
    Rule("prior_year", "上年数 = 上年已公开的决算数", Severity.ERROR, prior_year),
    Rule("budget_final", "预算数与决算数差异达 10% 需说明", Severity.WARNING, budget_final),
    Rule("change_on_last_year", "较上年变动达 10% 需说明", Severity.WARNING, change_on_last_year),
]
RULES_BY_CODE = {rule.code: rule for rule in RULES}
RULE_ORDER = {rule.code: i for i, rule in enumerate(RULES)}


def reconcile(facts: Facts) -> list[Finding]:
    """Every finding of every rule: errors first, then warnings, then notices, in rule order."""
    findings = [f for rule in RULES for f in rule.check(facts) if f is not None]
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], RULE_ORDER[f.rule]))
