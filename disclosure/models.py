from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from bureaus.models import Agency

from .audit import AuditTrail
from .immutability import (
    DisclosurePart,
    GuardedQuerySet,
    PublishedDisclosureError,
    frozen_disclosure_trigger,
    frozen_part_trigger,
    refuse_unless_editable,
)

# The standard-format models live in their own module to keep this one readable.
from .standard import (  # noqa: F401
    CODE_FORMAT,
    Cell,
    ClassificationCode,
    CodeScheme,
    CodeVersion,
    ColumnSpec,
    ConsolidatedUnit,
    ExplanationParagraph,
    ExplanationSection,
    FigureSection,
    FigureUnit,
    GlossaryTerm,
    Measure,
    NarrativeFigure,
    ReportFormat,
    ReportRow,
    RowRole,
    RowSource,
    RowSpec,
    TableNote,
    TableSpec,
    check_classification,
)
from .workflow import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    DisclosureStatus,
    fields_allowed_to_change,
)

NON_NEGATIVE = MinValueValidator(Decimal("0"), message="金额不能为负数。")
NON_NEGATIVE_COUNT = MinValueValidator(0, message="数量不能为负数。")


def amount_field(verbose_name: str = "金额（元）") -> models.DecimalField:
    """Exact 元 to the fen; up to 9,999,999,999,999.99 元 (about a trillion 万元)."""
    return models.DecimalField(
        verbose_name, max_digits=15, decimal_places=2, validators=[NON_NEGATIVE]
    )


def non_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}), name=f"{model}_{field}_gte_0"
    )


class DisclosureFormat(models.TextChoices):
    SIMPLE_2014 = "2014", "2014年简式（情况说明）"
    STANDARD = "standard", "标准格式（公开01–09表）"


