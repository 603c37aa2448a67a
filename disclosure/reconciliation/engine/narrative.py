"""The 情况说明's own arithmetic: the figures only the prose states, against each other and the
tables.

The rules know the stated figures by their 引用名 (key), the keys the “粘贴情况说明” page proposes
for them (formats/paste/matcher.py CANONICAL_KEYS):

- 政府采购总额 = 货物采购金额 + 工程采购金额 + 服务采购金额 (error; a gap within rounding, 0.005
  万元 per figure, is a notice, as for every sum);
- 中小企业合同金额 ÷ 政府采购总额 = 中小企业合同占比 and 小微企业合同金额 ÷ 中小企业合同金额 =
  小微企业合同占比 (error beyond SHARE_TOLERANCE: a share printed to 0.01 % of two figures
  printed to 0.01 万元 is off by at most that through rounding);
- 机关运行经费 against its stated change (机关运行经费减少额/增加额, 下降率/增长率): with last
  year's published 机关运行经费 the change must be this year's less last year's (within 0.01 万元,
  two rounded figures) and the rate within ±0.5 percentage points (remarks.STATED_TOLERANCE);
  without it, the rate must agree with the change and the base it implies (warning: the
  clerk's words against the figures, as for the 同比 remark);
- a stated figure printed where the words name a table cell (人员经费 4896.98 beside 公开06表
  人员经费合计 4884.09) must equal the cell as printed (warning: the words are read, not
  declared; formats.paste.statements reads them).
"""

from collections.abc import Iterator
from decimal import Decimal

from disclosure.core.money import YUAN_PER_WAN
from disclosure.models.findings import Severity

from .facts import Facts, Stated
from .findings import Fig, Finding, check_equal_sums, wan
from .remarks import STATED_TOLERANCE

SHARE_TOLERANCE = Decimal("0.01")  # percentage points
CHANGE_TOLERANCE = Decimal(100)  # 元: 0.01 万元, two figures rounded to 0.01 万元
PROCUREMENT_TOTAL = "政府采购总额"
PROCUREMENT_PARTS = ("货物采购金额", "工程采购金额", "服务采购金额")
SHARES = (
    ("中小企业合同金额", "中小企业合同占比", PROCUREMENT_TOTAL),
    ("小微企业合同金额", "小微企业合同占比", "中小企业合同金额"),
)
OPERATING = "机关运行经费"


def _stated(facts: Facts, unit: str) -> dict[str, Stated]:
    return {s.key: s for s in facts.narrative if s.unit == unit}


def _fig(s: Stated) -> Fig:
    return Fig(f"情况说明 {s.label}", s.label, s.value * YUAN_PER_WAN)


def procurement_total(facts: Facts) -> Iterator[Finding | None]:
    amounts = _stated(facts, "万元")
    total = amounts.get(PROCUREMENT_TOTAL)
    parts = [amounts[k] for k in PROCUREMENT_PARTS if k in amounts]
    if total is None or not parts:
        return
    yield check_equal_sums(
        "narrative_procurement",
        subject="情况说明 政府采购",
        left=[_fig(total)],
        right=[_fig(p) for p in parts],
    )


def sme_share(facts: Facts) -> Iterator[Finding]:
    amounts, shares = _stated(facts, "万元"), _stated(facts, "%")
    for amount_key, share_key, whole_key in SHARES:
        amount, share, whole = (
            amounts.get(amount_key),
            shares.get(share_key),
            amounts.get(whole_key),
        )
        if amount is None or whole is None or not whole.value:
            continue
        exact = amount.value * 100 / whole.value
        if amount.value > whole.value:
            what = (
                f"{amount.label} {wan(amount.value * YUAN_PER_WAN)}超过"
                f"{whole.label} {wan(whole.value * YUAN_PER_WAN)}"
            )
        elif share is not None and abs(share.value - exact) > SHARE_TOLERANCE:
            what = (
                f"{share.label}写作 {share.value}%，但 {amount.value} ÷ {whole.value} = "
                f"{exact.quantize(Decimal('0.01'))}%（容差 ±{SHARE_TOLERANCE} 个百分点）"
            )
        else:
            continue
        yield Finding(
            rule="sme_share",
            severity=Severity.ERROR,
            message=f"情况说明 政府采购：{what}。",
            cells=tuple((f.label, f.value) for f in (_fig(amount), _fig(whole))),
            difference=(amount.value - whole.value * (share.value if share else 0) / 100)
            * YUAN_PER_WAN,
        )


def _operating_change(facts: Facts) -> tuple[Stated | None, int, Stated | None]:
    amounts, rates = _stated(facts, "万元"), _stated(facts, "%")
    change = amounts.get(f"{OPERATING}减少额") or amounts.get(f"{OPERATING}增加额")
    rate = rates.get(f"{OPERATING}下降率") or rates.get(f"{OPERATING}增长率")
    sign = -1 if (change and "减少" in change.key) or (rate and "下降" in rate.key) else 1
    return change, sign, rate


def operating_change(facts: Facts) -> Iterator[Finding]:
    now = _stated(facts, "万元").get(OPERATING)
    change, sign, rate = _operating_change(facts)
    if now is None or (change is None and rate is None):
        return
    last = _stated(facts.previous, "万元").get(OPERATING) if facts.previous else None
    problems = []
    if last is not None:
        actual = now.value - last.value
        if actual and (actual > 0) != (sign > 0):
            problems.append(
                f"写作{'减少' if sign < 0 else '增加'}，但实际{'增加' if actual > 0 else '减少'}"
            )
        elif (
            change is not None and abs(abs(actual) - change.value) * YUAN_PER_WAN > CHANGE_TOLERANCE
        ):
            problems.append(f"写作变动 {change.value} 万元，但实际变动 {abs(actual)} 万元")
        base = last.value
        moved = abs(actual)
    elif change is not None:
        base = now.value - sign * change.value
        moved = change.value
    else:
        return
    if rate is not None and base and abs(rate.value - moved * 100 / base) > STATED_TOLERANCE:
        exact = (moved * 100 / base).quantize(Decimal("0.01"))
        problems.append(f"写作变动 {rate.value}%，但按上年 {base} 万元计算应为 {exact}%")
    if not problems:
        return
    figures = [now] + ([last] if last is not None else []) + ([change] if change else [])
    yield Finding(
        rule="operating_change",
        severity=Severity.WARNING,
        message=f"情况说明 机关运行经费 {now.value} 万元："
        + "；".join(problems)
        + "；请核对文字与数字。",
        cells=tuple((f"情况说明 {s.label}", s.value * YUAN_PER_WAN) for s in figures),
        difference=(now.value - base) * YUAN_PER_WAN,
    )


def narrative_cell(facts: Facts) -> Iterator[Finding]:
    for s in facts.statements:
        diff = s.value - s.cell_value
        yield Finding(
            rule="narrative_cell",
            severity=Severity.WARNING,
            message=(
                f"情况说明“{s.words}”写作 {wan(s.value)}，而{s.cell}为 {wan(s.cell_value)}，"
                f"相差 {wan(abs(diff))}：文字所述应与表格一致，或说明口径不同。"
            ),
            cells=((f"情况说明“{s.words}”（{s.key}）", s.value), (s.cell, s.cell_value)),
            difference=diff,
        )
