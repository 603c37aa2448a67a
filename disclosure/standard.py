"""The standard (2016+) disclosure: classification codes, configurable tables, cells, narrative.

A public table is rows × columns and a figure is a cell (DOMAIN.md §7): which tables a format
has, and their columns and fixed rows, is configuration data (TableSpec, ColumnSpec, RowSpec);
a disclosure's rows and cells are its figures (ReportRow, Cell). Imported by models.py.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from .immutability import DisclosurePart, frozen_part_trigger

# Cells and paragraphs reach their disclosure through their row or section.
ROW_OWNER_SQL = "(SELECT disclosure_id FROM disclosure_reportrow WHERE id = {row}.row_id)"
SECTION_OWNER_SQL = (
    "(SELECT disclosure_id FROM disclosure_explanationsection WHERE id = {row}.section_id)"
)

NON_NEGATIVE_MESSAGE = "金额不能为负数。"
CODE_FORMAT = RegexValidator(
    r"^(\d{3}|\d{5}|\d{7})$", "科目编码应为 3 位（类）、5 位（款）或 7 位（项）数字。"
)
LEVELS = {3: "类", 5: "款", 7: "项"}


class CodeScheme(models.TextChoices):
    FUNCTIONAL = "functional", "支出功能分类"
    ECONOMIC = "economic", "部门预算支出经济分类"
    ECONOMIC_GOV = "economic_gov", "政府预算支出经济分类"


class KeyManager(models.Manager):
    """Natural keys, so fixtures refer to reference data by its key, not its database id."""

    def get_by_natural_key(self, key):
        return self.get(key=key)


class CodeVersion(models.Model):
    """A version of 政府收支分类科目: codes are stable, names change (2014 set, 2018+ set)."""

    key = models.SlugField("版本标识", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    first_year = models.PositiveSmallIntegerField("起始年度")

    objects = KeyManager()

    class Meta:
        verbose_name = "科目版本"
        verbose_name_plural = "科目版本"
        ordering = ["first_year"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.key,)


class CodeManager(models.Manager):
    def get_by_natural_key(self, version, scheme, code):
        return self.get(version__key=version, scheme=scheme, code=code)


class ClassificationCode(models.Model):
    version = models.ForeignKey(
        CodeVersion, verbose_name="科目版本", on_delete=models.PROTECT, related_name="codes"
    )
    scheme = models.CharField("分类", max_length=15, choices=CodeScheme.choices)
    code = models.CharField("科目编码", max_length=7, validators=[CODE_FORMAT])
    name = models.CharField("科目名称", max_length=100)

    objects = CodeManager()

    class Meta:
        verbose_name = "政府收支分类科目"
        verbose_name_plural = "政府收支分类科目"
        ordering = ["version", "scheme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "scheme", "code"],
                name="code_once_per_version",
                violation_error_message="同一版本同一分类中科目编码不能重复。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.version.key, self.scheme, self.code)

    natural_key.dependencies = ["disclosure.codeversion"]

    @property
    def level(self) -> str:
        return LEVELS.get(len(self.code), "")

    @property
    def parent_code(self) -> str:
        """2010301 → 20103 → 201: the parent is the code's prefix."""
        return {7: self.code[:5], 5: self.code[:3]}.get(len(self.code), "")


def check_classification(line) -> None:
    """A line's code (ExpenditureLine or ReportRow) must match its classification, which must
    belong to the code version of the disclosure's year."""
    if not line.classification_id:
        return
    if line.classification.code != line.code:
        raise ValidationError({"classification": "科目与科目编码不一致。"})
    fiscal_year = line.disclosure.fiscal_year if line.disclosure_id else None
    version = fiscal_year.code_version_id if fiscal_year else None
    if version and line.classification.version_id != version:
        raise ValidationError({"classification": "该科目不属于本年度使用的科目版本。"})


