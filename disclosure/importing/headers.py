"""What a public table's printed header means: the words (from the table formats in the
database, plus the variants agencies print), and each column's role (name, code, value).

Agencies print the same table with different headers: 项目 spanning the code and name columns,
经济分类 / 科目编码 on two rows, 小计 under 本年支出, 公务用车运行费 for 公务用车运行维护费.
A header is read bottom-up: the lowest word of a column decides what it holds, so 项目 above
功能分类科目编码 is a code column and 项目 above 科目名称 a name column.
"""

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .parsing import label_key
from .records import ImportFileError

NAME_HEADERS = {
    label_key(x)
    for x in ("项目", "科目名称", "项目名称", "支出功能分类科目名称")
    # as the 部门预算 heads its name columns
    + ("功能分类科目名称", "经济分类科目名称")
}
CODE_HEADERS = {
    label_key(x)
    for x in ("科目编码", "功能分类科目编码", "经济分类科目编码", "编码", "经济分类", "功能分类")
    + ("部门预算经济分类科目编码",)  # the 部门预算's table 8
}
CODE_PARTS = {"类": 0, "款": 1, "项": 2}
IGNORED = {label_key(x) for x in ("栏次", "行次", "序号")}
# What every column of a 决算 table measures, printed by some agencies on a header row of its own
# under each column heading (本年收入合计 / 决算数): it says nothing the heading does not.
MEASURES = {label_key("决算数")}
SUBTOTAL = "小计"
# Names printed for the format's rows and columns (公开07表 is headed either way in Shanghai).
ALIASES = {
    label_key(printed): canonical
    for printed, canonical in (
        ("公务用车购置及运行费", "公务用车购置及运行维护费"),
        ("公务用车运行费", "公务用车运行维护费"),
        ("因公出国（境）费用", "因公出国（境）费"),
        ("因公出国(境)费", "因公出国（境）费"),
        # The 部门预算's table 9: its banner is the measure, its vehicle parts are short, and
        # 机关运行经费 is headed with its measure.
        ("“三公”经费预算数", "预算数"),
        ("购置费", "公务用车购置费"),
        ("运行费", "公务用车运行维护费"),
        ("机关运行经费预算数", "机关运行经费"),
    )
}
# A group's 小计 column is its total column.
GROUP_TOTALS = ("合计", "小计")


def is_caption(key: str) -> bool:
    """A caption over all of a table's columns naming its measure (一般公共预算财政拨款支出决算数
    over 合计 / 基本支出 / 项目支出): it names no column of its own."""
    return any(key.endswith(m) and key != m for m in MEASURES)


def canonical(text: str) -> str:
    return ALIASES.get(label_key(text), text)


@dataclass
class Vocabulary:
    """What the header words of one public table mean (from the table formats in the database)."""

    number: str
    title: str
    labels: dict = field(default_factory=dict)  # label key → [(side, group, label)]
    groups: set = field(default_factory=set)
    sides: set = field(default_factory=set)
    panels: list = field(default_factory=list)  # in printed order
    rows: list = field(default_factory=list)  # (side, panel, name, parent_name, ordinal)
    row_names: set = field(default_factory=set)

    @staticmethod
    def knows(key: str, tokens: set) -> bool:
        """A word this table's header may print: one of its tokens, or a caption."""
        return key in tokens or is_caption(key)

    def tokens(self) -> set:
        measured = {side + m for side in self.sides for m in MEASURES}
        return (
            (set(self.labels) | self.groups | self.sides | measured | self.row_names)
            | {label_key(p) for p in self.panels}
            | NAME_HEADERS
            | CODE_HEADERS
            | set(CODE_PARTS)
            | IGNORED
            | MEASURES
            | set(ALIASES)
            | {SUBTOTAL}
        )

    def side_of(self, key: str) -> str:
        """The side (收入/支出) a two-sided table's header word names: the side itself, the side
        with its measure (收入决算数), or a heading ending with it that is no column or row of
        the table (the 部门预算 heads its sides 本年收入/本年支出 and 财政拨款收入/财政拨款支出)."""
        if key in self.sides:
            return key
        for side in self.sides:  # 收入决算数: the side with its measure
            if any(key == side + m for m in MEASURES):
                return side
        if key in self.labels or key in self.row_names:
            return ""
        return next((side for side in self.sides if key.endswith(side)), "")

    def expected(self) -> str:
        """The column labels a clerk may print, for a refusal's "应为"."""
        return "、".join(dict.fromkeys(c[2] for cs in self.labels.values() for c in cs))


