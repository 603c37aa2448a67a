"""The snapshot the engine reads: a disclosure's figures as plain data, loaded elsewhere."""

from dataclasses import dataclass, field
from decimal import Decimal

# The public tables by their national numbering (财预〔2016〕143号; 上海 2024 keeps it).
INCOME_EXPENDITURE, INCOME, EXPENDITURE, FISCAL = "01", "02", "03", "04"
GENERAL_BUDGET, BASIC, THREE_PUBLIC = "05", "06", "07"
FUND_BUDGET, CAPITAL_BUDGET = "08", "09"
TOTAL_LABELS = {"合计", "小计", "总计", "本年收入合计", "本年支出合计"}
INCOME_SIDE, EXPENDITURE_SIDE = "收入", "支出"


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
    # The functional 类 a summary table's row stands for (01/04 print names, not codes).
    class_code: str = ""
    ordinal: str = ""  # 一、二 … as printed

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
    # The measure of the document's own figures: a 决算's are 决算数, a 预算's 预算数. The rules
    # inside one table (totals, classes, balance) check these columns.
    own_measure: str = "final"

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def counterpart(self, row: Row) -> Row | None:
        """This table's row for another table's (or year's) row: by the 类 code a named
        class row stands for, else by key (the code, or the fixed row's place and name)."""
        if row.class_code:
            same = (r for r in self.rows if r.class_code == row.class_code and r.side == row.side)
            if (found := next(same, None)) is not None:
                return found
        return self.row(row.key)

    def row_by_code(self, code: str) -> Row | None:
        return next((r for r in self.rows if r.code == code), None)

    def finals(self, side: str = "") -> list[Column]:
        """Printed columns of the document's own figures (决算数 of a 决算, 预算数 of a 预算)
        of one side (two-sided tables) or of the whole table."""
        return [
            c
            for c in self.columns
            if c.printed
            and c.measure == self.own_measure
            and (not self.two_sided or c.side == side)
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
    """A three-public record: its amount where the format keeps it there (2014; the standard
    format keeps it in table 07, amount None) and the clerk's 同比 remark."""

    item: str  # outbound, vehicle_purchase, vehicle_running, reception
    amount: Decimal | None
    explained: bool = False
    remark: str = ""  # 同比 text as published, e.g. 同比下降9.6%


@dataclass(frozen=True)
class Stated:
    """A figure only the 情况说明 states (NarrativeFigure), in its own unit (万元, % …)."""

    key: str
    label: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class Statement:
    """A stated figure printed where the words name a table cell (formats.paste.statements)."""

    key: str
    words: str  # the words before the figure, as printed
    value: Decimal  # 元
    cell: str  # where the cell is printed: 公开06表 人员经费/人员经费合计（决算数）
    cell_value: Decimal  # 元


@dataclass
class Facts:
    year: int
    lines: list[Line] = field(default_factory=list)
    three_public: list[ThreePublic] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    previous: "Facts | None" = None  # last year's published disclosure of the same agency
    narrative: list[Stated] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    kind: str = "final"  # the document: "final" (部门决算) or "budget" (部门预算)
    # A 决算's year's published 部门预算, whose figures its printed 预算数 should repeat.
    budget: "Facts | None" = None
