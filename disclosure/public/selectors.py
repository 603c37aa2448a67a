"""Reads for the public pages: each page's data in a fixed, small number of queries (the
list pages' are in lists.py)."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from disclosure.access import disclosures_visible_to
from disclosure.charts.build import disclosure_charts
from disclosure.formats import sentences as narrative
from disclosure.formats.base import format_for, registered, this_and_last_year, with_totals
from disclosure.models import (
    ClassificationCode,
    CodeVersion,
    Disclosure,
    DisclosureStatus,
    DocumentKind,
    FiscalYear,
    StaffingKind,
    ThreePublicExpense,
    ThreePublicItem,
    WorkTask,
)
from disclosure.reconciliation.selectors import reconciliation_summary
from disclosure.workflow.corrections import Correction, correction_history

from .execution import execution

ITEM_ORDER = {item.value: i for i, item in enumerate(ThreePublicItem)}


@dataclass(frozen=True)
class Downloads:
    """A page's own files ("下载：CSV · Excel · JSON"): the JSON is the page's `.json` sibling,
    served by the API (disclosure.api)."""

    csv: str
    xlsx: str
    json: str


def page_downloads(page: str, csv: str, xlsx: str, *args) -> Downloads:
    """A page's files by URL name; the JSON is the page's path with `.json` (the home page's
    is /index.json)."""
    # The `.json` siblings are not localised (config/urls.py): built from the page's
    # unprefixed path, so the English page links to the same JSON as the Chinese one.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(page, args=args)
    json = "/index.json" if path == "/" else path.rstrip("/") + ".json"
    return Downloads(reverse(csv, args=args), reverse(xlsx, args=args), json)


@dataclass
class DisclosurePage:
    """The parts every format has, and the format's own part (`part`, shown by `template`)."""

    disclosure: Disclosure
    template: str
    quota: list
    actual: list
    duties: list
    tasks: list
    three_public: list  # the 三公 records in item order, with their counts phrase
    part: object = None  # the format's page_part: statements, or tables and 情况说明
    corrections: list[Correction] = field(default_factory=list)  # newest first
    reconciliation: object = None  # reconciliation.selectors.Summary: the 数据核对 section
    downloads: Downloads | None = None  # a published revision's files (drafts have none)
    charts: list = field(default_factory=list)  # charts.build.Chart: drawn from `part`
    counterpart: Disclosure | None = None  # the same year's published 预算 (of a 决算) or 决算
    execution: object = None  # public.execution.Execution: 预算数, 决算数, rate (a 决算's page)

    @property
    def quota_total(self) -> int:
        return sum(e.headcount for e in self.quota)

    @property
    def actual_total(self) -> int:
        return sum(e.headcount for e in self.actual)


@dataclass(frozen=True)
class PrintFooter:
    """What a printed page says of itself: the address it was printed from and when the page
    was made, so a sheet of paper can be traced back to the site and dated."""

    url: str
    rendered_at: datetime


def print_footer(*, request) -> PrintFooter:
    return PrintFooter(url=request.build_absolute_uri(), rendered_at=timezone.localtime())


def disclosure_get(
    *, slug: str, year: int, viewer=None, kind: str = DocumentKind.FINAL
) -> Disclosure:
    """The current published revision of an agency's year (its 决算, or the `kind` asked).

    Staff who may read this agency's disclosures (`viewer`) preview its newest revision instead:
    a draft, or a correction in review. Raises Disclosure.DoesNotExist when there is none.
    """
    return document_and_counterpart(slug=slug, year=year, viewer=viewer, kind=kind)[0]


def document_and_counterpart(
    *, slug: str, year: int, viewer=None, kind: str = DocumentKind.FINAL
) -> tuple[Disclosure, Disclosure | None]:
    """disclosure_get's document, and the same year's other document (the 预算 of a 决算, the
    决算 of a 预算) when published: the same queries as for the document alone (both kinds'
    rows of the agency-year are few)."""
    other = DocumentKind.BUDGET if kind == DocumentKind.FINAL else DocumentKind.FINAL
    both = Disclosure.objects.select_related("agency", "fiscal_year").filter(
        agency__slug=slug, fiscal_year__year=year
    )
    if viewer is not None and viewer.is_authenticated:
        visible = list(
            both.filter(pk__in=disclosures_visible_to(viewer).values("pk")).order_by("-revision")
        )
        newest = next((d for d in visible if d.kind == kind), None)
        if newest is not None:
            published = DisclosureStatus.PUBLISHED
            counterpart = (d for d in visible if d.kind == other and d.status == published)
            return newest, next(counterpart, None)
    current = list(both.current())
    found = next((d for d in current if d.kind == kind), None)
    if found is None:
        raise Disclosure.DoesNotExist("没有找到该单位该年度已发布的公开文件。")
    return found, next((d for d in current if d.kind == other), None)


