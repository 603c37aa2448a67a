"""The search page: agencies and budget lines for a query, grouped and paginated.

A fixed number of queries at any corpus size: agencies 3 (count, page, their years), lines 2
per format (groups, samples of the page's groups).
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from .agencies import AgencyHit, agency_hits, agency_matches
from .lines import LineGroup, attach_samples, line_groups
from .query import QueryError, search_terms

PAGE_SIZE = 20
OVERVIEW = 5  # each kind's first results when both are shown
KINDS = ("agencies", "lines")


@dataclass
class Section:
    total: int
    hits: list
    page: Page | None = None  # set when this kind alone is shown, page by page


@dataclass
class SearchResults:
    query: str
    kind: str = ""  # "" both kinds (their first results), or one of KINDS
    agencies: Section | None = None
    lines: Section | None = None
    truncated: bool = False
    terms: list[str] = field(default_factory=list)


def page_number(raw: str | None) -> int:
    if raw in (None, ""):
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise QueryError(_("页码应为正整数。"))
    return int(raw)


def search(*, query: str, kind: str = "", page: str | None = None) -> SearchResults:
    """Raises QueryError (a Chinese message) for a query or parameter the search refuses."""
    terms = search_terms(query)
    if kind not in ("", *KINDS):
        raise QueryError(_("结果类别应为“单位”或“预算科目”。"))
    number = page_number(page)
    results = SearchResults(query=" ".join(terms), kind=kind, terms=terms)
    if not terms:
        return results
    if kind in ("", "agencies"):
        results.agencies = _agencies(terms, kind, number)
    if kind in ("", "lines"):
        results.lines, results.truncated = _lines(terms, kind, number)
    return results


def _agencies(terms: list[str], kind: str, number: int) -> Section:
    matches = agency_matches(terms)
    if not kind:
        total = matches.count()
        return Section(total, agency_hits(list(matches[:OVERVIEW]), terms) if total else [])
    page = Paginator(matches, PAGE_SIZE).get_page(number)
    hits: list[AgencyHit] = agency_hits(list(page.object_list), terms)
    return Section(page.paginator.count, hits, page)


def _lines(terms: list[str], kind: str, number: int) -> tuple[Section, bool]:
    groups, truncated = line_groups(terms)
    if not kind:
        shown: list[LineGroup] = groups[:OVERVIEW]
        attach_samples(shown)
        return Section(len(groups), shown), truncated
    page = Paginator(groups, PAGE_SIZE).get_page(number)
    attach_samples(list(page.object_list))
    return Section(len(groups), list(page.object_list), page), truncated
