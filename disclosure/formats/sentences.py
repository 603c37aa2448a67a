"""The document's sentences, generated from the stored figures so no figure is typed twice.

Pure functions of already-loaded objects: no queries here.
"""

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext_noop

from disclosure.core.money import wan_text as _wan


def basic_situation(
    *, agency, quota: Sequence, actual: Sequence, head_name: str, head_posts: str
) -> str:
    """溧阳市信访局系行政机关一级局，编制为8人，其中行政编制7人，…。现实有…。单位负责人为…同志。"""
    parts = [f"{agency.name}系{agency.unit_kind}{agency.level}"]
    if quota:
        total = sum(e.headcount for e in quota)
        breakdown = "，".join(f"{e.category}{e.headcount}人" for e in quota)
        parts.append(f"，编制为{total}人，其中{breakdown}。")
    else:
        parts.append("。")
    if actual:
        parts.append("现实有" + "，".join(f"{e.category}{e.headcount}人" for e in actual) + "。")
    if head_name:
        parts.append(f"单位负责人为{head_posts}{head_name}同志。")
    return "".join(parts)


def _line_with_children(line) -> str:
    text = f"{line.name}{_wan(line.amount_yuan)}"
    if line.child_lines:
        text += "，其中：" + "，".join(f"{c.name}{_wan(c.amount_yuan)}" for c in line.child_lines)
    return text


def accounts(
    *, income: Sequence, expenditure: Sequence, economic: Sequence, functional: Sequence
) -> list[str]:
    """The 收支决算情况 paragraph; each argument is a list of top-level lines with child_lines."""
    sentences = []
    if income or expenditure:
        first = []
        if income:
            first.append(f"全年财政拨款收入决算总额{_wan(_total(income))}")
            if len(income) > 1:
                first[-1] += (
                    "（" + "，".join(f"{x.name}{_wan(x.amount_yuan)}" for x in income) + "）"
                )
        if expenditure:
            first.append(f"资金决算支出{_wan(_total(expenditure))}")
        sentences.append("，".join(first) + "。")
    if economic:
        sentences.append(
            "资金按支出性质分" + "；".join(_line_with_children(x) for x in economic) + "。"
        )
    if functional:
        sentences.append(
            "按功能分为：" + "，".join(_line_with_children(x) for x in functional) + "。"
        )
    return sentences


def _total(lines: Iterable) -> Decimal:
    return sum((x.amount_yuan for x in lines), Decimal(0))


COUNT_PHRASES = (
    ("delegations", gettext_noop("出国团组{}个")),
    ("outbound_persons", gettext_noop("出国{}人次")),
    ("vehicles_purchased", gettext_noop("购置车辆{}辆")),
    ("vehicles_held", gettext_noop("年末公务用车保有量{}辆")),
    ("reception_batches", gettext_noop("接待批次{}次")),
    ("reception_persons", gettext_noop("接待人员{}人次")),
    ("accompanying_persons", gettext_noop("陪同人员{}人")),
    ("foreign_reception_batches", gettext_noop("其中接待外宾{}批次")),
    ("foreign_reception_persons", gettext_noop("外宾{}人次")),
)

COUNT_SEPARATOR = gettext_noop("，")


def counts_phrase(record, *, translate: Callable[[str], str] = str) -> str:
    """出国团组2个，出国5人次: the document's wording; with `translate` (gettext) in the
    page's language, for the pages' 数量 column (the exports keep the Chinese)."""
    return translate(COUNT_SEPARATOR).join(
        translate(template).format(getattr(record, field))
        for field, template in COUNT_PHRASES
        if getattr(record, field) is not None
    )


def three_public_item(record) -> str:
    """公务接待费3.54万元，同比基本持平；接待批次57次，接待人员466人次。"""
    text = f"{record.get_item_display()}{_wan(record.amount_yuan)}"
    if record.yoy_remark:
        text += f"，{record.yoy_remark}"
    counts = counts_phrase(record)
    if counts:
        text += f"；{counts}"
    if record.explanation:
        text += f"，{record.explanation.rstrip('。')}"
    return text + "。"


def three_public(*, records: Sequence, total_yuan: Decimal) -> list[str]:
    if not records:
        return []
    return [f"全年“三公”经费总额为{_wan(total_yuan)}。"] + [three_public_item(r) for r in records]
