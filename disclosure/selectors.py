"""Reads for the public pages: each page's data in a fixed, small number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bureaus.models import Agency

from . import narrative
from .models import (
    ClassificationCode,
    CodeVersion,
    Disclosure,
    DisclosureFormat,
    ExpenditureLine,
    FiscalYear,
    StaffingKind,
    Statement,
    ThreePublicExpense,
    ThreePublicItem,
    WorkTask,
)
from .reconciliation_selectors import reconciliation_summary
from .references import count_values  # noqa: E402
from .standard_selectors import previous_disclosure, standard_page  # noqa: E402

ITEM_ORDER = {item.value: i for i, item in enumerate(ThreePublicItem)}


@dataclass
class StatementTable:
    key: str
    label: str
    lines: list  # top-level lines, each with .child_lines
    total_yuan: Decimal


@dataclass
class DisclosurePage:
    disclosure: Disclosure
    quota: list
    actual: list
    duties: list
    tasks: list
    statements: list[StatementTable]
    three_public: list
    three_public_total_yuan: Decimal
    standard: object = None  # StandardPage for standard-format years
    units: list = field(default_factory=list)
    glossary: list = field(default_factory=list)
    basic_sentence: str = ""
    accounts_sentences: list[str] = field(default_factory=list)
    three_public_sentences: list[str] = field(default_factory=list)
    reconciliation: object = None  # reconciliation_selectors.Summary: the 数据核对 section

    @property
    def quota_total(self) -> int:
        return sum(e.headcount for e in self.quota)

    @property
    def actual_total(self) -> int:
        return sum(e.headcount for e in self.actual)


def disclosure_get(*, slug: str, year: int, include_drafts: bool = False) -> Disclosure:
    """Raises Disclosure.DoesNotExist for an unknown or (for citizens) unpublished disclosure."""
    qs = Disclosure.objects.select_related("agency", "fiscal_year")
    if not include_drafts:
        qs = qs.published()
    return qs.get(agency__slug=slug, fiscal_year__year=year)


def statement_tables(lines) -> list[StatementTable]:
    """Group lines by statement, in document order, with "其中" children under their parent."""
    by_statement: dict[str, list] = defaultdict(list)
    children: dict[int, list] = defaultdict(list)
    for line in lines:
        if line.parent_id is None:
            by_statement[line.statement].append(line)
        else:
            children[line.parent_id].append(line)
    tables = []
    for statement in Statement:
        top = by_statement.get(statement.value, [])
        for line in top:
            line.child_lines = children.get(line.pk, [])
        if top:
            total = sum((x.amount_yuan for x in top), Decimal(0))
            tables.append(StatementTable(statement.value, statement.label, top, total))
    return tables


def disclosure_page(*, slug: str, year: int, include_drafts: bool = False) -> DisclosurePage:
    disclosure = disclosure_get(slug=slug, year=year, include_drafts=include_drafts)
    staffing = list(disclosure.staffing.all())
    tasks = list(
        WorkTask.objects.filter(disclosure=disclosure).prefetch_related("items").order_by("order")
    )
    lines = list(disclosure.lines.order_by("order", "pk"))
    records = sorted(disclosure.three_public.all(), key=lambda r: ITEM_ORDER[r.item])
    for record in records:
        record.counts_text = narrative.counts_phrase(record)
    tables = statement_tables(lines)
    page = DisclosurePage(
        disclosure=disclosure,
        quota=[e for e in staffing if e.kind == StaffingKind.QUOTA],
        actual=[e for e in staffing if e.kind == StaffingKind.ACTUAL],
        duties=list(disclosure.duties.all()),
        tasks=tasks,
        statements=tables,
        three_public=records,
        three_public_total_yuan=sum(
            (r.amount_yuan for r in records if r.amount_yuan is not None), Decimal(0)
        ),
        reconciliation=reconciliation_summary(disclosure_id=disclosure.pk),
    )
    if disclosure.fiscal_year.disclosure_format == DisclosureFormat.STANDARD:
        page.standard = standard_page(
            disclosure=disclosure,
            previous=previous_disclosure(disclosure),
            counts=count_values(records),
        )
        page.units = list(disclosure.units.all())
        page.glossary = list(disclosure.glossary.all())
        return page
    page.basic_sentence = narrative.basic_situation(
        agency=disclosure.agency,
        quota=page.quota,
        actual=page.actual,
        head_name=disclosure.head_name,
        head_posts=disclosure.head_posts,
    )
    by_key = {t.key: t.lines for t in tables}
    page.accounts_sentences = narrative.accounts(
        income=by_key.get(Statement.INCOME, []),
        expenditure=by_key.get(Statement.EXPENDITURE, []),
        economic=by_key.get(Statement.ECONOMIC, []),
        functional=by_key.get(Statement.FUNCTIONAL, []),
    )
    page.three_public_sentences = narrative.three_public(
        records=records, total_yuan=page.three_public_total_yuan
    )
    return page


def _money_sum(queryset, field_name: str):
    money = DecimalField(max_digits=17, decimal_places=2)
    return Coalesce(
        Subquery(
            queryset.values("disclosure").annotate(total=Sum(field_name)).values("total")[:1],
            output_field=money,
        ),
        Value(Decimal(0)),
        output_field=money,
    )


def published_with_totals():
    """Published disclosures with their total expenditure and three-public total, for lists."""
    expenditure = ExpenditureLine.objects.filter(
        disclosure=OuterRef("pk"), statement=Statement.EXPENDITURE, parent__isnull=True
    )
    three_public = ThreePublicExpense.objects.filter(disclosure=OuterRef("pk"))
    return (
        Disclosure.objects.published()
        .select_related("agency", "fiscal_year")
        .annotate(
            expenditure_yuan=_money_sum(expenditure, "amount_yuan"),
            three_public_yuan=_money_sum(three_public, "amount_yuan"),
        )
    )


def home_page() -> dict:
    disclosures = list(
        Disclosure.objects.published()
        .select_related("agency", "fiscal_year")
        .order_by("agency__region", "agency__name", "-fiscal_year__year")
    )
    years_by_agency: dict[int, list] = defaultdict(list)
    for d in disclosures:
        years_by_agency[d.agency_id].append(d)
    agencies = list(Agency.objects.order_by("region", "name"))
    for agency in agencies:
        agency.published_disclosures = years_by_agency.get(agency.pk, [])
    years = sorted({d.fiscal_year.year for d in disclosures}, reverse=True)
    return {"agencies": agencies, "years": years}


def agency_page(*, slug: str) -> dict:
    agency = Agency.objects.select_related("parent").get(slug=slug)
    disclosures = list(published_with_totals().filter(agency=agency).order_by("-fiscal_year__year"))
    return {"agency": agency, "disclosures": disclosures}


def year_page(*, year: int) -> dict:
    fiscal_year = FiscalYear.objects.get(year=year)
    disclosures = list(
        published_with_totals()
        .filter(fiscal_year=fiscal_year)
        .order_by("agency__region", "agency__name")
    )
    return {"fiscal_year": fiscal_year, "disclosures": disclosures}


def code_version_for_year(year: int) -> CodeVersion | None:
    """The year's own version if set, else the newest version in force that year."""
    fiscal_year = FiscalYear.objects.filter(year=year).select_related("code_version").first()
    if fiscal_year and fiscal_year.code_version:
        return fiscal_year.code_version
    return CodeVersion.objects.filter(first_year__lte=year).order_by("-first_year").first()


def classification_for(*, year: int, scheme: str, code: str) -> ClassificationCode | None:
    version = code_version_for_year(year)
    if version is None:
        return None
    return ClassificationCode.objects.filter(version=version, scheme=scheme, code=code).first()
