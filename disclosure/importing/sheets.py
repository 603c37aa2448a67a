"""The per-table XLSX layout: one sheet per public table, laid out as agencies print it.

A sheet has a title (收入支出决算总表, 公开01表), a line with the agency, year and unit
(部门：… 2024年度 单位：万元), a header of one or more rows (merged cells, 收入/支出 sides,
人员经费/公用经费 panels, column groups such as 本年支出, 类/款/项 code columns), the rows, and
notes (注：…). Table 07 is often printed transposed: items across, one row of figures. Each sheet
becomes long-layout records, so it is validated exactly like a CSV.
"""

import re
from collections.abc import Iterator

from .headers import (
    CODE_HEADERS,
    CODE_PARTS,
    IGNORED,
    NAME_HEADERS,
    SUBTOTAL,
    Column,
    Vocabulary,
    canonical,
    header_columns,
    refusal,
    vocabularies,
)
from .parsing import cell_text, label_key, normalise
from .records import ImportFileError, Record
from .rows import RowSpecs, at, code_of, label_over_codes, split_name, where

TABLE_MARK = re.compile(r"公开\s*(\d{1,2})\s*表")
META = re.compile(r"(编制单位|单位名称|部门名称|部门|金额单位|单位)\s*[:：]\s*([^\s:：]+)")
YEAR = re.compile(r"(\d{4})\s*年度")
NOTE = re.compile(r"^(注|说明)\s*[:：]")
# What a header prints under 项目: the name or the code column's heading (never a row name).
HEADS = NAME_HEADERS | CODE_HEADERS | set(CODE_PARTS)
BUDGET = "年初预算数"  # 05's budget per 项: printed in some tables, or on a sheet of its own


def table_sheet_records(book, kind: str = "final") -> Iterator[Record]:
    vocabs = vocabularies(kind)
    sheets = []
    for ws in book.worksheets:
        rows = _filled(ws)
        if any(any(c != "" for c in row) for row in rows):
            sheets.append(Sheet(ws.title, rows, _identify(ws.title, rows, vocabs)))
    if not sheets:
        raise ImportFileError(
            "没有找到可导入的数据：第一行应为导入模板的列名，或每张工作表是一张公开表。"
        )
    # A sheet of 年初预算数 alone adds a column to rows its table's sheet prints in order.
    for sheet in sorted(sheets, key=lambda x: x.budget_only):
        yield from sheet.records()


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
    budget = False
    for text in [title] + [c for row in rows[:8] for c in row if c]:
        if match := TABLE_MARK.search(normalise(text)):
            numbers.add(match[1].zfill(2))
        key = label_key(text)
        budget = budget or BUDGET in key
        # The longest title the text ends with: 财政拨款收入支出决算总表 is table 04, not 01.
        suffixes = sorted((t for t in by_title if key.endswith(t)), key=len)
        if suffixes:
            numbers.add(by_title[suffixes[-1]])
    if not numbers and budget:
        # 年初预算数 per 项 on a sheet of its own: the table whose format keeps that column.
        numbers = {n for n, v in vocabs.items() if label_key(BUDGET) in v.labels}
    if len(numbers) == 1 and (number := numbers.pop()) in vocabs:
        return vocabs[number]
    if len(numbers) > 1:
        found = "、".join(sorted(numbers))
        raise ImportFileError(f"工作表“{title}”：表号与表名不一致（{found}）。")
    raise ImportFileError(f"工作表“{title}”：无法识别是哪一张公开表，请保留“公开05表”字样或表名。")


