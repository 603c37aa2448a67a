"""The per-table XLSX layout: one sheet per public table, laid out as agencies print it.

A sheet has a title (收入支出决算总表, 公开01表), a line with the agency, year and unit
(部门：… 2024年度 单位：万元), a header of one or more rows (merged cells, 收入/支出 sides,
人员经费/公用经费 panels, column groups such as 本年支出, 类/款/项 code columns), the rows, and
notes (注：…). Table 07 is often printed transposed: items across, one row of figures. Each sheet
becomes long-layout records, so it is validated exactly like a CSV.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .parsing import cell_text, label_key, normalise
from .records import ImportFileError, Record

NAME_HEADERS = {label_key(x) for x in ("项目", "科目名称", "项目名称", "支出功能分类科目名称")}
CODE_HEADERS = {label_key(x) for x in ("科目编码", "功能分类科目编码", "经济分类科目编码", "编码")}
CODE_PARTS = {"类": 0, "款": 1, "项": 2}
IGNORED = {label_key(x) for x in ("栏次", "行次", "序号")}
SUBTOTAL = "小计"
TABLE_MARK = re.compile(r"公开\s*(\d{1,2})\s*表")
META = re.compile(r"(编制单位|单位名称|部门名称|部门|金额单位|单位)\s*[:：]\s*([^\s:：]+)")
YEAR = re.compile(r"(\d{4})\s*年度")
NUMERALS = "一二三四五六七八九十"
ORDINAL = re.compile(rf"^(?P<ordinal>[{NUMERALS}]+|（[{NUMERALS}]+）)[、.．]?\s*")
NOTE = re.compile(r"^(注|说明)\s*[:：]")
OF_WHICH = re.compile(r"^其中\s*[:：]\s*")


@dataclass
class Vocabulary:
    """What the header words of one public table mean (from the table formats in the database)."""

    number: str
    title: str
    labels: dict = field(default_factory=dict)  # label key → [(side, group, label)]
    groups: set = field(default_factory=set)
    sides: set = field(default_factory=set)
    panels: set = field(default_factory=set)
    rows: list = field(default_factory=list)  # (side, panel, name, parent_name, ordinal)
    row_names: set = field(default_factory=set)

    def tokens(self) -> set:
        return (
            (set(self.labels) | self.groups | self.sides | self.panels | self.row_names)
            | NAME_HEADERS
            | CODE_HEADERS
            | set(CODE_PARTS)
            | IGNORED
            | {SUBTOTAL}
        )


def vocabularies() -> dict[str, Vocabulary]:
    from disclosure.models import TableSpec

    found: dict[str, Vocabulary] = {}
    specs = TableSpec.objects.prefetch_related("columns", "row_specs").order_by("-pk")
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
        vocab.panels |= {label_key(r.panel) for r in spec.row_specs.all() if r.panel}
        vocab.row_names |= {label_key(r.name) for r in spec.row_specs.all()}
    return found


def table_sheet_records(book) -> Iterator[Record]:
    vocabs = vocabularies()
    found = False
    for ws in book.worksheets:
        rows = _filled(ws)
        if not any(any(c != "" for c in row) for row in rows):
            continue
        found = True
        yield from Sheet(ws.title, rows, _identify(ws.title, rows, vocabs)).records()
    if not found:
        raise ImportFileError(
            "没有找到可导入的数据：第一行应为导入模板的列名，或每张工作表是一张公开表。"
        )


def _filled(ws) -> list[list[str]]:
    """The sheet as text, with every cell of a merged range holding the range's value."""
    rows = []
    for r, row in enumerate(ws.iter_rows(values_only=True), 1):
        try:
            rows.append([cell_text(v) for v in row])
        except ValueError as exc:
            raise ImportFileError(f"工作表“{ws.title}”第 {r} 行：{exc}") from None
    for merged in ws.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                rows[r - 1][c - 1] = value
    return rows


def _identify(title: str, rows: list, vocabs: dict) -> Vocabulary:
    numbers = set()
    by_title = {label_key(v.title): n for n, v in vocabs.items()}
    for text in [title] + [c for row in rows[:8] for c in row if c]:
        if match := TABLE_MARK.search(normalise(text)):
            numbers.add(match[1].zfill(2))
        key = label_key(text)
        # The longest title the text ends with: 财政拨款收入支出决算总表 is table 04, not 01.
        suffixes = sorted((t for t in by_title if key.endswith(t)), key=len)
        if suffixes:
            numbers.add(by_title[suffixes[-1]])
    if len(numbers) == 1 and (number := numbers.pop()) in vocabs:
        return vocabs[number]
    if len(numbers) > 1:
        found = "、".join(sorted(numbers))
        raise ImportFileError(f"工作表“{title}”：表号与表名不一致（{found}）。")
    raise ImportFileError(f"工作表“{title}”：无法识别是哪一张公开表，请保留“公开05表”字样或表名。")


