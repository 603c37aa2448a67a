import importlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from bureaus.models import Agency
from disclosure.caching.published import published_changed
from disclosure.models import (
    Cell,
    CodeVersion,
    ColumnSpec,
    Disclosure,
    DocumentKind,
    Duty,
    ExpenditureLine,
    ExplanationParagraph,
    ExplanationSection,
    FiscalYear,
    NarrativeFigure,
    ReportFormat,
    ReportRow,
    StaffingEntry,
    TableNote,
    TableSpec,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models import reference_data as reference


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试市第{n}局")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    unit_kind = "行政机关"
    level = "一级局"
    region = "测试市"


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ("year",)

    year = 2014
    disclosure_format = "2014"


class DisclosureFactory(factory.django.DjangoModelFactory):
    """A draft: add its rows, then `publish(disclosure)` (published rows are frozen)."""

    class Meta:
        model = Disclosure

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = factory.SubFactory(FiscalYearFactory)
    status = "draft"
    head_name = "张三"
    head_posts = "局长"


class StaffingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffingEntry

    disclosure = factory.SubFactory(DisclosureFactory)
    kind = "quota"
    category = factory.Sequence(lambda n: f"类别{n}")
    headcount = 1


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    disclosure = factory.SubFactory(DisclosureFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"职能{n}")


class WorkTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTask

    disclosure = factory.SubFactory(DisclosureFactory)
    order = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"任务{n}")


class WorkTaskItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkTaskItem

    task = factory.SubFactory(WorkTaskFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"子项{n}")


class ExpenditureLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenditureLine

    disclosure = factory.SubFactory(DisclosureFactory)
    statement = "functional"
    code = ""
    name = factory.Sequence(lambda n: f"项目{n}")
    order = factory.Sequence(lambda n: n)
    amount_yuan = Decimal("10000.00")


class ThreePublicExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreePublicExpense

    disclosure = factory.SubFactory(DisclosureFactory)
    item = "reception"
    amount_yuan = Decimal("0.00")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")
    is_staff = True

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """permissions=["disclosure.add_disclosure", ...]"""
        for label in extracted or ():
            app_label, codename = label.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if create:
            self.save()


def publish(disclosure: Disclosure) -> Disclosure:
    """Publish a draft built by the factories, skipping the workflow (tested in test_workflow)."""
    Disclosure.objects.filter(pk=disclosure.pk).update(
        status="published", published_at=timezone.now()
    )
    disclosure.refresh_from_db()
    # What the workflow does once a publication has committed: kept public responses move on.
    published_changed()
    return disclosure


CLERK, REVIEWER, AUDITOR = "财务录入员", "审核人员", "审计人员"


def user_in_role(role: str, *, agencies=(), **kwargs):
    """A staff user in one of the groups created by the roles migration, bound to `agencies`."""
    user = UserFactory(**kwargs)
    if not Group.objects.filter(name=role).exists():
        # A transactional test (live_server) flushed the groups the migration created.
        from django.apps import apps

        importlib.import_module("disclosure.migrations.0008_roles").create_roles(apps, None)
        for later in (
            "0013_reviewers_open_years",
            "0014_finding_acknowledgements",
            "0020_reference_history_grants",
        ):
            importlib.import_module(f"disclosure.migrations.{later}").grant(apps, None)
    user.groups.add(Group.objects.get(name=role))
    for agency in agencies:
        agency.clerks.add(user)
    return user


def submitted_in(year: int, agencies: int) -> list[Disclosure]:
    """One submitted disclosure of `year` for each of `agencies` new agencies, each with one
    income line, ready for a reviewer to publish through the workflow."""
    from disclosure.workflow import services

    fiscal_year = FiscalYearFactory(year=year)
    drafts = []
    for _ in range(agencies):
        draft = DisclosureFactory(agency=AgencyFactory(), fiscal_year=fiscal_year)
        ExpenditureLineFactory(disclosure=draft, statement="income", name="财政拨款收入")
        clerk = user_in_role(CLERK, agencies=[draft.agency])
        drafts.append(services.disclosure_submit(disclosure=draft, by=clerk))
    return drafts


def reopened(disclosure: Disclosure) -> Disclosure:
    """A correction draft of a published disclosure (every row copied), opened by a reviewer:
    the way to change the figures of a published document in a test."""
    from disclosure.workflow import corrections

    reviewer = user_in_role(REVIEWER)
    return corrections.disclosure_open_correction(disclosure=disclosure, by=reviewer, reason="测试")