class Sheet:
    def __init__(self, title: str, rows: list, vocab: Vocabulary):
        self.title, self.rows, self.vocab = title, rows, vocab
        self.tokens = vocab.tokens()
        self.agency, self.year, self.unit = self._meta()
        header, self.first_data = self._header()
        self.columns = header_columns(title, header, self._header_start() + 1, vocab)
        self.parts_row = self._parts_row()
        values = {c.label for c in self.columns if c.kind == "value"}
        self.budget_only = values == {BUDGET}

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
        return bool(cells) and all(
            self.vocab.knows(c, self.tokens) or self.vocab.side_of(c) for c in cells
        )

    def _header_start(self) -> int:
        for i, row in enumerate(self.rows):
            if self._is_token_row(row):
                if i:
                    self._refuse_unknown_above(i - 1)
                return i
        for i, row in enumerate(self.rows):
            # A header with a word we do not know: name that word's cell.
            if any(label_key(c) in HEADS for c in row):
                known = self.vocab.knows
                index = next(
                    j for j, c in enumerate(row) if c and not known(label_key(c), self.tokens)
                )
                raise refusal(
                    self.title,
                    i + 1,
                    index,
                    f"表头为“{row[index]}”，不是公开{self.vocab.number}表的栏目",
                    f"以下栏目之一：{self.vocab.expected()}",
                )
        raise ImportFileError(f"工作表“{self.title}”：找不到表头（如“项目”“科目名称”及栏目名）。")

    def _refuse_unknown_above(self, i: int) -> None:
        """The row above the header, when it prints header words beside one we do not know
        (收入预算数 | 支出决算数 over the two sides), is the header's first row misprinted: name
        that word's cell rather than read the header without it. A title or the 部门 line
        prints one value across the page."""
        row = self.rows[i]
        values = {label_key(c) for c in row if c}
        known = {v for v in values if self.vocab.knows(v, self.tokens)}
        if len(values) < 2 or not known or known == values:
            return
        index = next(j for j, c in enumerate(row) if c and label_key(c) not in known)
        raise refusal(
            self.title,
            i + 1,
            index,
            f"表头为“{row[index]}”，不是公开{self.vocab.number}表的栏目",
            f"以下栏目之一：{self.vocab.expected()}",
        )

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
            if not self._is_token_row(row) or any(label_key(n) not in HEADS for n in named):
                break  # a row name where the header had 项目: the first row of figures
            header.append(row)
            names |= self._name_columns(row)
            i += 1
        return header, i

    def _parts_row(self) -> int | None:
        """类 | 款 | 项 printed in the code columns of the first row under the header, with the
        total beside them (合计 and its figures on the same line): the code columns' parts,
        and a row with no code. Its number (1-based), or None."""
        if self.first_data >= len(self.rows):
            return None
        row, codes = self.rows[self.first_data], [c for c in self.columns if c.kind == "code"]
        words = [label_key(at(row, c)) for c in codes]
        if not codes or words != list(CODE_PARTS)[: len(codes)]:
            return None
        for part, column in enumerate(codes):
            column.part = part
        return self.first_data + 1

    @staticmethod
    def _name_columns(row) -> set:
        return {i for i, c in enumerate(row) if label_key(c) in NAME_HEADERS}

    def records(self) -> Iterator[Record]:
        columns = self.columns
        data = []
        for number, row in enumerate(self.rows[self.first_data :], self.first_data + 1):
            text = next((c for c in row if c), "")
            if NOTE.match(text):
                break
            data.append((number, row))
        if not any(c.kind == "name" for c in columns):
            yield from self._transposed(columns, data)
            return
        for block, block_columns in self._blocks(columns, data):
            yield from self._block(block, block_columns, data)

    def _blocks(self, columns: list[Column], data) -> list[tuple[str, list[Column]]]:
        """Sides and panels, as the header labels them; 06's two panels side by side without
        人员经费/公用经费 labels are told apart by their totals (人员经费合计), else by order."""
        blocks = list(dict.fromkeys(c.block for c in columns if c.kind != "ignored"))
        found = [(b, [c for c in columns if c.block == b]) for b in blocks]
        if blocks != [""] or not self.vocab.panels:
            return found
        groups: list[list[Column]] = [[]]
        for c in (c for c in columns if c.kind != "ignored"):
            if c.kind in ("code", "name") and any(x.kind == "value" for x in groups[-1]):
                groups.append([])
            groups[-1].append(c)
        if len(groups) == 1:
            return found
        return [(self._panel_of(i, g, data), g) for i, g in enumerate(groups)]

    def _panel_of(self, position: int, group: list[Column], data) -> str:
        # A total's label may sit in the code column (人员经费合计 printed across code and name).
        names = {label_key(at(row, c)) for c in group if c.kind != "value" for _n, row in data}
        for _side, panel, name, _parent, _ordinal in self.vocab.rows:
            if panel and label_key(name) in names:
                return panel
        panels = self.vocab.panels
        return panels[position] if position < len(panels) else ""

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
            row = self.first_data
            column = names[1] if names else columns[0]
            found = "、".join(f"{c.letter} 列“{c.header}”" for c in names) or "没有项目名称列"
            raise refusal(
                self.title, row, column.index, f"{block or '表'}中{found}", "恰好一列项目名称"
            )
        name_col = names[0]
        codes = [c for c in columns if c.kind == "code"]
        values = [c for c in columns if c.kind == "value"]
        specs = RowSpecs(self.vocab, block)
        carried: list[str] = ["", ""]
        for number, row in data:
            raw_name = at(row, name_col)
            figures = [(c, at(row, c)) for c in values if at(row, c)]
            raw_codes = [(c, at(row, c)) for c in codes if at(row, c) and number != self.parts_row]
            label = label_over_codes(raw_codes, raw_name)
            raw_name = label if label is not None else raw_name
            code_cells = [] if label is not None else raw_codes
            code = code_of([(c.part, text) for c, text in code_cells], carried)
            if not raw_name and not figures and not code:
                continue
            ordinal, name = split_name(raw_name)
            # A coded row keeps its printed name (30212 因公出国（境）费用); a fixed row is
            # named as the format names it.
            name = name if code else canonical(name)
            parent, spec_ordinal = specs.match(name) if not code else ("", None)
            context = "/".join(x for x in (block, parent) if x)
            common = {
                "code": code,
                "name": name,
                "context": context,
                "ordinal": ordinal or spec_ordinal,
            }
            origin = {"name": where(name_col, number)}
            if code_cells:
                origin["code"] = where(code_cells[-1][0], number)
            if not values:
                yield self._record(number, **common, column="", amount=None, origins=origin)
            # Every printed column, blank ones too: the sheet is the whole table, so a blank
            # cell means "no figure" and replaces one the disclosure had.
            for column in values:
                value = at(row, column)
                origins = origin | {
                    "amount": where(column, number),
                    "column": where(column, number),
                }
                yield self._record(
                    number, **common, column=column.label, amount=value or None, origins=origins
                )

    def _transposed(self, columns: list[Column], data) -> Iterator[Record]:
        values = [c for c in columns if c.kind == "value"]
        lost = next((c for c in values if not c.row_path), None)
        if not values or lost is not None:
            column = lost or columns[0]
            names = "、".join(sorted({r[2] for r in self.vocab.rows if not r[3]}))
            raise refusal(
                self.title,
                self._header_start() + 1,
                column.index,
                f"表头“{column.header}”没有项目名称，表中也没有“项目”列",
                f"每栏上方印有项目名称（{names}），或有一列“项目”",
            )
        for number, row in data:
            for column in values:
                value = row[column.index] if column.index < len(row) else ""
                path = [p for p in column.row_path if p != SUBTOTAL]
                name, parent = path[-1], "/".join(path[:-1])
                origins = {"amount": where(column, number)}
                yield self._record(
                    number,
                    code="",
                    name=name,
                    context="/".join(x for x in (column.block, parent) if x),
                    column=column.label,
                    amount=value or None,
                    origins=origins,
                )
