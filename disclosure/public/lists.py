"""Reads for the list pages (home, a year, an agency) and for their complete downloads.

A page shows one page of its list (paging.PER_PAGE rows): its queries and its template work
are the same for 2 agencies or 20,000. Each row arrives with its URLs built (links.Links), so
the templates only print. The CSV and XLSX of a list (`*_list` below) stay complete.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse

from bureaus.models import Agency
from disclosure.charts.build import three_public_by_year
from disclosure.models import Disclosure, FiscalYear
from disclosure.reconciliation.selectors import reconciliation_summaries

from .links import Links
from .paging import bounds, page_number, pager
from .selectors import page_downloads, published_with_totals

LIST_ORDER = ("agency__region", "agency__name")


@dataclass(frozen=True)
class AgencyRow:
    """A home page row: the agency and the years it has published, newest first."""

    name: str
    region: str
    url: str
    years: list[tuple[int, str]]  # (year, URL of that year's disclosure)


@dataclass(frozen=True)
class DisclosureRow:
    """A year page or agency page row: one published disclosure with its totals."""

    name: str  # the agency's name (year page)
    year: int
    url: str
    corrected: bool
    expenditure_yuan: Decimal | None
    three_public_yuan: Decimal | None
    csv: str
    xlsx: str


@dataclass(frozen=True)
class BudgetRow:
    """An agency page row of its published 部门预算: the year, its page and its CSV."""

    year: int
    url: str
    csv: str


def _rows(disclosures, links: Links) -> list[DisclosureRow]:
    rows = []
    for d in disclosures:
        slug, year = d.agency.slug, d.fiscal_year.year
        rows.append(
            DisclosureRow(
                name=d.agency.name,
                year=year,
                url=links.disclosure(slug, year),
                corrected=d.revision > 1,
                expenditure_yuan=d.expenditure_yuan,
                three_public_yuan=d.three_public_yuan,
                csv=links.disclosure_csv(slug, year),
                xlsx=links.disclosure_xlsx(slug, year),
            )
        )
    return rows


def published_years() -> list[int]:
    """Years with at least one published disclosure, newest first: an EXISTS per year, never
    a scan of every disclosure."""
    current = Disclosure.objects.current().finals().filter(fiscal_year=OuterRef("pk"))
    years = FiscalYear.objects.filter(Exists(current)).order_by("-year")
    return list(years.values_list("year", flat=True))


def home_page(*, path: str, page: str | None = None) -> dict:
    """One page of agencies with their published years; the years (four queries)."""
    number, pages = page_number(page, count=Agency.objects.count())
    agencies = list(
        Agency.objects.order_by("region", "name").values_list("pk", "slug", "name", "region")[
            bounds(number)
        ]
    )
    years_by_agency: dict[int, list[int]] = defaultdict(list)
    published = (
        Disclosure.objects.current()
        .finals()
        .filter(agency_id__in=[pk for pk, *_ in agencies])
        .order_by("-fiscal_year__year")
        .values_list("agency_id", "fiscal_year__year")
    )
    for agency_id, year in published:
        years_by_agency[agency_id].append(year)
    links = Links()
    rows = [
        AgencyRow(
            name=name,
            region=region,
            url=links.agency(slug),
            years=[(year, links.disclosure(slug, year)) for year in years_by_agency[pk]],
        )
        for pk, slug, name, region in agencies
    ]
    return {
        "agencies": rows,
        "pager": pager(path, number, pages),
        "years": published_years(),
        "downloads": page_downloads("home", "home_csv", "home_xlsx"),
    }


def agencies_with_years() -> list:
    """Every agency with `published_disclosures` (newest year first): the home page's list as
    a download (exports.lists.home_grid)."""
    disclosures = (
        Disclosure.objects.current()
        .finals()
        .select_related("fiscal_year")
        .order_by("agency__region", "agency__name", "-fiscal_year__year")
    )
    years_by_agency: dict[int, list] = defaultdict(list)
    for d in disclosures:
        years_by_agency[d.agency_id].append(d)
    agencies = list(Agency.objects.order_by("region", "name"))
    for agency in agencies:
        agency.published_disclosures = years_by_agency.get(agency.pk, [])
    return agencies


def agency_list(*, slug: str) -> dict:
    """The agency and its published years with their totals: its page's list and files."""
    agency = Agency.objects.select_related("parent").get(slug=slug)
    disclosures = list(published_with_totals().filter(agency=agency).order_by("-fiscal_year__year"))
    links = page_downloads("agency_detail", "agency_csv", "agency_xlsx", slug)
    return {"agency": agency, "disclosures": disclosures, "downloads": links}


def agency_page(*, slug: str, path: str = "", page: str | None = None) -> dict:
    """One page of the agency's years, and its 三公 by year as a chart, each year's figures
    checked. An agency has one disclosure a year: the list is bounded by the years."""
    context = agency_list(slug=slug)
    agency, disclosures = context["agency"], context["disclosures"]
    number, pages = page_number(page, count=len(disclosures))
    links = Links()
    context["rows"] = _rows(disclosures[bounds(number)], links)
    context["pager"] = pager(path, number, pages)
    context["parent_url"] = links.agency(agency.parent.slug) if agency.parent else None
    context["budgets"] = agency_budgets(agency=agency)
    context["chart"] = None
    if disclosures:
        summaries = reconciliation_summaries(disclosure_ids=[d.pk for d in disclosures])
        context["chart"] = three_public_by_year(
            agency=agency, disclosures=disclosures, summaries=summaries
        )
    return context


def agency_budgets(*, agency: Agency) -> list[BudgetRow]:
    """The agency's published 部门预算, newest first (one query; an agency has one a year, so
    the list is short and every URL is reversed as is)."""
    years = (
        Disclosure.objects.current()
        .budgets()
        .filter(agency=agency)
        .order_by("-fiscal_year__year")
        .values_list("fiscal_year__year", flat=True)
    )
    return [
        BudgetRow(
            year=year,
            url=reverse("budget_detail", kwargs={"slug": agency.slug, "year": year}),
            csv=reverse("budget_csv", kwargs={"slug": agency.slug, "year": year}),
        )
        for year in years
    ]


def year_list(*, year: int) -> dict:
    """Every published disclosure of the year with its totals: the year's list as a download."""
    fiscal_year = FiscalYear.objects.get(year=year)
    disclosures = list(
        published_with_totals().filter(fiscal_year=fiscal_year).order_by(*LIST_ORDER)
    )
    return {"fiscal_year": fiscal_year, "disclosures": disclosures}


def year_page(*, year: int, path: str, page: str | None = None) -> dict:
    """One page of the year's agencies with their totals (four queries: the year, the count,
    the page's ids, their rows with their totals)."""
    fiscal_year = FiscalYear.objects.get(year=year)
    current = Disclosure.objects.current().finals().filter(fiscal_year=fiscal_year)
    number, pages = page_number(page, count=current.count())
    # The page's ids first, then the totals of those rows only: with the totals in the same
    # query, PostgreSQL computed them for every row of the year before sorting (7 s for
    # 2,000 agencies).
    ids = list(current.order_by(*LIST_ORDER).values_list("pk", flat=True)[bounds(number)])
    disclosures = published_with_totals().filter(pk__in=ids).order_by(*LIST_ORDER)
    return {
        "fiscal_year": fiscal_year,
        "rows": _rows(disclosures, Links()) if ids else [],
        "pager": pager(path, number, pages),
        "downloads": page_downloads("year_detail", "year_list_csv", "year_xlsx", year),
    }