@dataclass
class Column:
    index: int
    kind: str  # name, code, value, ignored
    block: str = ""  # side or panel
    part: int | None = None  # 类/款/项 for split code columns
    label: str = ""  # the long layout's 栏目: group/label
    row_path: tuple = ()  # transposed tables: the row names this column belongs to
    header: str = ""


class Sheet:
    def __init__(self, title: str, rows: list, vocab: Vocabulary):
        self.title, self.rows, self.vocab = title, rows, vocab
        self.tokens = vocab.tokens()
        self.agency, self.year, self.unit = self._meta()

    def _meta(self):
        agency = year = unit = ""
        start = self._header_start()
        for row in self.rows[:start]:
            for text in row:
                for key, value in META.findall(text):
                    if value in ("元", "万元"):
                        unit = value
                    elif key != "金额单位":
                        agency = value
                if match := YEAR.search(text):
                    year = match[1]
        return agency, year, unit or None

    def _is_token_row(self, row) -> bool:
        cells = [label_key(c) for c in row if c]
        return bool(cells) and all(c in self.tokens for c in cells)

    def _header_start(self) -> int:
        for i, row in enumerate(self.rows):
            if self._is_token_row(row):
                return i
        raise ImportFileError(f"工作表“{self.title}”：找不到表头（如“项目”“科目名称”及栏目名）。")

    def _header(self) -> tuple[list[list[str]], int]:
        start = self._header_start()
        header, names, i = [self.rows[start]], self._name_columns(self.rows[start]), start + 1
        while i < len(self.rows):
            row = self.rows[i]
            first = next((label_key(c) for c in row if c), "")
            if first in IGNORED:
                i += 1
                continue
            named = [row[c] for c in names if c < len(row) and row[c]]
            if not self._is_token_row(row) or any(label_key(n) not in NAME_HEADERS for n in named):
                break  # a row name where the header had 项目: the first row of figures
            header.append(row)
            names |= self._name_columns(row)
            i += 1
        return header, i

    @staticmethod
    def _name_columns(row) -> set:
        return {i for i, c in enumerate(row) if label_key(c) in NAME_HEADERS}

    def columns(self, header) -> list[Column]:
        width = max(len(r) for r in header)
        columns = []
        for index in range(width):
            path = []
            for row in header:
                text = row[index] if index < len(row) else ""
                if text and (not path or path[-1] != text):
                    path.append(text)
            columns.append(self._column(index, path))
        return columns

    def _column(self, index: int, path: list[str]) -> Column:
        keys = [label_key(p) for p in path]
        block = next((p for p, k in zip(path, keys, strict=True) if k in self.vocab.sides), "")
        block = block or next(
            (p for p, k in zip(path, keys, strict=True) if k in self.vocab.panels), ""
        )
        header = "/".join(path)
        if not path or any(k in IGNORED for k in keys):
            return Column(index, "ignored", header=header)
        if any(k in NAME_HEADERS for k in keys):
            return Column(index, "name", block, header=header)
        if any(k in CODE_HEADERS or k in CODE_PARTS for k in keys):
            part = next((CODE_PARTS[k] for k in keys if k in CODE_PARTS), None)
            return Column(index, "code", block, part=part, header=header)
        label = next((p for p, k in zip(path, keys, strict=True) if k in self.vocab.labels), "")
        if not label:
            raise ImportFileError(f"工作表“{self.title}”：无法识别表头“{header}”。")
        group = next((p for p, k in zip(path, keys, strict=True) if k in self.vocab.groups), "")
        row_path = tuple(
            p for p, k in zip(path, keys, strict=True) if k in self.vocab.row_names or p == SUBTOTAL
        )
        return Column(
            index,
            "value",
            block,
            label="/".join(x for x in (group, label) if x),
            row_path=row_path,
            header=header,
        )

    def records(self) -> Iterator[Record]:
        header, first_data = self._header()
        columns = self.columns(header)
        data = []
        for number, row in enumerate(self.rows[first_data:], first_data + 1):
            text = next((c for c in row if c), "")
            if NOTE.match(text):
                break
            data.append((number, row))
        if not any(c.kind == "name" for c in columns):
            yield from self._transposed(columns, data)
            return
        blocks = list(dict.fromkeys(c.block for c in columns if c.kind != "ignored"))
        for block in blocks:
            yield from self._block(block, [c for c in columns if c.block == block], data)

    def _record(self, number: int, **values) -> Record:
        values.setdefault("agency", self.agency)
        values.setdefault("year", self.year)
        values["table"] = f"公开{self.vocab.number}表 {self.vocab.title}"
        origins = values.pop("origins", {})
        ordinal = values.pop("ordinal", None)
        return Record(
            row=number,
            values=values,
            sheet=self.title,
            origins=origins,
            ordinal=ordinal,
            unit=self.unit,
        )

    def _block(self, block: str, columns: list[Column], data) -> Iterator[Record]:
        names = [c for c in columns if c.kind == "name"]
        if len(names) != 1:
            raise ImportFileError(f"工作表“{self.title}”：{block or '表'}中应有一列项目名称。")
        name_col = names[0]
        codes = [c for c in columns if c.kind == "code"]
        values = [c for c in columns if c.kind == "value"]
        specs = RowSpecs(self.vocab, block)
        carried: list[str] = ["", ""]
        for number, row in data:
            raw_name = _at(row, name_col)
            figures = [(c, _at(row, c)) for c in values if _at(row, c)]
            code = _code([(c.part, _at(row, c)) for c in codes], carried)
            if not raw_name and not figures and not code:
                continue
            ordinal, name = _split_name(raw_name)
            parent, spec_ordinal = specs.match(name) if not code else ("", None)
            context = "/".join(x for x in (block, parent) if x)
            common = {
                "code": code,
                "name": name,
                "context": context,
                "ordinal": ordinal or spec_ordinal,
            }
            origin = {"name": f"{get_column_letter(name_col.index + 1)} 列"}
            if not values:
                yield self._record(number, **common, column="", amount=None, origins=origin)
            # Every printed column, blank ones too: the sheet is the whole table, so a blank
            # cell means "no figure" and replaces one the disclosure had.
            for column in values:
                value = _at(row, column)
                letter = get_column_letter(column.index + 1)
                origins = origin | {
                    "amount": f"{letter} 列（{column.header}）",
                    "column": f"{letter} 列（{column.header}）",
                }
                yield self._record(
                    number, **common, column=column.label, amount=value or None, origins=origins
                )

    def _transposed(self, columns: list[Column], data) -> Iterator[Record]:
        values = [c for c in columns if c.kind == "value"]
        if not values or any(not c.row_path for c in values):
            raise ImportFileError(f"工作表“{self.title}”：找不到项目名称列。")
        for number, row in data:
            for column in values:
                value = row[column.index] if column.index < len(row) else ""
                path = [p for p in column.row_path if p != SUBTOTAL]
                name, parent = path[-1], "/".join(path[:-1])
                letter = get_column_letter(column.index + 1)
                origins = {"amount": f"{letter} 列（{column.header}）"}
                yield self._record(
                    number,
                    code="",
                    name=name,
                    context="/".join(x for x in (column.block, parent) if x),
                    column=column.label,
                    amount=value or None,
                    origins=origins,
                )


