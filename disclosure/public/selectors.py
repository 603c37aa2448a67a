"""Reads for the public pages: each page's data in a fixed, small number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bureaus.models import Agency
from disclosure.access import disclosures_visible_to
from disclosure.core.money import format_wan
from disclosure.formats import sentences as narrative
from disclosure.formats.citations import count_values
from disclosure.formats.standard import previous_disclosure, standard_page
from disclosure.models import (
    COUNT_FIELDS,
    Cell,
    ClassificationCode,
    CodeVersion,
    Disclosure,
    DisclosureFormat,
    ExpenditureLine,
    FiscalYear,
    StaffingEntry,
    StaffingKind,
    Statement,
    ThreePublicExpense,
    ThreePublicItem,
    WorkTask,
)
from disclosure.models.states import FROZEN_STATUSES
from disclosure.reconciliation.selectors import reconciliation_summary

ITEM_ORDER = {item.value: i for i, item in enumerate(ThreePublicItem)}


@dataclass
class StatementTable:
    key: str
    label: str
    lines: list  # top-level lines, each with .child_lines
    total_yuan: Decimal


@dataclass
class FigureChange:
    label: str
    old: str  # "—" when the figure was added by the correction
    new: str  # "—" when the correction removed it


@dataclass
class Correction:
    revision: int
    published_at: datetime | None  # None: a correction still in review (staff preview only)
    reason: str
    changes: list[FigureChange]


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
    corrections: list[Correction] = field(default_factory=list)  # newest first
    reconciliation: object = None  # reconciliation_selectors.Summary: the 数据核对 section

    @property
    def quota_total(self) -> int:
        return sum(e.headcount for e in self.quota)

    @property
    def actual_total(self) -> int:
        return sum(e.headcount for e in self.actual)


def disclosure_get(*, slug: str, year: int, viewer=None) -> Disclosure:
    """The current published revision of an agency's year.

    Staff who may read this agency's disclosures (`viewer`) preview its newest revision instead:
    a draft, or a correction in review. Raises Disclosure.DoesNotExist when there is none.
    """
    qs = Disclosure.objects.select_related("agency", "fiscal_year").filter(
        agency__slug=slug, fiscal_year__year=year
    )
    if viewer is not None and viewer.is_authenticated:
        visible = qs.filter(pk__in=disclosures_visible_to(viewer).values("pk"))
        newest = visible.order_by("-revision").first()
        if newest is not None:
            return newest
    return qs.current().get()


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


def disclosure_page(*, slug: str, year: int, viewer=None) -> DisclosurePage:
    disclosure = disclosure_get(slug=slug, year=year, viewer=viewer)
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
    if disclosure.corrects_id is not None:
        page.corrections = correction_history(disclosure)
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


# --- corrections: what changed, old → new, computed from the revisions themselves ---------------


def _wan_text(yuan) -> str:
    return f"{format_wan(yuan)}万元"


def _figures_by_revision(ids: list[int]) -> dict[int, dict[tuple, tuple[str, str]]]:
    """Per revision: figure key → (label, display value). Four queries whatever the size."""
    figures: dict[int, dict] = defaultdict(dict)
    lines = ExpenditureLine.objects.filter(disclosure__in=ids).values_list(
        "disclosure_id", "statement", "code", "name", "amount_yuan"
    )
    for disclosure_id, statement, code, name, amount in lines.order_by("statement", "order", "pk"):
        label = f"{Statement(statement).label}：{f'{code} ' if code else ''}{name}"
        figures[disclosure_id][("line", statement, code, name)] = (label, _wan_text(amount))
    records = ThreePublicExpense.objects.filter(disclosure__in=ids).values_list(
        "disclosure_id", "item", "amount_yuan", *COUNT_FIELDS
    )
    for disclosure_id, item, amount, *counts in records.order_by("item"):
        item_label = f"“三公”经费：{ThreePublicItem(item).label}"
        if amount is not None:  # the standard format keeps the amounts in 公开07表
            figures[disclosure_id][("three_public", item)] = (item_label, _wan_text(amount))
        for name, count in zip(COUNT_FIELDS, counts, strict=True):
            if count is not None:
                verbose = ThreePublicExpense._meta.get_field(name).verbose_name
                figures[disclosure_id][(item, name)] = (f"{item_label}（{verbose}）", str(count))
    cells = Cell.objects.filter(row__disclosure__in=ids).values_list(
        "row__disclosure_id",
        "row__table__number",
        "row__side",
        "row__panel",
        "row__parent__name",
        "row__code",
        "row__name",
        "column__group",
        "column__label",
        "amount_yuan",
    )
    for (
        disclosure_id,
        number,
        side,
        panel,
        parent,
        code,
        name,
        group,
        column,
        amount,
    ) in cells.order_by("row__table__number", "row__order", "column__order"):
        place = "/".join(p for p in (side or panel, parent or "") if p)
        row = f"{code} {name}" if code else (f"{place}/{name}" if place else name)
        measure = "/".join(p for p in (group, column) if p)
        key = ("cell", number, side, panel, parent, code, name, group, column)
        label = f"公开{number}表：{row}（{measure}）"
        figures[disclosure_id][key] = (label, _wan_text(amount))
    staffing = StaffingEntry.objects.filter(disclosure__in=ids).values_list(
        "disclosure_id", "kind", "category", "headcount"
    )
    for disclosure_id, kind, category, headcount in staffing.order_by("kind", "order", "pk"):
        label = f"{StaffingKind(kind).label}：{category}"
        figures[disclosure_id][("staffing", kind, category)] = (label, f"{headcount}人")
    return figures


def _diff(old: dict, new: dict) -> list[FigureChange]:
    changes = [
        FigureChange(label, old[key][1] if key in old else "—", value)
        for key, (label, value) in new.items()
        if key not in old or old[key][1] != value
    ]
    changes += [
        FigureChange(label, value, "—") for key, (label, value) in old.items() if key not in new
    ]
    return changes


def correction_history(disclosure: Disclosure) -> list[Correction]:
    """Every correction up to this revision, newest first, with each changed figure.

    Lines match on (statement, code, name), three-public records on item, staffing on
    (kind, category). Four queries, however many revisions and figures.
    """
    chain = list(
        Disclosure.objects.filter(
            Q(status__in=FROZEN_STATUSES) | Q(pk=disclosure.pk),
            agency=disclosure.agency_id,
            fiscal_year=disclosure.fiscal_year_id,
            revision__lte=disclosure.revision,
        )
        .order_by("revision")
        .values_list("pk", "revision", "corrects_id", "published_at", "correction_reason")
    )
    figures = _figures_by_revision([row[0] for row in chain])
    in_chain = {row[0] for row in chain}
    corrections = [
        Correction(revision, published_at, reason, _diff(figures[corrects], figures[pk]))
        for pk, revision, corrects, published_at, reason in chain
        if corrects in in_chain
    ]
    return corrections[::-1]


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
    """Current published revisions with their expenditure and three-public totals, for lists."""
    expenditure = ExpenditureLine.objects.filter(
        disclosure=OuterRef("pk"), statement=Statement.EXPENDITURE, parent__isnull=True
    )
    three_public = ThreePublicExpense.objects.filter(disclosure=OuterRef("pk"))
    return (
        Disclosure.objects.current()
        .select_related("agency", "fiscal_year")
        .annotate(
            expenditure_yuan=_money_sum(expenditure, "amount_yuan"),
            three_public_yuan=_money_sum(three_public, "amount_yuan"),
        )
    )


def home_page() -> dict:
    disclosures = list(
        Disclosure.objects.current()
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
