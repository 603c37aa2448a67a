"""What the engine returns, and the arithmetic every rule shares: sums, tolerance, sentences."""

from dataclasses import dataclass
from decimal import Decimal

from disclosure.core.money import MATERIAL_CHANGE, YUAN_PER_WAN, round_half_up
from disclosure.core.rows import row_label
from disclosure.models.findings import Severity

from .facts import Line, Row, Table

ZERO = Decimal(0)
PRINTED_PRECISION = Decimal(100)  # 0.01 万元 in 元: what a figure entered in 万元 is a multiple of
HALF_PRECISION = Decimal(50)  # the largest rounding error of such a figure
# A gap of this share between budget and final, or between two years, needs an explanation;
# the public page flags the same share: both read it, and is_material(), from core.money.
MATERIAL = MATERIAL_CHANGE


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    cells: tuple[tuple[str, Decimal | None], ...]  # (where the figure is printed, 元)
    difference: Decimal | None = None  # 元, signed as the sentence reads
    tolerance: Decimal = ZERO  # 元


@dataclass(frozen=True)
class Fig:
    """A figure in a check: its full place (for the auditor), its short name (for the sentence)."""

    label: str
    name: str
    value: Decimal | None


def wan_number(yuan: Decimal) -> str:
    """Two decimals as printed (140.82); every decimal of a figure entered to the fen."""
    value = yuan / YUAN_PER_WAN
    if yuan % PRINTED_PRECISION == 0:
        return f"{round_half_up(value):f}"
    return f"{value.normalize():f}"


def wan(yuan: Decimal | None) -> str:
    """With its unit (140.82 万元), or 空白 for a cell the table leaves blank."""
    return "空白" if yuan is None else f"{wan_number(yuan)} 万元"


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


def names(figs: list[Fig]) -> str:
    if len(figs) <= 4:
        return "、".join(f.name for f in figs)
    return f"{'、'.join(f.name for f in figs[:3])}等 {len(figs)} 项"


def tolerance_clause(diff: Decimal, tolerance: Decimal, count: int) -> str:
    if tolerance and abs(diff) <= tolerance:
        return (
            f"，在舍入容差 {wan(tolerance)}以内（{count} 个数字各按万元四舍五入保留两位小数，"
            "每个至多差 0.005 万元），属舍入差异。"
        )
    if tolerance:
        return f"，超出舍入容差 {wan(tolerance)}，不能用舍入解释。"
    return "。"


def severity_of(diff: Decimal, tolerance: Decimal, breach: str = Severity.ERROR) -> str:
    """A gap that rounding explains is a notice; any other gap is the rule's breach."""
    if tolerance and abs(diff) <= tolerance:
        return Severity.NOTICE
    return breach


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
    left_text = left_name or (left[0].name if len(left) == 1 else f"{names(left)}之和")
    right_text = right_prefix + (right[0].name if len(right) == 1 else f"{names(right)}之和")
    message = (
        f"{subject}：{left_text} {wan(left_sum)}，{right_text} {wan(right_sum)}，"
        f"相差 {wan(abs(diff))}" + tolerance_clause(diff, tolerance, len(figures))
    )
    return Finding(
        rule=rule,
        severity=severity_of(diff, tolerance),
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
        severity=Severity.ERROR,
        message=message,
        cells=((a.label, a.value), (b.label, b.value)),
        difference=diff,
    )


# Where a figure is printed: a cell of a standard table, or a line of a 2014 statement.


def row_text(row: Row) -> str:
    return row_label(code=row.code, name=row.name, key=row.key)


def cell_place(number: str, row: str, heading: str) -> str:
    """How a finding names a cell: 公开05表 2120101 行政运行（合计）. The table grid finds the
    cells a finding concerns by this name, so both build it here."""
    return f"公开{number}表 {row}（{heading}）"


def cell(table: Table, row: Row, label: str, name: str | None = None) -> Fig:
    column = next((c for c in table.columns if c.label == label and c.side in ("", row.side)), None)
    heading = "/".join(p for p in (column.group, label) if p) if column else label
    return Fig(
        label=cell_place(table.number, row_text(row), heading),
        name=name or heading,
        value=row.cells.get(label),
    )


STATEMENT_NAMES = {
    "income": "收入决算",
    "expenditure": "支出决算",
    "economic": "支出按性质分",
    "functional": "支出按功能分类",
}


def line_fig(line: Line) -> Fig:
    prefix = "其中：" if line.parent is not None else ""
    code = f"{line.code} " if line.code else ""
    return Fig(
        f"{STATEMENT_NAMES[line.statement]} {prefix}{code}{line.name}", line.name, line.amount
    )
