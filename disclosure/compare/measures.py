"""What the compare page can put side by side: measures (money of one disclosure, from its
format) and indicators (ratios that make agencies of different sizes comparable)."""

from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from disclosure.core.money import per_unit, percent
from disclosure.formats.base import MONEY, registered, with_per_format
from disclosure.models import (
    FindingAcknowledgement,
    Reconciliation,
    ReconciliationFinding,
    StaffingEntry,
    StaffingKind,
    ThreePublicExpense,
    ThreePublicItem,
)
from disclosure.models.findings import Severity

# key → label; the amounts every format's lists already total (Format.total_expressions).
TOTAL_MEASURES = {
    "expenditure": _("支出决算合计"),
    "basic": _("基本支出"),
    "project": _("项目支出"),
    "three_public": _("“三公”经费合计"),
    ThreePublicItem.OUTBOUND.value: ThreePublicItem.OUTBOUND.label,
    "vehicle": _("公务用车购置及运行维护费"),
    ThreePublicItem.VEHICLE_PURCHASE.value: ThreePublicItem.VEHICLE_PURCHASE.label,
    ThreePublicItem.VEHICLE_RUNNING.value: ThreePublicItem.VEHICLE_RUNNING.label,
    ThreePublicItem.RECEPTION.value: ThreePublicItem.RECEPTION.label,
}
OPERATING = ("operating", _("机关运行经费"))
CLASS_PREFIX = "class:"

# Staff for "per staff": the actual headcount in service; retired staff (退休, 离休) are paid
# from other lines and would halve a small bureau's figure.
RETIRED = ("退休", "离休")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # shown in the heading
    shown_as: str = "fen"  # how the page formats it: "fen" (元, two decimals) or "pct"


INDICATORS = (
    Indicator("three_public_per_staff", _("人均“三公”经费"), _("元/人")),
    Indicator("reception_per_batch", _("公务接待费每批次"), _("元")),
    Indicator("reception_per_person", _("公务接待费每人次"), _("元")),
    Indicator("three_public_share", _("“三公”经费占基本支出"), "%", shown_as="pct"),
)


def measure_expressions(key: str) -> dict:
    """{format key: expression of the measure in 元 over OuterRef("pk")}, None where the
    format lacks it."""
    by_format = {}
    for fmt in registered():
        if key == OPERATING[0]:
            by_format[fmt.key] = fmt.operating_expression()
        elif key.startswith(CLASS_PREFIX):
            by_format[fmt.key] = fmt.class_expression(key.removeprefix(CLASS_PREFIX))
        elif key == "vehicle":
            totals = fmt.total_expressions()
            parts = [totals.get("vehicle_purchase"), totals.get("vehicle_running")]
            by_format[fmt.key] = _add(*parts) if all(p is not None for p in parts) else None
        else:
            by_format[fmt.key] = fmt.total_expressions().get(key)
    return by_format


def _add(a, b):
    zero = Value(0, output_field=MONEY)
    return ExpressionWrapper(Coalesce(a, zero) + Coalesce(b, zero), output_field=MONEY)


def _count(field: str):
    records = ThreePublicExpense.objects.filter(
        disclosure=OuterRef("pk"), item=ThreePublicItem.RECEPTION
    )
    return Subquery(records.values(field)[:1], output_field=IntegerField())


def _staff():
    actual = StaffingEntry.objects.filter(disclosure=OuterRef("pk"), kind=StaffingKind.ACTUAL)
    for word in RETIRED:
        actual = actual.exclude(category__contains=word)
    total = actual.values("disclosure").annotate(n=Sum("headcount")).values("n")[:1]
    return Subquery(total, output_field=IntegerField())


def _errors(acknowledged: bool):
    errors = ReconciliationFinding.objects.filter(
        disclosure=OuterRef("pk"), severity=Severity.ERROR
    )
    if acknowledged:
        acks = FindingAcknowledgement.objects.filter(
            disclosure=OuterRef("disclosure"), key=OuterRef("key")
        )
        errors = errors.filter(Exists(acks))
    count = errors.values("disclosure").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def annotate(disclosures, measure: str, *, indicators: bool = True):
    """`value` (the measure), and with `indicators` what they and the check status need."""
    qs = with_per_format(disclosures, value=measure_expressions(measure))
    if not indicators:
        return qs
    qs = with_per_format(
        qs, **{f"m_{k}": measure_expressions(k) for k in ("three_public", "basic", "reception")}
    )
    return qs.annotate(
        staff=_staff(),
        reception_batches=_count("reception_batches"),
        reception_persons=_count("reception_persons"),
        checked=Exists(Reconciliation.objects.filter(disclosure=OuterRef("pk"))),
        errors=_errors(False),
        acknowledged=_errors(True),
    )


def indicator_values(d) -> dict:
    """The indicators of one annotated disclosure (None where a figure or count is missing)."""
    three, basic, reception = d.m_three_public, d.m_basic, d.m_reception
    return {
        "three_public_per_staff": per_unit(three, d.staff),
        "reception_per_batch": per_unit(reception, d.reception_batches),
        "reception_per_person": per_unit(reception, d.reception_persons),
        "three_public_share": percent(three, basic) if three is not None and basic else None,
    }
