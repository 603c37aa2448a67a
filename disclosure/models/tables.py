"""A standard-format disclosure's printed rows, its figures (cells) and table notes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from disclosure.core.rows import row_key

from .codes import CODE_FORMAT, LEVELS, ClassificationCode, check_classification
from .fields import NON_NEGATIVE_MESSAGE
from .formats import ColumnSpec, RowRole, TableSpec
from .frozen import DisclosurePart
from .triggers import frozen_part_triggers

# Cells and paragraphs reach their disclosure through their row or section.
ROW_OWNER_SQL = "(SELECT disclosure_id FROM disclosure_reportrow WHERE id = {row}.row_id)"


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
        indexes = [
            # Every list total (`Place.cell`) finds its row by disclosure and printed name: by
            # the disclosure alone each of a page's ~20 totals read all ~200 of its rows
            # (compare 2024 at 2,000 agencies: 40,000 subqueries, 600 → 300 ms).
            models.Index(fields=["disclosure", "name"], name="report_row_name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @property
    def level(self) -> str:
        return LEVELS.get(len(self.code), "")

    @property
    def key(self) -> str:
        """How exports and [[c:…]] references name the row: code, else side/parent/name."""
        parent = self.parent.name if self.parent_id else ""
        return row_key(
            code=self.code, name=self.name, side=self.side, panel=self.panel, parent=parent
        )

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
        triggers = frozen_part_triggers(ROW_OWNER_SQL)
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