class ReportFormat(models.Model):
    """A set of public tables, e.g. 上海市 2024 年度部门决算 (公开01–09表)."""

    key = models.SlugField("格式标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)

    objects = KeyManager()

    class Meta:
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


class TableSpec(models.Model):
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

    class Meta:
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


class ColumnSpec(models.Model):
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

    class Meta:
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


class RowSpec(models.Model):
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

    class Meta:
        verbose_name = "固定行"
        verbose_name_plural = "固定行"
        ordering = ["table", "order"]

    def __str__(self) -> str:
        return self.name


class ReportRow(DisclosurePart):
    """One printed row of one public table of one disclosure."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="report_rows"
    )
    table = models.ForeignKey(TableSpec, verbose_name="公开表", on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField("顺序")
    side = models.CharField("所属栏", max_length=4, blank=True)
    panel = models.CharField("分栏", max_length=10, blank=True, help_text="如 人员经费、公用经费")
    ordinal = models.CharField("序号", max_length=8, blank=True)
    code = models.CharField("科目编码", max_length=7, blank=True, validators=[CODE_FORMAT])
    classification = models.ForeignKey(
        ClassificationCode,
        verbose_name="科目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="本年度科目版本中的科目；编码与名称按表格印制的方式显示。",
    )
    name = models.CharField("项目", max_length=100)
    role = models.CharField("类型", max_length=10, choices=RowRole.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级项目",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    explanation = models.TextField(
        "变动说明", blank=True, help_text="较上年或较预算变动较大的原因，公开页面显示在数字旁"
    )

    class Meta(DisclosurePart.Meta):
        verbose_name = "公开表行"
        verbose_name_plural = "公开表行"
        ordering = ["table", "order", "pk"]
        constraints = [
            # Rows are identified by their place: a name can legitimately recur in one table
            # (表04 prints 一般公共预算财政拨款 as income and again under 年初结转和结余).
            models.UniqueConstraint(
                fields=["disclosure", "table", "order"],
                name="report_row_place_once",
                violation_error_message="同一张表中该行号已存在。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def level(self) -> str:
        return LEVELS.get(len(self.code), "")

    @property
    def key(self) -> str:
        """How exports and [[c:…]] references name the row: code, else side/parent/name."""
        if self.code:
            return self.code
        parts = [self.side or self.panel, self.parent.name if self.parent_id else "", self.name]
        return "/".join(p for p in parts if p)

    def clean(self) -> None:
        check_classification(self)


class Cell(DisclosurePart):
    """A figure: (row, column) → amount in exact 元."""

    disclosure_path = "row__disclosure"

    row = models.ForeignKey(ReportRow, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(ColumnSpec, verbose_name="栏目", on_delete=models.PROTECT)
    amount_yuan = models.DecimalField("金额（元）", max_digits=15, decimal_places=2)

    class Meta(DisclosurePart.Meta):
        verbose_name = "数字"
        verbose_name_plural = "数字"
        triggers = [frozen_part_trigger(ROW_OWNER_SQL)]
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="cell_once"),
            models.CheckConstraint(condition=Q(amount_yuan__gte=0), name="cell_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.row} {self.column}"

    def clean(self) -> None:
        if self.amount_yuan is not None and self.amount_yuan < 0:
            raise ValidationError({"amount_yuan": NON_NEGATIVE_MESSAGE})
        if self.row_id and self.column_id and self.column.table_id != self.row.table_id:
            raise ValidationError({"column": "栏目不属于该行所在的表。"})


class TableNote(DisclosurePart):
    """The note published with a table of this disclosure, e.g. why it is empty."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="table_notes"
    )
    table = models.ForeignKey(TableSpec, verbose_name="公开表", on_delete=models.PROTECT)
    text = models.TextField("说明")

    class Meta(DisclosurePart.Meta):
        verbose_name = "表说明"
        verbose_name_plural = "表说明（空表说明）"
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "table"], name="table_note_once")
        ]

    def __str__(self) -> str:
        return self.text[:30]


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


class FigureSection(models.TextChoices):
    OVERALL = "overall", "收支总体情况"
    OPERATING = "operating", "机关运行经费"
    PROCUREMENT = "procurement", "政府采购"
    ASSETS = "assets", "国有资产占用"
    PERFORMANCE = "performance", "预算绩效"
    THREE_PUBLIC = "three_public", "“三公”经费"
    OTHER = "other", "其他"


