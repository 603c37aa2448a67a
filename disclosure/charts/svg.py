"""Chart geometry: pure functions from names and amounts (元) to SVG markup.

Horizontal bars, one row per name with the name above its bar and the amount (万元) after it,
so long Chinese names never crowd a phone's width. The drawing is 360 units wide and scales to
its box; colours come from the stylesheet by class (the site's CSP allows no inline style),
the budget bar is outlined and the final bar solid, so the two differ without colour.
Coordinates are Decimals rounded to 0.1: the same figures always give the same bytes.
"""

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from disclosure.core.money import format_wan

WIDTH = 360
PAD = 8
FONT = 13
LINE = 18  # a line of text
BAR = 14
GAP = 10  # between rows
VALUE_ROOM = 84  # right of the longest bar, for its amount
SWATCH = 12
BAR_MAX = Decimal(WIDTH - 2 * PAD - VALUE_ROOM)
TENTH = Decimal("0.1")
BUDGET, FINAL = "budget", "final"


def text_width(text: str) -> int:
    """An estimate of the text's width at FONT: a CJK character is a square, others about half."""
    return sum(FONT if ord(c) > 0x2E7F else 7 for c in text)


def _n(value) -> str:
    """A coordinate as SVG prints it: 12, 12.5 (never 12.0)."""
    q = Decimal(value).quantize(TENTH)
    return str(q.to_integral_value()) if q == q.to_integral_value() else str(q)


def _length(yuan: Decimal | None, largest: Decimal) -> Decimal:
    if not yuan or yuan <= 0 or not largest:
        return Decimal(0)
    return (yuan / largest * BAR_MAX).quantize(TENTH)


def _text(x, y, text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{_n(x)}" y="{_n(y)}"{klass}>{escape(text)}</text>'


def _rect(x, y, w, h, cls: str) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" class="{cls}"/>'


def _svg(key: str, title: str, desc: str, height: int, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-size="{FONT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" class="chart-svg">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _legend(series: Sequence[tuple[str, str]], top: int) -> tuple[list[str], int]:
    """Swatches with their names, wrapped to the width; returns the marks and the next y."""
    marks, x, y = [], PAD, top
    for cls, name in series:
        width = SWATCH + 4 + text_width(name) + 12
        if x > PAD and x + width > WIDTH - PAD:
            x, y = PAD, y + LINE
        marks.append(_rect(x, y + 3, SWATCH, SWATCH, cls))
        marks.append(_text(x + SWATCH + 4, y + FONT, name))
        x += width
    return marks, y + LINE + 4


def bars(*, key: str, title: str, desc: str, rows: Sequence[tuple[str, Decimal | None]]) -> str:
    """One bar per row: (name, amount in 元)."""
    largest = max((v for _, v in rows if v), default=Decimal(0))
    body, y = [], PAD
    for name, yuan in rows:
        length = _length(yuan, largest)
        body.append(_text(PAD, y + FONT, name))
        if length:
            body.append(_rect(PAD, y + LINE, length, BAR, f"bar {FINAL}"))
        body.append(_text(PAD + length + 4, y + LINE + BAR - 3, format_wan(yuan), "value"))
        y += LINE + BAR + GAP
    return _svg(key, title, desc, y, body)


def pairs(
    *,
    key: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, Decimal | None, Decimal | None]],
    series: tuple[str, str] = ("预算数", "决算数"),
) -> str:
    """Two bars per row, budget (outlined) above final (solid): (name, budget, final) in 元."""
    largest = max((v for _, *both in rows for v in both if v), default=Decimal(0))
    body, y = _legend(list(zip((BUDGET, FINAL), series, strict=True)), PAD)
    for name, budget, final in rows:
        body.append(_text(PAD, y + FONT, name))
        y += LINE
        for cls, yuan in ((BUDGET, budget), (FINAL, final)):
            length = _length(yuan, largest)
            if length:
                body.append(_rect(PAD, y, length, BAR, f"bar {cls}"))
            body.append(_text(PAD + length + 4, y + BAR - 3, format_wan(yuan), "value"))
            y += BAR + 2
        y += GAP
    return _svg(key, title, desc, y, body)


def stacks(
    *,
    key: str,
    title: str,
    desc: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[Decimal | None]]],
) -> str:
    """One bar per row made of its parts, in series order: (name, parts in 元); the amount
    after the bar is the parts' sum."""
    totals = [sum((p for p in parts if p), Decimal(0)) for _, parts in rows]
    largest = max(totals, default=Decimal(0))
    body, y = _legend([(f"part p{i}", s) for i, s in enumerate(series)], PAD)
    for (name, parts), total in zip(rows, totals, strict=True):
        body.append(_text(PAD, y + FONT, name))
        x = Decimal(PAD)
        for i, yuan in enumerate(parts):
            length = _length(yuan, largest)
            if length:
                body.append(_rect(x, y + LINE, length, BAR, f"part p{i}"))
                x += length
        body.append(_text(x + 4, y + LINE + BAR - 3, format_wan(total), "value"))
        y += LINE + BAR + GAP
    return _svg(key, title, desc, y, body)
