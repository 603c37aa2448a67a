"""情况说明: sections, paragraphs that cite figures, and the figures only the prose states."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from .frozen import DisclosurePart
from .triggers import frozen_part_triggers

SECTION_OWNER_SQL = (
    "(SELECT disclosure_id FROM disclosure_explanationsection WHERE id = {row}.section_id)"
)


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


# c: a table cell, f: a NarrativeFigure, t: a count of a three-public record (item.field),
# l: literal text that is no figure of the account (a threshold or legal amount such as
# "单价100万元（含）以上"): printed as written, and exempt from TYPED_FIGURE, so the clerk
# says so explicitly instead of the check being loosened for everyone.
REFERENCE = re.compile(r"\[\[(?P<kind>[fctl]):(?P<ref>[^\]]+)\]\]")


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
        # [[l:…]] (literal text) is explained in clean()'s message, not here: a new help text
        # would need a migration for no change to the table.
        help_text="数字不要直接输入：引用表格 [[c:表号|科目编码或项目|栏目]] 或数字 [[f:引用名]]。",
    )

    class Meta(DisclosurePart.Meta):
        verbose_name = "段落"
        verbose_name_plural = "段落"
        triggers = frozen_part_triggers(SECTION_OWNER_SQL)
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:30]

    def clean(self) -> None:
        # Whether each reference resolves depends on the disclosure's figures: checked by
        # formats.citations.check_references, which the admin's paragraph form calls.
        plain = REFERENCE.sub("", self.text)
        typed = TYPED_FIGURE.findall(plain)
        if typed:
            raise ValidationError(
                {
                    "text": "情况说明中的数字请引用表格或数字项，不要直接输入；"
                    "标准、限额等不属于决算的数字请写作 [[l:…]]（发现："
                    + "、".join(typed[:5])
                    + "）。"
                }
            )
