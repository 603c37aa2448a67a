"""Parts every disclosure has, whatever its format: staffing, duties, tasks, 三公 records,
consolidated units and the glossary."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .disclosure import THREE_PUBLIC_AMOUNT_IN_RECORD, Disclosure
from .fields import NON_NEGATIVE, NON_NEGATIVE_COUNT, non_negative
from .frozen import DisclosurePart
from .triggers import frozen_part_triggers


class StaffingKind(models.TextChoices):
    QUOTA = "quota", "编制"
    ACTUAL = "actual", "实有人员"


class StaffingEntry(DisclosurePart):
    """编制 (approved posts) and 实有人员 (actual headcount), each by category."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="staffing")
    kind = models.CharField("类型", max_length=10, choices=StaffingKind.choices)
    category = models.CharField("类别", max_length=50, help_text="例如：行政编制、退休人员")
    headcount = models.IntegerField("人数", validators=[NON_NEGATIVE_COUNT])
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta(DisclosurePart.Meta):
        verbose_name = "人员编制与实有人数"
        verbose_name_plural = "人员编制与实有人数"
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "kind", "category"],
                name="staffing_category_once",
                violation_error_message="同一类型下的人员类别不能重复。",
            ),
            non_negative("headcount", "staffing"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.category} {self.headcount}人"


class Duty(DisclosurePart):
    """One item of 基本职能和业务范围 (an ordered list)."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="duties")
    order = models.PositiveSmallIntegerField("序号")
    text = models.TextField("内容")

    class Meta(DisclosurePart.Meta):
        verbose_name = "基本职能"
        verbose_name_plural = "基本职能和业务范围"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}、{self.text[:20]}"


class WorkTask(DisclosurePart):
    """A numbered heading of 年度工作任务; its numbered sub-items are WorkTaskItem."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField("序号")
    heading = models.CharField("标题", max_length=300)

    class Meta(DisclosurePart.Meta):
        verbose_name = "年度工作任务"
        verbose_name_plural = "年度工作任务"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}、{self.heading}"


# A sub-item reaches its disclosure through its task; the trigger needs the same path in SQL.
TASK_OWNER_SQL = "(SELECT disclosure_id FROM disclosure_worktask WHERE id = {row}.task_id)"


class WorkTaskItem(DisclosurePart):
    disclosure_path = "task__disclosure"

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("序号")
    text = models.TextField("内容")

    class Meta(DisclosurePart.Meta):
        verbose_name = "工作任务子项"
        verbose_name_plural = "工作任务子项"
        ordering = ["order", "pk"]
        triggers = frozen_part_triggers(TASK_OWNER_SQL)

    def __str__(self) -> str:
        return f"（{self.order}）{self.text[:20]}"


class ThreePublicItem(models.TextChoices):
    OUTBOUND = "outbound", "因公出国（境）费"
    VEHICLE_PURCHASE = "vehicle_purchase", "公务用车购置费"
    VEHICLE_RUNNING = "vehicle_running", "公务用车运行维护费"
    RECEPTION = "reception", "公务接待费"


# Which counts belong to which item; a count on another item is an entry error.
COUNTS_BY_ITEM = {
    ThreePublicItem.OUTBOUND: ("delegations", "outbound_persons"),
    ThreePublicItem.VEHICLE_PURCHASE: ("vehicles_purchased",),
    ThreePublicItem.VEHICLE_RUNNING: ("vehicles_held",),
    ThreePublicItem.RECEPTION: (
        "reception_batches",
        "reception_persons",
        "accompanying_persons",
        "foreign_reception_batches",
        "foreign_reception_persons",
    ),
}


COUNT_FIELDS = tuple(f for fields in COUNTS_BY_ITEM.values() for f in fields)


def count_field(verbose_name: str) -> models.IntegerField:
    return models.IntegerField(verbose_name, null=True, blank=True, validators=[NON_NEGATIVE_COUNT])


