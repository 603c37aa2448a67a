"""The 2014 format's statements: lines of 收入/支出/经济分类/功能分类 with "其中" parents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .codes import CODE_FORMAT, check_classification
from .disclosure import Disclosure
from .fields import amount_field, non_negative
from .frozen import DisclosurePart


class Statement(models.TextChoices):
    INCOME = "income", "收入决算"
    EXPENDITURE = "expenditure", "支出决算"
    ECONOMIC = "economic", "支出按性质分（经济分类）"
    FUNCTIONAL = "functional", "支出按功能分类"


class ExpenditureLine(DisclosurePart):
    """One figure of a statement: a row (code and name) with its amount.

    A line with a parent is a "其中" (of which) breakdown of that parent; "其中" lists need not
    be exhaustive, so children may sum to less than their parent, never to more.
    """

    # No index of its own: the indexes in Meta begin with the disclosure (and every line
    # written costs an update of each index; imports write 100,000 at a time).
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    statement = models.CharField("报表", max_length=12, choices=Statement.choices)
    code = models.CharField(
        "科目编码",
        max_length=7,
        blank=True,
        validators=[CODE_FORMAT],
        help_text="政府收支分类科目编码；没有编码的项目（如基本支出）留空。",
    )
    classification = models.ForeignKey(
        "disclosure.ClassificationCode",
        verbose_name="科目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # indexed in Meta, where set
        help_text="本年度科目版本中的科目（功能分类或经济分类）。",
    )
    name = models.CharField("项目名称", max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name="“其中”所属项目",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # indexed in Meta, where set
        related_name="children",
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    amount_yuan = amount_field()

    class Meta(DisclosurePart.Meta):
        verbose_name = "收支决算项目"
        verbose_name_plural = "收支决算项目"
        ordering = ["statement", "order", "pk"]
        constraints = [
            non_negative("amount_yuan", "line"),
            models.UniqueConstraint(
                fields=["disclosure", "statement", "code"],
                condition=~Q(code=""),
                name="line_code_once_per_statement",
                violation_error_message="同一报表中科目编码不能重复。",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="line_not_own_parent"),
            # The exports name statements by these values (in SQL on PostgreSQL).
            models.CheckConstraint(
                condition=Q(statement__in=Statement.values),
                name="line_statement_known",
                violation_error_message="报表只能是收入决算、支出决算、支出按性质分（经济分类）或支出按功能分类。",
            ),
        ]
        indexes = [
            # An import finds repeated names and "其中" parents of its earlier batches by name.
            models.Index(fields=["disclosure", "statement", "name"], name="line_name"),
            # The admin's changelist order (each disclosure's lines as the document prints
            # them): read off this index, not sorted from every line of a nation.
            models.Index(fields=["disclosure", "statement", "order", "id"], name="line_order"),
            # Most lines are not a "其中" and have no classification: only the others are
            # indexed (for the cascade and PROTECT look-ups, and a parent's children).
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="line_parent"),
            models.Index(
                fields=["classification"],
                condition=Q(classification__isnull=False),
                name="line_classification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self) -> None:
        check_classification(self)
        parent = self.parent
        if parent is None:
            return
        if parent.pk == self.pk:
            raise ValidationError({"parent": "项目不能是自己的“其中”项。"})
        if parent.disclosure_id != self.disclosure_id or parent.statement != self.statement:
            raise ValidationError({"parent": "“其中”所属项目必须属于同一份决算的同一张报表。"})