class FiscalYear(models.Model):
    year = models.PositiveSmallIntegerField(
        "年度",
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    disclosure_format = models.CharField(
        "公开格式",
        max_length=10,
        choices=DisclosureFormat.choices,
        default=DisclosureFormat.STANDARD,
    )
    code_version = models.ForeignKey(
        "disclosure.CodeVersion",
        verbose_name="科目版本",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="本年度使用的政府收支分类科目版本",
    )
    report_format = models.ForeignKey(
        "disclosure.ReportFormat",
        verbose_name="公开表格式",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="标准格式年度的公开表组成",
    )

    class Meta:
        verbose_name = "年度"
        verbose_name_plural = "年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度"


class DisclosureQuerySet(GuardedQuerySet):
    def published(self):
        return self.filter(status=DisclosureStatus.PUBLISHED)

    def current(self):
        """What citizens read: per agency and year, the one published revision.

        Earlier revisions of a corrected disclosure are superseded, and a constraint allows one
        published revision per agency and year, so this is exactly the current revision.
        """
        return self.filter(status=DisclosureStatus.PUBLISHED)

    def editable(self):
        return self.filter(status__in=EDITABLE_STATUSES)

    def for_year(self, year: int):
        return self.filter(fiscal_year__year=year)


class Disclosure(models.Model):
    """One agency's final accounts for one fiscal year: the narrative and, below it, the figures.

    A correction of a published disclosure is a new row of the same agency and year with the
    next `revision`, pointing at the revision it `corrects`; publishing it supersedes the old one.
    """

    disclosure_path = ""  # the row is its own disclosure (see immutability.DisclosurePart)

    agency = models.ForeignKey(
        Agency, verbose_name="单位", on_delete=models.PROTECT, related_name="disclosures"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="年度", on_delete=models.PROTECT, related_name="disclosures"
    )
    status = models.CharField(
        "状态", max_length=10, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT
    )
    # Null for a historical document whose publication date is not known (the 2014 seed).
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    revision = models.PositiveSmallIntegerField("修订版本", default=1, editable=False)
    corrects = models.ForeignKey(
        "self",
        verbose_name="所更正的版本",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="corrections",
    )
    correction_reason = models.TextField("更正原因", blank=True, editable=False)
    return_comment = models.TextField("退回意见", blank=True, editable=False)
    publication_note = models.TextField(
        "发布说明", blank=True, editable=False, help_text="审核人员对核对警告的解释。"
    )
    # Optimistic locking: every save through the admin or a service increments it, and a save
    # carrying an older number is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField("版本号", default=1)
    head_name = models.CharField("单位负责人", max_length=50, blank=True)
    head_posts = models.CharField(
        "负责人职务", max_length=200, blank=True, help_text="例如：市政府办公室副主任、信访局长"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DisclosureQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = "决算公开"
        verbose_name_plural = "决算公开"
        ordering = ["-fiscal_year__year", "agency__name", "-revision"]
        base_manager_name = "objects"
        permissions = [
            ("submit_disclosure", "可以提交决算公开审核"),
            ("return_disclosure", "可以退回决算公开"),
            ("publish_disclosure", "可以发布决算公开"),
            ("correct_disclosure", "可以发起决算公开更正"),
            ("view_all_agencies", "可以查看所有单位的决算公开"),
            ("import_disclosure", "可以导入决算数据"),
            ("export_disclosure", "可以导出决算数据"),
        ]
        constraints = [
            # A clerk adding a second disclosure for an agency and year meets this one first.
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "revision"],
                name="one_disclosure_per_agency_year_revision",
                violation_error_message="该单位该年度的决算公开已存在，请编辑已有的一份。",
            ),
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"],
                condition=Q(status=DisclosureStatus.PUBLISHED),
                name="one_current_disclosure_per_agency_year",
                violation_error_message="该单位该年度已有一份现行的已发布决算公开。",
            ),
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_revision_per_agency_year",
                violation_error_message="该单位该年度已有一份正在编辑或审核中的决算公开。",
            ),
            models.CheckConstraint(
                condition=Q(revision=1, corrects__isnull=True)
                | Q(revision__gt=1, corrects__isnull=False),
                name="correction_points_to_what_it_corrects",
                violation_error_message="更正版本必须指向所更正的版本。",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="correction_has_a_reason",
                violation_error_message="请填写更正原因。",
            ),
        ]
        triggers = [frozen_disclosure_trigger()]

    def __str__(self) -> str:
        revision = f"（第{self.revision}版）" if self.revision > 1 else ""
        return f"{self.agency.name} {self.fiscal_year.year}年度决算{revision}"

    def save(self, *args, **kwargs):
        # Content of a submitted or published disclosure is locked; only the workflow's own
        # status changes (made by the services, with update_fields) get through.
        if not self._state.adding and self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True)
            stored_status = stored.first()
            if stored_status is not None and stored_status not in EDITABLE_STATUSES:
                allowed = fields_allowed_to_change(stored_status, self.status)
                update_fields = kwargs.get("update_fields")
                if not update_fields or not set(update_fields) <= allowed:
                    raise PublishedDisclosureError()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "disclosure_detail", kwargs={"slug": self.agency.slug, "year": self.fiscal_year.year}
        )

    def get_csv_url(self) -> str:
        return reverse(
            "disclosure_csv", kwargs={"slug": self.agency.slug, "year": self.fiscal_year.year}
        )

    def delete(self, *args, **kwargs):
        refuse_unless_editable([self.pk])
        return super().delete(*args, **kwargs)


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
        triggers = [frozen_part_trigger(TASK_OWNER_SQL)]

    def __str__(self) -> str:
        return f"（{self.order}）{self.text[:20]}"


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
        ]
        indexes = [
            # An import finds repeated names and "其中" parents of its earlier batches by name.
            models.Index(fields=["disclosure", "statement", "name"], name="line_name"),
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
        ]

    def __str__(self) -> str:
        return self.get_item_display()

    def clean(self) -> None:
        fiscal_year = self.disclosure.fiscal_year if self.disclosure_id else None
        if fiscal_year is not None:
            standard = fiscal_year.disclosure_format == DisclosureFormat.STANDARD
            if standard and self.amount_yuan is not None:
                raise ValidationError(
                    {"amount_yuan": "标准格式的“三公”经费金额填在公开07表中，这里只填数量和说明。"}
                )
            if not standard and self.amount_yuan is None:
                raise ValidationError({"amount_yuan": "请填写金额（万元）。"})
        allowed = COUNTS_BY_ITEM.get(self.item, ())
        errors = {
            field: f"{self._meta.get_field(field).verbose_name}不适用于{self.get_item_display()}。"
            for field in COUNT_FIELDS
            if field not in allowed and getattr(self, field) is not None
        }
        if errors:
            raise ValidationError(errors)


# Stored reconciliation findings (the engine is the disclosure/reconciliation package).
from .reconciliation_models import Reconciliation, ReconciliationFinding  # noqa: E402, F401
