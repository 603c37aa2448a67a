"""Pure parsers for what clerks type into spreadsheets: amounts, counts, codes and labels.

Every function either returns an exact value or raises ValueError with a Chinese sentence; none
of them guesses. Full-width digits and punctuation (what a Chinese input method types) are read
as their ASCII forms (Unicode NFKC); thousands separators are accepted only where they belong.
"""

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from disclosure.core.money import FEN, YUAN_PER_WAN

YUAN = "元"
WAN = "万元"
# Amounts are DecimalField(max_digits=15, decimal_places=2): at most 13 digits before the point.
MAX_YUAN = Decimal("9999999999999.99")
# "1234.56", "1,234.56"; no sign, no exponent, no bare point.
NUMBER = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")
UNIT_SUFFIX = re.compile(r"^(?P<number>.*?)\s*(?P<unit>万元|元)$")
MINUS = ("-", "\u2212", "\u2012", "\u2013", "\u2014", "\ufe63")
# Excel keeps 15 significant digits; a numeric cell is read as Excel shows it, not as the
# binary float underneath (195.82 is stored as 195.8199999999999931...).
EXCEL_DIGITS = 15
QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")


def normalise(text: str) -> str:
    """NFKC (full-width → ASCII) and no surrounding or inner white space."""
    if text.isascii() and text.isalnum() or (text.isascii() and _PLAIN.match(text)):
        return text  # the common case, as fast as possible: NFKC leaves plain ASCII as it is
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


_PLAIN = re.compile(r"^[0-9A-Za-z.,()+\-]*$")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """How labels compare: （经济分类） = (经济分类), “三公”经费 = 三公经费."""
    return normalise(text).translate(QUOTES)


def cell_text(value) -> str:
    """A spreadsheet cell as text: numbers as Excel shows them, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError("应为文字或数字，不能是逻辑值。")
    if isinstance(value, (datetime, date, time)):
        raise ValueError("应为文字或数字，不能是日期。")
    if isinstance(value, float):
        return _float_text(value)
    return str(value).strip()


def _float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("不是有效的数字。")
    text = format(value, f".{EXCEL_DIGITS}g")
    return format(Decimal(text), "f")


def unstated(text: str) -> str:
    """Remove the apostrophe our exports put before formula-like text (see exports.neutralise)."""
    return text[1:] if text.startswith("'") else text


def parse_amount(value, *, unit: str | None) -> Decimal:
    """An amount as exact 元.

    `unit` is the unit the column or sheet states (元 or 万元), or None when it states none;
    a unit written after the number must agree with it, and one of the two must be there.
    """
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = cell_text(value)
        stated = None
    else:
        text = normalise(cell_text(value)).replace("，", ",")
        stated = None
        if match := UNIT_SUFFIX.match(text):
            text, stated = match["number"], match["unit"]
    if not text:
        raise ValueError("请填写金额。")
    if unit and stated and unit != stated:
        raise ValueError(f"金额写的单位是{stated}，与表头的{unit}不一致。")
    unit = unit or stated
    if unit not in (YUAN, WAN):
        raise ValueError("请注明金额单位（元或万元）。")
    number = _number(text)
    yuan = number * YUAN_PER_WAN if unit == WAN else number
    if yuan != yuan.quantize(FEN):
        raise ValueError(
            "以万元为单位的金额最多六位小数（精确到分）。"
            if unit == WAN
            else "以元为单位的金额最多两位小数（精确到分）。"
        )
    yuan = yuan.quantize(FEN)
    if yuan > MAX_YUAN:
        raise ValueError("金额过大：最多 9,999,999,999,999.99 元。")
    return yuan


def _number(text: str) -> Decimal:
    negative = text.startswith(MINUS) or (text.startswith("(") and text.endswith(")"))
    if negative:
        digits = text.strip("()").lstrip("".join(MINUS))
        if NUMBER.match(digits) and Decimal(digits.replace(",", "")) != 0:
            raise ValueError("金额不能为负数。")
        text = digits
    if text.startswith("+"):
        text = text[1:]
    if not NUMBER.match(text):
        raise ValueError(f"“{text}”不是有效的金额：只能是数字，可带千分位逗号，例如 1,234.56。")
    try:
        return Decimal(text.replace(",", "")) + Decimal(0)  # -0 → 0
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes it
        raise ValueError(f"“{text}”不是有效的金额。") from exc


def parse_count(value) -> int | None:
    """A count (批次, 人次, 辆 …): a whole number, not negative; empty means not stated."""
    text = normalise(cell_text(value))
    if not text:
        return None
    if text.startswith(MINUS):
        raise ValueError("数量不能为负数。")
    if not NUMBER.match(text):
        raise ValueError(f"“{text}”不是有效的数量：应为整数。")
    number = Decimal(text.replace(",", ""))
    if number != number.to_integral_value():
        raise ValueError(f"“{text}”不是有效的数量：应为整数。")
    if number > 2147483647:
        raise ValueError("数量过大。")
    return int(number)


def parse_code(value) -> str:
    """A classification code as text: 201, 20103, 2010301; spreadsheets may store it as a number."""
    if value.__class__ is str and value.isdigit() and value.isascii():
        return value  # the common case: already the code, nothing to normalise
    text = normalise(cell_text(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text


def parse_year(value) -> int | None:
    text = normalise(cell_text(value)).removesuffix("年度").removesuffix("年")
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"“{text}”不是有效的年度。")
    return int(text)


def parse_unit(value) -> str | None:
    text = normalise(cell_text(value))
    if not text:
        return None
    if text not in (YUAN, WAN):
        raise ValueError(f"金额单位只能是元或万元，不能是“{text}”。")
    return text
