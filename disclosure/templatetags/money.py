from django import template
from django.utils import translation

from disclosure.core.money import format_fen, format_wan, format_yuan

register = template.Library()

# Languages whose pages group thousands (9,759.38). Chinese pages print figures as the
# documents do (9759.38), and their copy/paste into the documents' own tables round-trips.
GROUPED = {"en"}


@register.filter
def wan(yuan):
    """元 stored → 万元 shown, two decimals, rounded half up; grouped in English."""
    return format_wan(yuan, grouped=translation.get_language() in GROUPED)


@register.filter
def yuan(value):
    return format_yuan(value)


CN_DIGITS = "零一二三四五六七八九"


@register.filter
def cn_numeral(value):
    """1 → 一, 12 → 十二, "05" → 五: the ordinals the documents number their parts with
    (in English, the number itself)."""
    n = int(value)
    if translation.get_language() == "en":
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@register.filter
def fen(value):
    """A computed figure (元 per person, a median), two decimals rounded half up."""
    return format_fen(value)


@register.filter
def pct(value):
    return "" if value is None else f"{format_fen(value)}%"


@register.filter
def shown_as(value, how: str):
    """A cell of a column that says how it is shown: "wan" (元 → 万元), "pct" or "fen"."""
    return {"wan": wan, "pct": pct, "fen": fen}[how](value)
