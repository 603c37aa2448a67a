"""Which public tables a format has, with their columns and fixed rows: configuration data.

A public table is rows × columns and a figure is a cell (DOMAIN.md §7).
"""

from django.db import models

from disclosure.core.audit import AuditTrail

from .codes import KeyManager
from .reference_frozen import FORMAT_USED, SPEC_USED, TABLE_USED, FrozenOnceUsed, used_trigger


class ReportFormat(FrozenOnceUsed):
    """A set of public tables, e.g. 上海市 2024 年度部门决算 (公开01–09表)."""

    key = models.SlugField("格式标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)

    objects = KeyManager()

    used_lookup = ("fiscal_year__report_format", "pk")
    history = AuditTrail()

    class Meta:
        triggers = [used_trigger(FORMAT_USED, what="公开格式")]
        verbose_name = "公开格式"
        verbose_name_plural = "公开格式"

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.key,)


class TableManager(models.Manager):
    def get_by_natural_key(self, report_format, number):
        return self.get(report_format__key=report_format, number=number)


class ColumnManager(models.Manager):
    def get_by_natural_key(self, report_format, number, side, label):
        return self.get(
            table__report_format__key=report_format, table__number=number, side=side, label=label
        )


class RowSource(models.TextChoices):
    FIXED = "fixed", "固定项目"
    FUNCTIONAL = "functional", "功能分类科目"
    ECONOMIC = "economic", "经济分类科目"


class TableSpec(FrozenOnceUsed):
    report_format = models.ForeignKey(
        ReportFormat, verbose_name="公开格式", on_delete=models.CASCADE, related_name="tables"
    )
    number = models.CharField("表号", max_length=4, help_text="例如 01")
    title = models.CharField("表名", max_length=100)
    unit = models.CharField("单位", max_length=10, default="万元")
    row_source = models.CharField("行来源", max_length=12, choices=RowSource.choices)
    two_sided = models.BooleanField("收支两栏", default=False, help_text="收入、支出左右并列的总表")
    note = models.CharField("表注", max_length=300, blank=True)

    objects = TableManager()

    used_lookup = ("fiscal_year__report_format", "report_format_id")
    insert_frozen = True
    history = AuditTrail()

    class Meta:
        triggers = [used_trigger(TABLE_USED, what="公开表", insert=True)]
        verbose_name = "公开表"
        verbose_name_plural = "公开表"
        ordering = ["report_format", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report_format", "number"], name="table_number_once")
        ]

    def __str__(self) -> str:
        return f"公开{self.number}表 {self.title}"

    def natural_key(self):
        return (self.report_format.key, self.number)

    natural_key.dependencies = ["disclosure.reportformat"]


class Measure(models.TextChoices):
    FINAL = "final", "决算数"
    BUDGET = "budget", "预算数"


class ColumnSpec(FrozenOnceUsed):
    table = models.ForeignKey(TableSpec, on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveSmallIntegerField("顺序")
    label = models.CharField("栏目", max_length=50)
    group = models.CharField(
        "栏目组", max_length=50, blank=True, help_text="多层表头的上层，如 本年支出"
    )
    side = models.CharField(
        "所属栏", max_length=4, blank=True, help_text="两栏总表中为 收入 或 支出"
    )
    measure = models.CharField(
        "口径", max_length=10, choices=Measure.choices, default=Measure.FINAL
    )
    printed = models.BooleanField(
        "在表中列出", default=True, help_text="否：只用于情况说明（如各项目的年初预算数）"
    )

    objects = ColumnManager()

    used_lookup = ("fiscal_year__report_format__tables", "table_id")
    insert_frozen = True
    history = AuditTrail()

    class Meta:
        triggers = [used_trigger(SPEC_USED, what="栏目", insert=True)]
        verbose_name = "表栏目"
        verbose_name_plural = "表栏目"
        ordering = ["table", "order"]
        constraints = [
            models.UniqueConstraint(fields=["table", "side", "label"], name="column_label_once")
        ]

    def __str__(self) -> str:
        return "/".join(x for x in (self.side, self.group, self.label) if x)

    def natural_key(self):
        return (*self.table.natural_key(), self.side, self.label)

    natural_key.dependencies = ["disclosure.tablespec"]


class RowRole(models.TextChoices):
    ITEM = "", "项目"
    SUBTOTAL = "subtotal", "小计"
    TOTAL = "total", "合计"


class RowSpec(FrozenOnceUsed):
    """A fixed row of a table's template (年初结转和结余, 本年收入合计, 一般公共服务支出 …)."""

    table = models.ForeignKey(TableSpec, on_delete=models.CASCADE, related_name="row_specs")
    order = models.PositiveSmallIntegerField("顺序")
    side = models.CharField("所属栏", max_length=4, blank=True)
    panel = models.CharField("分栏", max_length=10, blank=True)
    ordinal = models.CharField("序号", max_length=8, blank=True, help_text="如 一、二")
    code = models.CharField("科目编码", max_length=7, blank=True)
    name = models.CharField("项目", max_length=100)
    role = models.CharField("类型", max_length=10, choices=RowRole.choices, blank=True)
    parent_name = models.CharField("上级项目", max_length=100, blank=True)

    used_lookup = ("fiscal_year__report_format__tables", "table_id")
    insert_frozen = True
    history = AuditTrail()

    class Meta:
        triggers = [used_trigger(SPEC_USED, what="固定行", insert=True)]
        verbose_name = "固定行"
        verbose_name_plural = "固定行"
        ordering = ["table", "order"]

    def __str__(self) -> str:
        return self.name
