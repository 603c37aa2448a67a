"""Budget and final side by side on the 决算's page, once the year's 部门预算 is published:
per functional 项 (matched by code), for each 三公 item and for 机关运行经费, the published
预算数, the 决算数 and the execution rate (决算数 as a share of 预算数). Two queries."""

from dataclasses import dataclass
from decimal import Decimal

from disclosure.core.money import YUAN_PER_WAN, percent
from disclosure.models import Cell, Disclosure, FigureUnit, NarrativeFigure

VEHICLE = "公务用车购置及运行维护费"
# (the 决算's 公开07表 row, the budget's table 9 row): the same item by the same name.
THREE_PUBLIC = [
    ("合计", ""),
    ("因公出国（境）费", ""),
    (VEHICLE, ""),
    ("公务用车购置费", VEHICLE),
    ("公务用车运行维护费", VEHICLE),
    ("公务接待费", ""),
]
OPERATING = "机关运行经费"


@dataclass
class Executed:
    label: str
    budget_yuan: Decimal | None
    final_yuan: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        """决算数 as a percentage of 预算数; None when either is missing or the budget is 0."""
        if self.budget_yuan is None or self.final_yuan is None:
            return None
        return percent(self.final_yuan, self.budget_yuan)


@dataclass
class Execution:
    budget: Disclosure
    items: list[Executed]  # per 项, in code order
    three_public: list[Executed]
    operating: Executed | None


def execution(*, final: Disclosure, budget: Disclosure) -> Execution:
    cells = Cell.objects.filter(
        row__disclosure__in=[final.pk, budget.pk],
        row__table__number__in=["05", "07", "09"],
    ).values_list(
        "row__disclosure_id",
        "row__table__number",
        "row__code",
        "row__name",
        "row__parent__name",
        "column__label",
        "amount_yuan",
    )
    final_items, budget_items, names = {}, {}, {}
    final_07, budget_09 = {}, {}
    for owner, number, code, name, parent, label, amount in cells:
        own = owner == final.pk
        if number == "05" and len(code) == 7 and label == "合计":
            (final_items if own else budget_items)[code] = amount
            names.setdefault(code, name)
        elif own and number == "07" and label == "决算数":
            final_07[(name, parent or "")] = amount
        elif not own and number == "09" and label == "预算数":
            budget_09[(name, parent or "")] = amount
    items = [
        Executed(f"{code} {names[code]}", budget_items.get(code), final_items.get(code))
        for code in sorted(set(final_items) | set(budget_items))
    ]
    three_public = [
        Executed(name, budget_09.get((name, parent)), final_07.get((name, parent)))
        for name, parent in THREE_PUBLIC
        if (name, parent) in budget_09 or (name, parent) in final_07
    ]
    stated = (
        NarrativeFigure.objects.filter(disclosure=final, key=OPERATING, unit=FigureUnit.WAN)
        .values_list("value", flat=True)
        .first()
    )
    operating = None
    if (OPERATING, "") in budget_09 or stated is not None:
        operating = Executed(
            OPERATING,
            budget_09.get((OPERATING, "")),
            stated * YUAN_PER_WAN if stated is not None else None,
        )
    return Execution(budget, items, three_public, operating)
