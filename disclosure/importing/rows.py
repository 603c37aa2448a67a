"""What the cells of a printed row mean: a name with its ordinal, a code split over 类/款/项
columns, a total's label over the code columns, and the fixed row a name stands for."""

import re

from .headers import Column, Vocabulary
from .parsing import label_key, normalise

NUMERALS = "一二三四五六七八九十"
# An ordinal is a numeral followed by its separator (一、 二. 三．) or a numeral in brackets
# (（一）): never a bare numeral, since names begin with one (一般公共服务支出 is not
# "一、般公共服务支出").
# 一、 （一） and, under a parent, 1. (the 部门预算's 1. 一般公共预算); never a bare digit run
# ("1.5" is no ordinal).
ORDINAL = re.compile(
    rf"^(?:(?P<plain>[{NUMERALS}]+|[0-9]{{1,2}}(?![0-9]))\s*[、.．](?![0-9])"
    rf"|[（(](?P<bracketed>[{NUMERALS}]+)[）)])\s*"
)
OF_WHICH = re.compile(r"^其中\s*[:：]\s*")
CODE_DIGITS = re.compile(r"^[0-9]+$")


class RowSpecs:
    """A fixed table's rows in printed order: which parent and ordinal a printed name has.

    Names are looked for after the last one found, then from the top: agencies print 公务接待费
    before 公务用车… as often as after it."""

    def __init__(self, vocab: Vocabulary, block: str):
        key = label_key(block)
        self.rows = [
            r for r in vocab.rows if label_key(r[0]) == key or label_key(r[1]) == key or not key
        ]
        self.cursor = 0

    def match(self, name: str) -> tuple[str, str | None]:
        key = label_key(name)
        order = [*range(self.cursor, len(self.rows)), *range(self.cursor)]
        for i in order:
            if label_key(self.rows[i][2]) == key:
                self.cursor = i + 1
                return self.rows[i][3], self.rows[i][4] or None
        return "", None


def where(column: Column, number: int) -> str:
    """A cell as a clerk finds it: its column letter and header, and its address."""
    return f"{column.letter} 列（{column.header}，单元格 {column.letter}{number}）"


def label_over_codes(codes: list[tuple[Column, str]], name: str) -> str | None:
    """合计 printed across the 类/款/项 code columns (a merged cell fills each of them): the
    row's label, not a code. None when the code columns hold a code (or nothing)."""
    texts = {normalise(text) for _c, text in codes}
    if len(texts) != 1:
        return None
    text = texts.pop()
    if CODE_DIGITS.match(text) or (name and normalise(name) != text):
        return None
    return text


def at(row: list, column: Column) -> str:
    return row[column.index] if column.index < len(row) else ""


def split_name(text: str) -> tuple[str | None, str]:
    text = OF_WHICH.sub("", text.strip())
    if match := ORDINAL.match(text):
        ordinal = match["plain"] or f"（{match['bracketed']}）"
        return ordinal, text[match.end() :].strip()
    return None, text


def code_of(parts: list[tuple[int | None, str]], carried: list[str]) -> str:
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
