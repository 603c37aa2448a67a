"""The fiscal year and the disclosure itself: one agency's document for one year."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from bureaus.models import Agency
from disclosure.core.audit import AuditTrail

from .frozen import GuardedQuerySet, PublishedDisclosureError, refuse_unless_editable
from .reference_frozen import YEAR_USED, FrozenOnceUsed, used_trigger
from .states import EDITABLE_STATUSES, OPEN_STATUSES, DisclosureStatus, fields_allowed_to_change
from .triggers import frozen_disclosure_triggers


class DocumentKind(models.TextChoices):
    """Which of the two documents an agency publishes for a fiscal year: the 部门决算 (final
    accounts, the year after) or the 部门预算 (the budget, that spring). Every lookup of "the"
    disclosure of an agency-year names the kind: there are two."""

    FINAL = "final", "决算"
    BUDGET = "budget", "预算"


# The 部门预算's table set (a ReportFormat loaded from fixtures/formats/). Not a field of the
# year: a year is frozen once a 决算 of it is published, and its budget set is the same in
# every year the district prints it; a second budget layout would become a year's choice.
BUDGET_TABLE_SET = "shanghai-budget-2026"


def budget_table_set_id() -> int | None:
    from .formats import ReportFormat

    return ReportFormat.objects.filter(key=BUDGET_TABLE_SET).values_list("pk", flat=True).first()


def table_sets_of(kind: str, path: str = "report_format") -> Q:
    """The table sets documents of `kind` are entered in, as a filter on `path` to a
    ReportFormat: the budget's one, or every other (the years' 决算 sets)."""
    budget = Q(**{f"{path}__key": BUDGET_TABLE_SET})
    return budget if kind == DocumentKind.BUDGET else ~budget


class DisclosureFormat(models.TextChoices):
    SIMPLE_2014 = "2014", "2014年简式（情况说明）"
    STANDARD = "standard", "标准格式（公开01–09表）"


# Declared by each disclosure format when it registers (disclosure.formats.base.register):
# format key → whether its 三公 records carry the amounts (else the amounts are table cells and
# the records hold counts only). Models cannot import the formats, so the formats write here.
THREE_PUBLIC_AMOUNT_IN_RECORD: dict[str, bool] = {}


class FiscalYear(FrozenOnceUsed):
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

    # Auditors see who opened a year and with which format and code version.
    history = AuditTrail()

    used_lookup = ("fiscal_year", "pk")

    class Meta:
        triggers = [used_trigger(YEAR_USED, what="年度")]
        verbose_name = "年度"
        verbose_name_plural = "年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度"


class DisclosureQuerySet(GuardedQuerySet):
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

    def finals(self):
        return self.filter(kind=DocumentKind.FINAL)

    def budgets(self):
        return self.filter(kind=DocumentKind.BUDGET)


class Disclosure(models.Model):
    """One agency's final accounts for one fiscal year: the narrative and, below it, the figures.

    A correction of a published disclosure is a new row of the same agency and year with the
    next `revision`, pointing at the revision it `corrects`; publishing it supersedes the old one.
    """

    disclosure_path = ""  # the row is its own disclosure (see models.frozen.DisclosurePart)

    agency = models.ForeignKey(
        Agency, verbose_name="单位", on_delete=models.PROTECT, related_name="disclosures"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="年度", on_delete=models.PROTECT, related_name="disclosures"
    )
    kind = models.CharField(
        "文件类型",
        max_length=10,
        choices=DocumentKind.choices,
        default=DocumentKind.FINAL,
        help_text="部门决算或部门预算",
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
                fields=["agency", "fiscal_year", "kind", "revision"],
                name="one_disclosure_per_agency_year_revision",
                violation_error_message="该单位该年度的决算公开已存在，请编辑已有的一份。",
            ),
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "kind"],
                condition=Q(status=DisclosureStatus.PUBLISHED),
                name="one_current_disclosure_per_agency_year",
                violation_error_message="该单位该年度已有一份现行的已发布决算公开。",
            ),
            models.UniqueConstraint(
                fields=["agency", "fiscal_year", "kind"],
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
        triggers = frozen_disclosure_triggers()

    def __str__(self) -> str:
        revision = f"（第{self.revision}版）" if self.revision > 1 else ""
        return f"{self.agency.name} {self.fiscal_year.year}年度{self.get_kind_display()}{revision}"

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
        name = "budget_detail" if self.kind == DocumentKind.BUDGET else "disclosure_detail"
        return reverse(name, kwargs={"slug": self.agency.slug, "year": self.fiscal_year.year})

    def get_csv_url(self) -> str:
        name = "budget_csv" if self.kind == DocumentKind.BUDGET else "disclosure_csv"
        return reverse(name, kwargs={"slug": self.agency.slug, "year": self.fiscal_year.year})

    def delete(self, *args, **kwargs):
        refuse_unless_editable([self.pk])
        return super().delete(*args, **kwargs)

    @property
    def table_set_id(self) -> int | None:
        """The table set this document is entered and printed in: the year's 决算 tables, or
        the 预算 tables (BUDGET_TABLE_SET) for a budget."""
        if self.kind == DocumentKind.BUDGET:
            return budget_table_set_id()
        return self.fiscal_year.report_format_id
