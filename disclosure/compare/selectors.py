"""The compare page: agencies side by side in a year, or one agency across its years.

Each figure comes with the disclosure it is from (its page is the link), whether that
disclosure passed reconciliation, the change on the year before, and the indicators marked
when they lie outside their peers' fences (stats.py states the method). Queries are fixed:
the form's choices (3), the year's disclosures with every figure (1), last year's for the
page's agencies (1); across years, the agency's years (1) and its peers in those years (1).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator

from disclosure.core.money import percent
from disclosure.models import Disclosure

from .measures import INDICATORS, annotate, indicator_values
from .params import Params
from .stats import Spread, spread

PAGE_SIZE = 50
MEASURE = "value"  # the key of the chosen measure among the outlier columns


@dataclass
class Check:
    """The disclosure's reconciliation, as the page states it beside its figures."""

    checked: bool
    errors: int
    acknowledged: int

    @property
    def passed(self) -> bool:
        return self.checked and self.errors == self.acknowledged


@dataclass
class Row:
    disclosure: Disclosure
    value: Decimal | None
    indicators: dict[str, Decimal | None]
    check: Check
    prior: Disclosure | None = None
    prior_value: Decimal | None = None
    outliers: set[str] = field(default_factory=set)

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.prior_value is None:
            return None
        return self.value - self.prior_value

    @property
    def change_pct(self) -> Decimal | None:
        change = self.change
        return None if change is None else percent(change, self.prior_value)

    @property
    def value_outlier(self) -> bool:
        return MEASURE in self.outliers

    @property
    def indicator_cells(self) -> list[tuple]:
        """(indicator, value, is it an outlier) in the page's column order."""
        return [(i, self.indicators[i.key], i.key in self.outliers) for i in INDICATORS]

    @property
    def peer_group(self) -> tuple[str, str] | None:
        agency = self.disclosure.agency
        return (agency.unit_kind, agency.level) if agency.unit_kind and agency.level else None


@dataclass
class PeerStats:
    """Per peer group (kind, level) and year: the spread of the measure and each indicator."""

    kind: str
    level: str
    year: int
    spreads: dict[str, Spread | None]

    @property
    def columns(self) -> list[tuple[str, Spread | None]]:
        """(how it is shown, spread) in the page's column order: the measure (万元), then
        each indicator."""
        return [("wan", self.spreads[MEASURE])] + [
            (i.shown_as, self.spreads[i.key]) for i in INDICATORS
        ]


def _row(d) -> Row:
    return Row(
        disclosure=d,
        value=d.value,
        indicators=indicator_values(d),
        check=Check(d.checked, d.errors, d.acknowledged),
    )


def _published(measure: str):
    current = Disclosure.objects.current().finals().select_related("agency", "fiscal_year")
    return annotate(current, measure)


def _peer_stats(rows: list[Row]) -> dict[tuple, PeerStats]:
    """Spreads per (kind, level, year), and each row's outliers marked against its group."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        if row.peer_group:
            groups[(*row.peer_group, row.disclosure.fiscal_year.year)].append(row)
    stats = {}
    for key, members in groups.items():
        spreads = {MEASURE: spread([r.value for r in members])}
        for ind in INDICATORS:
            spreads[ind.key] = spread([r.indicators[ind.key] for r in members])
        stats[key] = PeerStats(*key, spreads)
        for row in members:
            value_of = {MEASURE: row.value, **row.indicators}
            row.outliers = {k for k, s in spreads.items() if s and s.is_outlier(value_of[k])}
    return stats


@dataclass
class YearComparison:
    rows: list[Row]
    page: Page
    stats: list[PeerStats]
    total: int


def agencies_in_year(params: Params) -> YearComparison:
    everyone = [
        _row(d)
        for d in _published(params.measure)
        .filter(fiscal_year__year=params.year)
        .order_by("agency__region", "agency__name")
    ]
    stats = _peer_stats(everyone)  # peers are judged among all, whatever the filter shows
    shown = [r for r in everyone if _wanted(r, params)]
    page = Paginator(shown, PAGE_SIZE).get_page(params.page)
    rows = list(page.object_list)
    _attach_prior(rows, params)
    groups = {(*r.peer_group, params.year) for r in rows if r.peer_group}
    return YearComparison(rows, page, [stats[g] for g in sorted(groups) if g in stats], len(shown))


def _wanted(row: Row, params: Params) -> bool:
    agency = row.disclosure.agency
    return (
        (not params.region or agency.region == params.region)
        and (not params.kind or agency.unit_kind == params.kind)
        and (not params.level or agency.level == params.level)
        and (not params.outliers_only or bool(row.outliers))
    )


def _attach_prior(rows: list[Row], params: Params) -> None:
    """Last year's value of the page's agencies: one query."""
    if not rows:
        return
    prior = annotate(
        Disclosure.objects.current().finals().select_related("agency", "fiscal_year"),
        params.measure,
        indicators=False,
    ).filter(fiscal_year__year=params.year - 1, agency__in=[r.disclosure.agency_id for r in rows])
    by_agency = {d.agency_id: d for d in prior}
    for row in rows:
        row.prior = by_agency.get(row.disclosure.agency_id)
        row.prior_value = row.prior.value if row.prior else None


@dataclass
class AgencyComparison:
    rows: list[Row]  # newest year first
    stats: list[PeerStats]


def agency_across_years(params: Params) -> AgencyComparison:
    agency = params.agency
    own = [
        _row(d)
        for d in _published(params.measure).filter(agency=agency).order_by("-fiscal_year__year")
    ]
    by_year = {r.disclosure.fiscal_year.year: r for r in own}
    for row in own:  # the change on the year before, when that year is published
        before = by_year.get(row.disclosure.fiscal_year.year - 1)
        if before is not None:
            row.prior, row.prior_value = before.disclosure, before.value
    stats: dict[tuple, PeerStats] = {}
    if own and agency.unit_kind and agency.level:
        peers = [
            _row(d) if d.agency_id != agency.pk else by_year[d.fiscal_year.year]
            for d in _published(params.measure).filter(
                fiscal_year__year__in=list(by_year),
                agency__unit_kind=agency.unit_kind,
                agency__level=agency.level,
            )
        ]
        stats = _peer_stats(peers)
    ordered = [stats[k] for k in sorted(stats, key=lambda k: -k[2])]
    return AgencyComparison(own, ordered)
