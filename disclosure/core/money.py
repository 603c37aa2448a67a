"""Money: stored as exact Decimal 元 to the fen; shown and entered in 万元, the documents' unit.

Never float. Conversions are exact because 1 万元 = 10,000 元 and amounts have at most two
decimals in 元, i.e. at most six in 万元.

The one place for the unit, the rounding (half up, as the documents print), percentages and
the threshold at which a change needs an explanation: the public pages, the reconciliation
engine, the exports and the template tags all use these, so they cannot disagree.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

YUAN_PER_WAN = Decimal(10000)
FEN = Decimal("0.01")
WAN_PLACES = 6  # 0.000001 万元 = 0.01 元
# A change on last year, or a gap between budget and final, of this share of its base or more
# is "material": it needs an explanation (the engine warns, the page flags it).
MATERIAL_CHANGE = Decimal("0.10")


def round_half_up(value: Decimal, places: Decimal = FEN) -> Decimal:
    """The documents' rounding: 0.005 → 0.01 (never banker's rounding)."""
    return value.quantize(places, rounding=ROUND_HALF_UP)


def wan_amount(yuan: Decimal) -> Decimal:
    """元 → 万元 as printed: two decimals, rounded half up."""
    return round_half_up(yuan / YUAN_PER_WAN)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part as a percentage of whole, two decimals rounded half up; None on a zero base."""
    if not whole:
        return None
    return round_half_up(part * 100 / whole)


def per_unit(yuan: Decimal | None, count: int | None) -> Decimal | None:
    """An amount per person, batch …: 元 to the fen, rounded half up; None without a count."""
    if yuan is None or not count:
        return None
    return round_half_up(yuan / count)


def is_material(change: Decimal, base: Decimal) -> bool:
    """A change of 10 % or more of its base; any change from nothing.

    Compares the exact ratio, never a rounded percentage: 100 → 109.995 is a change of
    9.995 %, which prints as 10.00 % but is not material.
    """
    if base == 0:
        return change != 0
    return abs(change) >= abs(base) * MATERIAL_CHANGE


def wan_to_yuan(wan: Decimal) -> Decimal:
    """Exact conversion; raises ValueError when the 万元 figure is finer than a fen."""
    yuan = wan * YUAN_PER_WAN
    if yuan != yuan.quantize(FEN):
        raise ValueError("金额精确到分（万元最多六位小数）。")
    return yuan.quantize(FEN)


def yuan_to_wan(yuan: Decimal) -> Decimal:
    return (yuan / YUAN_PER_WAN).quantize(Decimal(1).scaleb(-WAN_PLACES))


def format_wan(yuan: Decimal | None, *, grouped: bool = False) -> str:
    """万元 to two decimals, rounded half up, as the documents print them ("195.82");
    `grouped` adds thousands separators ("9,759.38"), as the English pages print them."""
    if yuan is None:
        return ""
    amount = wan_amount(yuan)
    return f"{amount:,}" if grouped else str(amount)


def format_fen(value: Decimal | None) -> str:
    """A computed figure (元 per person, a median) to two decimals, rounded half up."""
    if value is None:
        return ""
    return str(round_half_up(Decimal(value)))


def wan_text(yuan: Decimal) -> str:
    """With its unit, as the sentences and the correction history print it: "195.82万元"."""
    return f"{format_wan(yuan)}万元"


def wan_for_input(yuan: Decimal) -> str:
    """195.820000 → "195.82", 55 → "55.00": what a clerk typed, never scientific notation."""
    wan = yuan_to_wan(yuan)
    two = wan.quantize(FEN)
    return f"{two:f}" if two == wan else f"{wan.normalize():f}"


def format_yuan(yuan: Decimal | None) -> str:
    if yuan is None:
        return ""
    return str(yuan.quantize(FEN))


def parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{text}”不是数字。") from exc
    if not value.is_finite():
        raise ValueError(f"“{text}”不是数字。")
    return value


# --- the same text written by PostgreSQL ---------------------------------------------------------
# For exports whose rows the database joins as text (exports.rows, figure_csv): equal to
# format_wan and format_yuan for every amount, NULL included (test_sql_csv.py checks them).


def sql_wan(expression: str) -> str:
    """format_wan in SQL: 元 → 万元, two decimals. PostgreSQL's round() on numeric rounds half
    away from zero, as ROUND_HALF_UP does; multiplying by 0.0001 is exact (division would be
    rounded to a chosen scale). Decimal keeps the sign of a negative amount rounded to zero
    ("-0.00"), numeric does not: said explicitly."""
    rounded = f"round(({expression}) * 0.0001, 2)"
    return (
        f"CASE WHEN ({expression}) IS NULL THEN '' "
        f"WHEN ({expression}) < 0 AND {rounded} = 0 THEN '-0.00' "
        f"ELSE {rounded}::text END"
    )


def sql_yuan(expression: str) -> str:
    """format_yuan in SQL: 元 to the fen; '' for NULL."""
    return f"COALESCE(round({expression}, 2)::text, '')"
