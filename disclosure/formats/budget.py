"""The 部门预算 (budget) as a format: the Shanghai district budget tables 1–9 as data
(fixtures/formats/shanghai-budget-2026.json), entered, stored and printed as the standard
format's tables are (rows × columns → cells), with its own list totals and places.

A budget is a document kind, not a year's format: `format_for` picks this format for every
disclosure of kind 预算, whatever the year's 决算 format.
"""

from django.db.models import Q

from disclosure.models import DocumentKind

from .base import register_kind
from .standard import VEHICLE, Place, Standard


class Budget(Standard):
    key = "budget"
    kind = DocumentKind.BUDGET
    # The exports name its tables as the budget prints them: 预算08表, not 公开08表.
    TABLE_PREFIX = "预算"
    OWN_MEASURE = "budget"  # every column of its tables is a 预算数

    # Every figure of a budget is a 预算数: the totals come from the budget tables' own columns.
    TOTALS = {
        "income": (
            Place("01", "收入总计", "预算数", side="收入"),
            Place("02", "合计", "合计"),
        ),
        "expenditure": (
            Place("01", "支出总计", "预算数", side="支出"),
            Place("03", "合计", "合计"),
        ),
        "basic": (Place("03", "合计", "基本支出"),),
        "project": (Place("03", "合计", "项目支出"),),
        "three_public": (Place("09", "合计", "预算数"),),
        "outbound": (Place("09", "因公出国（境）费", "预算数"),),
        "vehicle_purchase": (Place("09", "公务用车购置费", "预算数", parent=VEHICLE),),
        "vehicle_running": (Place("09", "公务用车运行维护费", "预算数", parent=VEHICLE),),
        "reception": (Place("09", "公务接待费", "预算数"),),
    }
    CLASS_TABLE, CLASS_COLUMN = "03", "合计"
    # The budget prints 机关运行经费 in its table 9 (the 决算 only in 情况说明).
    OPERATING = Place("09", "机关运行经费", "预算数")

    def owns(self, path: str = "disclosure") -> Q:
        return Q(**{f"{path}__kind": DocumentKind.BUDGET})

    def operating_expression(self):
        return self.OPERATING.cell()

    def reconciliation_parts(self, ids: list[int], *, kinds) -> dict[int, dict]:
        # The same tables as the standard format's, whose own figures are the 预算数 columns;
        # the engine runs the budget's rules on them (Facts.kind).
        parts = super().reconciliation_parts(ids, kinds=kinds)
        for part in parts.values():
            part["kind"] = DocumentKind.BUDGET.value
            for table in part["tables"].values():
                table.own_measure = self.OWN_MEASURE
        return parts


# Not in the year formats' registry: the lists, search and compare iterate those (the 决算's);
# the budget is found by its kind.
BUDGET = register_kind(Budget())