class FigureUnit(models.TextChoices):
    WAN = "万元", "万元"
    PERCENT = "%", "%"
    PIECES = "个", "个"
    VEHICLES = "辆", "辆"
    SETS = "台（套）", "台（套）"
    PERSON_TIMES = "人次", "人次"
    BATCHES = "批次", "批次"
    POINTS = "分", "分"


class NarrativeFigure(DisclosurePart):
    """A figure the 情况说明 states that no table holds (机关运行经费, 政府采购, 资产, 绩效 …).

    Paragraphs cite it as [[f:key]]; it is stored once and printed wherever it is cited.
    Percentages are stored as the document states them, so that a check can compare them
    with the figures they are computed from.
    """

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="figures"
    )
    section = models.CharField("部分", max_length=15, choices=FigureSection.choices)
    key = models.CharField(
        "引用名",
        max_length=60,
        validators=[RegexValidator(r"^[^\s\[\]|:]+$", "引用名不能含空格、[ ] | 或 :")],
        help_text="段落中用 [[f:引用名]] 引用",
    )
    label = models.CharField("说明", max_length=100)
    value = models.DecimalField("数值", max_digits=15, decimal_places=2)
    unit = models.CharField("单位", max_length=8, choices=FigureUnit.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta(DisclosurePart.Meta):
        verbose_name = "情况说明数字"
        verbose_name_plural = "情况说明数字（机关运行经费、政府采购、国有资产、绩效等）"
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "key"],
                name="figure_key_once",
                violation_error_message="同一份决算中引用名不能重复。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.value}{self.unit}"


# A figure typed into prose instead of cited: digits followed by a unit of measure.
TYPED_FIGURE = re.compile(
    r"\d[\d,，]*(?:\.\d+)?\s*(?:万元|元|%|％|辆|批次|人次|个|台（套）|分(?!钟))"
)
# c: a table cell, f: a NarrativeFigure, t: a count of a three-public record (item.field).
REFERENCE = re.compile(r"\[\[(?P<kind>[fct]):(?P<ref>[^\]]+)\]\]")


class ExplanationSection(DisclosurePart):
    """A section of 情况说明 (一、收入支出决算总体情况说明 …), possibly with sub-sections."""

    disclosure = models.ForeignKey(
        "disclosure.Disclosure", on_delete=models.CASCADE, related_name="explanation_sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级部分",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subsections",
    )
    order = models.PositiveSmallIntegerField("顺序")
    number = models.CharField("序号", max_length=8, help_text="如 一 或 （一）")
    title = models.CharField("标题", max_length=200)

    class Meta(DisclosurePart.Meta):
        verbose_name = "情况说明部分"
        verbose_name_plural = "情况说明"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.number}、{self.title}"
            if self.parent_id is None
            else f"{self.number}{self.title}"
        )


class ExplanationParagraph(DisclosurePart):
    disclosure_path = "section__disclosure"

    section = models.ForeignKey(
        ExplanationSection, on_delete=models.CASCADE, related_name="paragraphs"
    )
    order = models.PositiveSmallIntegerField("顺序")
    text = models.TextField(
        "段落",
        help_text="数字不要直接输入：引用表格 [[c:表号|科目编码或项目|栏目]] 或数字 [[f:引用名]]。",
    )

    class Meta(DisclosurePart.Meta):
        verbose_name = "段落"
        verbose_name_plural = "段落"
        triggers = [frozen_part_trigger(SECTION_OWNER_SQL)]
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:30]

    def clean(self) -> None:
        from .references import unresolved, values_for

        if self.section_id:
            missing = unresolved(self.text, **values_for(self.section.disclosure))
            if missing:
                raise ValidationError({"text": "引用不存在：" + "、".join(missing[:5]) + "。"})
        plain = REFERENCE.sub("", self.text)
        typed = TYPED_FIGURE.findall(plain)
        if typed:
            raise ValidationError(
                {
                    "text": "情况说明中的数字请引用表格或数字项，不要直接输入（发现："
                    + "、".join(typed[:5])
                    + "）。"
                }
            )
