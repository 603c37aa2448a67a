"""Finding the figures in a text as printed: numbers with their units, and the words before them.

A figure is every number of the text except a year (2024 年), a part of a date (12 月 31 日)
and an item's ordinal at the start of a paragraph (1、): nothing else is skipped, so nothing
can be dropped without a word. Numbers are read as the import reads amounts: 1,234.56 and
full-width digits.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

# As printed after the number, longest first; 万 alone is 万元 with its 元 left out.
UNITS = ("台（套）", "万元", "批次", "人次", "%", "％", "万", "元", "个", "辆", "分", "人", "次")
UNIT_NAMES = {"％": "%", "万": "万元"}
NUMBER = re.compile(r"(?<![\d.])\d(?:[\d,，]*\d)?(?:\.\d+)?(?![\d.])")
NOT_FIGURE_AFTER = re.compile(r"\s*(?:年|月|日|号|时|周岁)")
ORDINAL_AFTER = re.compile(r"\s*[、.．]")
THRESHOLD_AFTER = re.compile(r"\s*(?:（含）|\(含\))?\s*(?:及?以上|及?以下)")
THRESHOLD_BEFORE = re.compile(r"(?:单价|标准|限额|起点|不超过|不低于)\s*$")
CLAUSE_BREAK = re.compile(r"[，。；：、,;:！？]")
SENTENCE_BREAK = re.compile(r"[。；;！？]")
PERCENT_WORDS = ("增长", "下降", "占", "完成", "比例", "比重")


def normalise(text: str) -> str:
    """Full-width digits and punctuation of numbers as the import reads them."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if ch.isdigit() or ch in "．" else ch for ch in text
    )


@dataclass
class Figure:
    """A number of the text, where it stands and what it is taken to be."""

    paragraph: int
    start: int  # of the number in the paragraph
    end: int  # of the number (the unit stays in the prose)
    printed: str  # the number as printed
    value: Decimal
    unit: str  # as the data keeps it (万元, %, 个 …), "" when none is printed
    printed_unit: str  # as printed (万, ％ …)
    unit_end: int  # end of the printed unit
    clause: str  # the words from the last break (or figure) to the number, without spaces
    sentence: str  # the sentence up to the number, without spaces
    before: str  # the paragraph up to the number
    threshold: bool = False  # a standard or a limit (单价100万元（含）以上), not an account figure
    inferred_unit: bool = False  # printed without one; the words say a percentage

    @property
    def text(self) -> str:
        return f"{self.printed}{self.printed_unit}"


def _unit_at(text: str, at: int) -> tuple[str, int]:
    rest = text[at:]
    stripped = rest.lstrip(" ")
    for unit in UNITS:
        if stripped.startswith(unit):
            # 分 as a score, never 分钟; 人/次 only as units (人次 is matched first).
            if unit == "分" and stripped.startswith("分钟"):
                continue
            return unit, at + len(rest) - len(stripped) + len(unit)
    return "", at


def _is_figure(text: str, match: re.Match) -> bool:
    if NOT_FIGURE_AFTER.match(text, match.end()):
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    at_start = not text[line_start : match.start()].strip()
    return not (at_start and ORDINAL_AFTER.match(text, match.end()))


def _clause(before: str, previous_end: int) -> str:
    cut = max(
        (m.end() for m in CLAUSE_BREAK.finditer(before)),
        default=0,
    )
    return before[max(cut, previous_end) :].replace(" ", "")


def find_figures(paragraph: str, index: int = 0) -> list[Figure]:
    text = normalise(paragraph)
    figures: list[Figure] = []
    previous_end = 0
    for match in NUMBER.finditer(text):
        if not _is_figure(text, match):
            continue
        printed = paragraph[match.start() : match.end()]
        unit, unit_end = _unit_at(text, match.end())
        before = text[: match.start()]
        sentence_start = max((m.end() for m in SENTENCE_BREAK.finditer(before)), default=0)
        figure = Figure(
            paragraph=index,
            start=match.start(),
            end=match.end(),
            printed=printed,
            value=Decimal(match.group().replace(",", "").replace("，", "")),
            unit=UNIT_NAMES.get(unit, unit),
            printed_unit=paragraph[match.end() : unit_end].strip(" ") if unit else "",
            unit_end=unit_end,
            clause=_clause(before, previous_end),
            sentence=before[sentence_start:].replace(" ", ""),
            before=before,
        )
        figure.threshold = bool(
            THRESHOLD_AFTER.match(text, unit_end) or THRESHOLD_BEFORE.search(before)
        )
        if not unit and figure.clause.endswith(PERCENT_WORDS):
            figure.unit, figure.inferred_unit = "%", True  # "增长 13.95。": the % left out
        figures.append(figure)
        previous_end = unit_end
    return figures