# --- the standard format (2016+): tables of rows × columns, 情况说明 citing the figures ----------
#
# The formats are reference data loaded by a migration (fixtures/formats/shanghai-2024.json):
# the factories look the tables and columns up, never create them, so a test builds only the
# rows and figures its rule needs instead of loading the whole Putuo document.

STANDARD_FORMAT, STANDARD_CODES = "shanghai-2024", "2018"


def yuan(wan: str) -> Decimal:
    """A figure as documents print it, "1092.80" 万元, in the exact 元 the database stores."""
    return (Decimal(wan) * 10000).quantize(Decimal("0.01"))


def _reference(model, key: str):
    reference.ensure_loaded()  # a transactional test (live_server) flushed the migration's rows
    return model.objects.get(key=key)


def table_spec(number: str, report_format: ReportFormat | None = None) -> TableSpec:
    """公开{number}表 of the format (the standard one unless given)."""
    report_format = report_format or _reference(ReportFormat, STANDARD_FORMAT)
    return TableSpec.objects.get(report_format=report_format, number=number)


def tables_of(disclosure: Disclosure) -> ReportFormat:
    """The table set the disclosure is entered in (its year's 决算 set, or the 预算 set)."""
    reference.ensure_loaded()
    return ReportFormat.objects.get(pk=disclosure.table_set_id)


def column_spec(table: TableSpec, label: str, *, side: str = "") -> ColumnSpec:
    return table.columns.get(side=side, label=label)


class StandardFiscalYearFactory(FiscalYearFactory):
    year = 2024
    disclosure_format = "standard"
    code_version = factory.LazyFunction(lambda: _reference(CodeVersion, STANDARD_CODES))
    report_format = factory.LazyFunction(lambda: _reference(ReportFormat, STANDARD_FORMAT))


class StandardDisclosureFactory(DisclosureFactory):
    """A draft in the standard format: add rows with `add_row`, then `publish(disclosure)`."""

    fiscal_year = factory.SubFactory(StandardFiscalYearFactory)


class BudgetDisclosureFactory(StandardDisclosureFactory):
    """A 部门预算 draft of a standard year, entered in the budget's tables (预算表1–9)."""

    kind = DocumentKind.BUDGET


class ReportRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRow

    disclosure = factory.SubFactory(StandardDisclosureFactory)
    table = factory.LazyAttribute(lambda o: table_spec("05", tables_of(o.disclosure)))
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"项目{n}")


class CellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cell

    row = factory.SubFactory(ReportRowFactory)
    column = factory.LazyAttribute(lambda o: o.row.table.columns.filter(side=o.row.side).first())
    amount_yuan = Decimal("0.00")


def add_row(
    disclosure: Disclosure, number: str, name: str, *, cells: dict[str, str] | None = None, **fields
) -> ReportRow:
    """A printed row of 公开{number}表 with its figures in 万元 as printed, by column label:
    add_row(d, "05", "行政运行", code="2120101", cells={"合计": "1092.80"})."""
    table = table_spec(number, tables_of(disclosure))
    row = ReportRowFactory(disclosure=disclosure, table=table, name=name, **fields)
    for label, wan in (cells or {}).items():
        CellFactory(row=row, column=column_spec(table, label, side=row.side), amount_yuan=yuan(wan))
    return row


class TableNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableNote

    disclosure = factory.SubFactory(StandardDisclosureFactory)
    table = factory.LazyAttribute(
        lambda o: table_spec("08", o.disclosure.fiscal_year.report_format)
    )
    text = "本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"


class NarrativeFigureFactory(factory.django.DjangoModelFactory):
    """A figure only the prose states; `value` as the document states it (万元 by default)."""

    class Meta:
        model = NarrativeFigure

    disclosure = factory.SubFactory(StandardDisclosureFactory)
    section = "operating"
    key = factory.Sequence(lambda n: f"数字{n}")
    label = factory.LazyAttribute(lambda o: o.key)
    value = Decimal("0.00")
    unit = "万元"
    order = factory.Sequence(lambda n: n)


class ExplanationSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExplanationSection

    disclosure = factory.SubFactory(StandardDisclosureFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = "一"
    title = "收入支出决算总体情况说明"


class ExplanationParagraphFactory(factory.django.DjangoModelFactory):
    """A paragraph of 情况说明: it cites figures ([[c:表号|科目编码或项目|栏目]], [[f:引用名]])
    and never types them."""

    class Meta:
        model = ExplanationParagraph

    section = factory.SubFactory(ExplanationSectionFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "本年度收支情况见下表。"
