"""The clerk's 同比 text (ThreePublicExpense.yoy_remark) against the figures.

"同比下降9.6%" published beside a 公务接待费 that rose from 3.54 to 4.50 万元 misleads the
reader: a remark whose direction or percentage the two years' figures contradict is a warning.

- Direction: 增加/增长/上升 says up, 减少/下降 says down, 持平/基本持平 says no material change
  (the one threshold of core.money.is_material: a change of 10 % or more is not 持平).
- Percentage: a stated percentage is the size of the change on last year's figure. It may be
  rounded (to a whole percent, or one or two decimals) and computed from figures rounded to
  万元, so it stands when within ±0.5 percentage points of the exact rate (STATED_TOLERANCE);
  beyond that it contradicts the figures. No rate is checked on a zero base.
- Nothing is checked without last year's published figure, or for a remark that states neither
  a direction nor a percentage.
"""

import re
from collections.abc import Iterator
from decimal import Decimal

from disclosure.core.money import is_material, percent
from disclosure.models.findings import Severity

from .across import ITEM_NAMES, THREE_PUBLIC_CODES
from .facts import THREE_PUBLIC, Facts, ThreePublic
from .findings import Finding, wan

STATED_TOLERANCE = Decimal("0.5")  # percentage points
UP, DOWN, FLAT = "up", "down", "flat"
DIRECTION_WORDS = [
    (FLAT, ("基本持平", "持平")),
    (UP, ("增加", "增长", "上升")),
    (DOWN, ("减少", "下降")),
]
DIRECTION_NAMES = {UP: "增长", DOWN: "下降", FLAT: "基本持平"}
PERCENTAGE = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
ROW_KEYS = {item: key for item, key, _code in THREE_PUBLIC_CODES}


def stated(remark: str) -> tuple[str | None, Decimal | None]:
    """(direction, percentage) as the remark states them; None for what it leaves out."""
    direction = next((d for d, words in DIRECTION_WORDS if any(w in remark for w in words)), None)
    match = PERCENTAGE.search(remark)
    return direction, Decimal(match.group(1)) if match else None


def _amount(facts: Facts, record: ThreePublic | None, item: str) -> Decimal | None:
    """The item's amount: on the record (2014), else in 07's 决算 column (standard)."""
    if record is not None and record.amount is not None:
        return record.amount
    table = facts.tables.get(THREE_PUBLIC)
    row = table.row(ROW_KEYS[item]) if table else None
    finals = table.finals() if table else []
    return row.cells.get(finals[0].label) if row and finals else None


def contradiction(direction, pct, now: Decimal, then: Decimal) -> str:
    """What in the remark the figures contradict ("" when nothing does)."""
    change = now - then
    actual = UP if change > 0 else DOWN if change < 0 else FLAT
    if direction == FLAT and is_material(change, then):
        return "写作持平，但变动达 10% 以上"
    if direction in (UP, DOWN) and direction != actual:
        return f"写作{DIRECTION_NAMES[direction]}，但实际{DIRECTION_NAMES[actual]}"
    if pct is not None and then:
        rate = abs(change) * 100 / abs(then)
        if abs(pct - rate) > STATED_TOLERANCE:
            return f"写作变动 {pct}%，但实际变动 {percent(abs(change), abs(then))}%"
    return ""


def yoy_remark(facts: Facts) -> Iterator[Finding]:
    """The 同比 text of each 三公 item agrees with last year's and this year's figures."""
    previous = facts.previous
    if previous is None:
        return
    old_records = {r.item: r for r in previous.three_public}
    for record in facts.three_public:
        direction, pct = stated(record.remark)
        if direction is None and pct is None:
            continue
        now = _amount(facts, record, record.item)
        then = _amount(previous, old_records.get(record.item), record.item)
        if now is None or then is None:
            continue
        what = contradiction(direction, pct, now, then)
        if not what:
            continue
        name = ITEM_NAMES[record.item]
        label = f"“三公”经费 {name}"
        rate = percent(now - then, then)
        shown = f"，{'增长' if now > then else '下降'} {abs(rate)}%" if rate else ""
        yield Finding(
            rule="yoy_remark",
            severity=Severity.WARNING,
            message=(
                f"{label}：同比情况为“{record.remark}”，{what}（{facts.year - 1}年度 "
                f"{wan(then)}，{facts.year}年度 {wan(now)}{shown}）；请核对文字与数字。"
            ),
            cells=((f"{facts.year - 1}年度 {label}", then), (f"{facts.year}年度 {label}", now)),
            difference=now - then,
        )
