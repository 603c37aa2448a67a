"""Money: stored as exact Decimal 元 to the fen; shown and entered in 万元, the documents' unit.

Never float. Conversions are exact because 1 万元 = 10,000 元 and amounts have at most two
decimals in 元, i.e. at most six in 万元.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

YUAN_PER_WAN = Decimal(10000)
FEN = Decimal("0.01")
WAN_PLACES = 6  # 0.000001 万元 = 0.01 元


def wan_to_yuan(wan: Decimal) -> Decimal:
    """Exact conversion; raises ValueError when the 万元 figure is finer than a fen."""
    yuan = wan * YUAN_PER_WAN
    if yuan != yuan.quantize(FEN):
        raise ValueError("金额精确到分（万元最多六位小数）。")
    return yuan.quantize(FEN)


def yuan_to_wan(yuan: Decimal) -> Decimal:
    return (yuan / YUAN_PER_WAN).quantize(Decimal(1).scaleb(-WAN_PLACES))


def format_wan(yuan: Decimal | None) -> str:
    """万元 to two decimals, rounded half up, as the documents print them ("195.82")."""
    if yuan is None:
        return ""
    return str((yuan / YUAN_PER_WAN).quantize(FEN, rounding=ROUND_HALF_UP))


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