class ThreePublicExpense(DisclosurePart):
    """One of the "three public expenses" with its counts and explanation.

    The total is never stored: it is the sum of the items, so it cannot disagree with them.
    """

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="three_public"
    )
    item = models.CharField("项目", max_length=20, choices=ThreePublicItem.choices)
    # In the standard format the amounts are cells of 公开07表 (预算数/决算数); this record then
    # holds only the counts and explanations, so no amount is stored twice.
    amount_yuan = models.DecimalField(
        "金额（元）",
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NON_NEGATIVE],
    )
    delegations = count_field("出国团组数")
    outbound_persons = count_field("出国人次")
    vehicles_purchased = count_field("购置车辆数")
    vehicles_held = count_field("年末公务用车保有量")
    reception_batches = count_field("接待批次")
    reception_persons = count_field("接待人次")
    accompanying_persons = count_field("陪同人数")
    foreign_reception_batches = count_field("其中：外宾接待批次")
    foreign_reception_persons = count_field("其中：外宾接待人次")
    yoy_remark = models.CharField(
        "同比情况", max_length=100, blank=True, help_text="例如：同比基本持平"
    )
    explanation = models.TextField(
        "说明", blank=True, help_text="例如支出为零的原因：年度没有出国安排"
    )

    class Meta(DisclosurePart.Meta):
        verbose_name = "“三公”经费"
        verbose_name_plural = "“三公”经费"
        ordering = ["disclosure", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "item"],
                name="three_public_item_once",
                violation_error_message="同一份决算中每个“三公”经费项目只能填写一次。",
            ),
            non_negative("amount_yuan", "three_public"),
            *[non_negative(f, "three_public") for f in COUNT_FIELDS],
            # The exports label items by these values (in SQL on PostgreSQL): no other value
            # may reach the table, whatever writes it.
            models.CheckConstraint(
                condition=Q(item__in=ThreePublicItem.values),
                name="three_public_item_known",
                violation_error_message="“三公”经费项目只能是因公出国（境）费、公务用车购置费、公务用车运行维护费或公务接待费。",
            ),
        ]

    def __str__(self) -> str:
        return self.get_item_display()

    def clean(self) -> None:
        fiscal_year = self.disclosure.fiscal_year if self.disclosure_id else None
        # Where the amount lives is the year's format's declaration (see disclosure.formats).
        in_record = (
            THREE_PUBLIC_AMOUNT_IN_RECORD.get(fiscal_year.disclosure_format)
            if (fiscal_year is not None)
            else None
        )
        if in_record is False and self.amount_yuan is not None:
            raise ValidationError(
                {"amount_yuan": "本年度格式的“三公”经费金额填在公开07表中，这里只填数量和说明。"}
            )
        if in_record and self.amount_yuan is None:
            raise ValidationError({"amount_yuan": "请填写金额（万元）。"})
        allowed = COUNTS_BY_ITEM.get(self.item, ())
        errors = {
            field: f"{self._meta.get_field(field).verbose_name}不适用于{self.get_item_display()}。"
            for field in COUNT_FIELDS
            if field not in allowed and getattr(self, field) is not None
        }
        if errors:
            raise ValidationError(errors)


class ConsolidatedUnit(DisclosurePart):
    """决算单位构成: the units whose accounts the department's final accounts consolidate."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="units"
    )
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("单位名称", max_length=100)
    remark = models.CharField("备注", max_length=50, blank=True, help_text="如 本级、下属事业单位")

    class Meta(DisclosurePart.Meta):
        verbose_name = "决算单位"
        verbose_name_plural = "部门决算单位构成"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class GlossaryTerm(DisclosurePart):
    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="glossary"
    )
    order = models.PositiveSmallIntegerField("序号")
    term = models.CharField("名词", max_length=100)
    definition = models.TextField("解释")

    class Meta(DisclosurePart.Meta):
        verbose_name = "名词解释"
        verbose_name_plural = "名词解释"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.term