def vocabularies(kind: str = "final") -> dict[str, Vocabulary]:
    """The words of the tables of one document kind's table sets, by table number: the 决算's
    公开01–09表 and the 预算's tables 1–9 share numbers, not words."""
    from disclosure.models import TableSpec
    from disclosure.models.disclosure import table_sets_of

    found: dict[str, Vocabulary] = {}
    specs = (
        TableSpec.objects.filter(table_sets_of(kind))
        .prefetch_related("columns", "row_specs")
        .order_by("-pk")
    )
    for spec in specs:
        vocab = found.setdefault(spec.number, Vocabulary(spec.number, spec.title))
        for c in spec.columns.all():
            vocab.labels.setdefault(label_key(c.label), []).append((c.side, c.group, c.label))
            if c.group:
                vocab.groups.add(label_key(c.group))
            if c.side:
                vocab.sides.add(label_key(c.side))
        if not vocab.rows:
            for r in spec.row_specs.all():
                vocab.rows.append((r.side, r.panel, r.name, r.parent_name, r.ordinal))
        for r in spec.row_specs.all():
            if r.panel and r.panel not in vocab.panels:
                vocab.panels.append(r.panel)
        vocab.row_names |= {label_key(r.name) for r in spec.row_specs.all()}
    return found


@dataclass
class Column:
    index: int
    kind: str  # name, code, value, ignored
    block: str = ""  # side or panel
    part: int | None = None  # 类/款/项 for split code columns
    label: str = ""  # the long layout's 栏目: group/label
    row_path: tuple = ()  # transposed tables: the row names this column belongs to
    header: str = ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


def refusal(sheet: str, row: int, index: int, found: str, expected: str) -> ImportFileError:
    """A refusal that names the sheet, row, column and cell, what was found and what was
    expected."""
    letter = get_column_letter(index + 1)
    return ImportFileError(
        f"工作表“{sheet}”第 {row} 行 {letter} 列（单元格 {letter}{row}）：{found}，应为{expected}。"
    )


def header_columns(sheet: str, header: list, first_row: int, vocab: Vocabulary) -> list[Column]:
    """Each column of the header rows (merged cells already filled in), read bottom-up."""
    width = max(len(r) for r in header)
    columns = []
    for index in range(width):
        path, rows = [], []
        for offset, row in enumerate(header):
            text = row[index] if index < len(row) else ""
            # Compared as read: a merged cell repeats its printed word, which an alias changes.
            if text and (not path or path[-1] != canonical(text)):
                path.append(canonical(text))
                rows.append(first_row + offset)
        columns.append(_column(sheet, vocab, index, path, rows))
    return _codes_under_one_name(columns)


def _column(sheet: str, vocab: Vocabulary, index: int, path: list, rows: list) -> Column:
    keys = [label_key(p) for p in path]
    pairs = list(zip(path, keys, strict=True))
    block = next((side for k in keys if (side := vocab.side_of(k))), "")
    panels = {label_key(p): p for p in vocab.panels}
    block = block or next((panels[k] for k in keys if k in panels), "")
    header = "/".join(path)
    if not path or any(k in IGNORED for k in keys):
        return Column(index, "ignored", header=header)
    for key in reversed(keys):  # the lowest header word decides
        if key in NAME_HEADERS:
            return Column(index, "name", block, header=header)
        if key in CODE_HEADERS or key in CODE_PARTS:
            part = next((CODE_PARTS[k] for k in keys if k in CODE_PARTS), None)
            return Column(index, "code", block, part=part, header=header)
    group = next((p for p, k in pairs if k in vocab.groups), "")
    label = next((p for p, k in pairs if k in vocab.labels), "")
    if not label and group and keys[-1] == label_key(SUBTOTAL):
        label = _group_total(vocab, group)
    measures = {c[2] for cs in vocab.labels.values() for c in cs}
    if not label and len(measures) == 1 and all(k in vocab.row_names for k in keys):
        # A transposed table of one measure (the budget's 机关运行经费预算数 column) names
        # only its row: the column is that measure.
        label = next(iter(measures))
    if not label:
        tokens = vocab.tokens()
        unknown = next((i for i, k in enumerate(keys) if not vocab.knows(k, tokens)), len(keys) - 1)
        raise refusal(
            sheet,
            rows[unknown],
            index,
            f"表头为“{path[unknown]}”（整列表头：{header}），不是公开{vocab.number}表的栏目",
            f"以下栏目之一：{vocab.expected()}",
        )
    row_path = tuple(p for p, k in pairs if k in vocab.row_names or p == SUBTOTAL)
    return Column(
        index,
        "value",
        block,
        label="/".join(x for x in (group, label) if x),
        row_path=row_path,
        header=header,
    )


def _group_total(vocab: Vocabulary, group: str) -> str:
    """The total column of a column group (本年支出/合计), which some agencies head 小计."""
    for cs in vocab.labels.values():
        for _side, g, label in cs:
            if label_key(g) == label_key(group) and label in GROUP_TOTALS:
                return label
    return ""


def _codes_under_one_name(columns: list[Column]) -> list[Column]:
    """项目 printed once across the code and name columns: the leftmost are the code (类, 款,
    项 when there are three more), the last the name."""
    runs: list[list[Column]] = []
    for c in columns:
        run = runs[-1] if runs else None
        if (
            c.kind == "name"
            and run
            and run[-1].kind == "name"
            and run[-1].index == c.index - 1
            and (run[-1].header, run[-1].block) == (c.header, c.block)
        ):
            run.append(c)
        else:
            runs.append([c])
    for run in runs:
        if len(run) > 1:
            codes = run[:-1]
            for part, c in enumerate(codes):
                c.kind = "code"
                c.part = part if len(codes) == 3 else None
    return columns