def disclosure_page(
    *, slug: str, year: int, viewer=None, kind: str = DocumentKind.FINAL
) -> DisclosurePage:
    disclosure, published_other = document_and_counterpart(
        slug=slug, year=year, viewer=viewer, kind=kind
    )
    fmt = format_for(disclosure)
    staffing = list(disclosure.staffing.all())
    tasks = list(
        WorkTask.objects.filter(disclosure=disclosure).prefetch_related("items").order_by("order")
    )
    # This year's 三公 records and last year's published ones in one query (the change on
    # last year of a format that keeps the amounts in them).
    both = ThreePublicExpense.objects.filter(this_and_last_year(disclosure))
    both = sorted(both, key=lambda r: ITEM_ORDER[r.item])
    records = [r for r in both if r.disclosure_id == disclosure.pk]
    for record in records:
        record.counts_text = narrative.counts_phrase(record)  # as the document words it
        record.counts_local = narrative.counts_phrase(record, translate=translation.gettext)
    page = DisclosurePage(
        disclosure=disclosure,
        template=fmt.template,
        quota=[e for e in staffing if e.kind == StaffingKind.QUOTA],
        actual=[e for e in staffing if e.kind == StaffingKind.ACTUAL],
        duties=list(disclosure.duties.all()),
        tasks=tasks,
        three_public=records,
        reconciliation=reconciliation_summary(disclosure_id=disclosure.pk),
    )
    if disclosure.corrects_id is not None:
        page.corrections = correction_history(disclosure)
    if disclosure.status == DisclosureStatus.PUBLISHED and kind == DocumentKind.FINAL:
        slug, year = disclosure.agency.slug, disclosure.fiscal_year.year
        page.downloads = page_downloads(
            "disclosure_detail", "disclosure_csv", "disclosure_xlsx", slug, year
        )
    # The other document of the same agency and year (the 预算 of a 决算, and back), when
    # published: linked from the page.
    page.counterpart = published_other
    if page.counterpart is not None and kind == DocumentKind.FINAL:
        page.execution = execution(final=disclosure, budget=page.counterpart)
    page.part = fmt.page_part(
        disclosure=disclosure,
        records=records,
        last_year_records=[r for r in both if r.disclosure_id != disclosure.pk],
        common=page,
    )
    # The charts draw a 决算's figures (spending by class, budget against final).
    page.charts = disclosure_charts(page) if kind == DocumentKind.FINAL else []
    return page


def printed_tables(page: DisclosurePage) -> list:
    """The page's tables as plain data (formats.printed), for its spreadsheet download."""
    return format_for(page.disclosure).printed_tables(page)


def published_with_totals():
    """Current published revisions with their totals (`income_yuan`, `expenditure_yuan`,
    `basic_yuan`, `project_yuan`, `three_public_yuan` and one per 三公 item), for lists.

    Each total comes from the disclosure's own format, computed in the database: one query
    for any number of disclosures, whatever the mix of formats.
    """
    # Cloned from one queryset built per process: building the totals' expressions (a CASE
    # per total over every format's subqueries) was 10 ms of a year page's 26 ms of CPU. A
    # clone shares nothing that a filter or an evaluation changes.
    # Keyed by the formats registered: a format added later gets its own.
    return _published_with_totals(tuple(fmt.key for fmt in registered())).all()


@cache
def _published_with_totals(_formats: tuple):
    return with_totals(
        Disclosure.objects.current().finals().select_related("agency", "fiscal_year")
    )


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


def english_code_names(*, fiscal_year: FiscalYear) -> dict[str, str]:
    """Code → the 政府收支分类科目's English name, for the codes of the year's version that
    have one (an English page prints them instead of the Chinese names): one query. Codes of
    the schemes never collide (2xx functional, 3xx and 5xx economic), so the code is the key."""
    version_id = fiscal_year.code_version_id
    if version_id is None:
        version = code_version_for_year(fiscal_year.year)
        version_id = version.pk if version else None
    return dict(
        ClassificationCode.objects.filter(version_id=version_id)
        .exclude(name_en="")
        .values_list("code", "name_en")
    )