class RowSpecs:
    """A fixed table's rows in printed order: which parent and ordinal a printed name has."""

    def __init__(self, vocab: Vocabulary, block: str):
        key = label_key(block)
        self.rows = [
            r for r in vocab.rows if label_key(r[0]) == key or label_key(r[1]) == key or not key
        ]
        self.cursor = 0

    def match(self, name: str) -> tuple[str, str | None]:
        key = label_key(name)
        for i in range(self.cursor, len(self.rows)):
            if label_key(self.rows[i][2]) == key:
                self.cursor = i + 1
                return self.rows[i][3], self.rows[i][4] or None
        return "", None


def _at(row: list, column: Column) -> str:
    return row[column.index] if column.index < len(row) else ""


def _split_name(text: str) -> tuple[str | None, str]:
    text = OF_WHICH.sub("", text.strip())
    if match := ORDINAL.match(text):
        return match["ordinal"], text[match.end() :].strip()
    return None, text


def _code(parts: list[tuple[int | None, str]], carried: list[str]) -> str:
    """类/款/项 columns (208 | 05 | 01) or one code column (2080501) → 2080501."""
    given = [(part, normalise(text)) for part, text in parts if normalise(text)]
    if not given:
        return ""
    part, text = given[-1]
    if part is not None and len(text) == 2 and part > 0:
        same_row = {p: t for p, t in given}
        klass = same_row.get(0) or carried[0]
        kuan = same_row.get(1, "") if part == 2 else ""
        if part == 2 and not kuan:
            kuan = carried[1][3:5] if carried[1].startswith(klass) else ""
        text = klass + kuan + text
    if len(text) >= 3:
        carried[0] = text[:3]
    if len(text) >= 5:
        carried[1] = text[:5]
    return text
