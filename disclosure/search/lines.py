"""Budget lines (a code and a name as printed) found across years and formats, grouped.

A group is one (code, name): the years it is printed in, how many agencies print it each year,
and a few of their disclosures. Each format says where its lines are (`Format.lines`); a page
costs two queries per format whatever the corpus: the groups, then samples of the page's groups.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from disclosure.formats.base import registered
from disclosure.models import DisclosureStatus, DocumentKind

# (code, name, year) rows read per format at most: distinct printed lines do not grow with the
# number of agencies, so this bounds only a query that matches almost everything.
GROUP_CAP = 2000
SAMPLES = 5  # disclosures shown under a group


@dataclass(frozen=True)
class Sample:
    year: int
    agency: str
    slug: str


@dataclass
class LineGroup:
    code: str
    name: str
    years: dict[int, int] = field(default_factory=dict)  # year → agencies printing it
    samples: list[Sample] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.years.values())

    @property
    def is_class(self) -> bool:
        """A functional or economic 类: the compare page can put agencies side by side on it."""
        return len(self.code) == 3


def _matching(fmt, terms: list[str]):
    lines = fmt.lines().filter(
        disclosure__status=DisclosureStatus.PUBLISHED, disclosure__kind=DocumentKind.FINAL
    )
    for term in terms:
        match = Q(name__icontains=term)
        if term.isdigit():
            match |= Q(code__startswith=term)
        lines = lines.filter(match)
    return lines


def line_groups(terms: list[str]) -> tuple[list[LineGroup], bool]:
    """Every matching group, ordered by code (uncoded lines last) then name; and whether the
    cap cut the list short."""
    groups: dict[tuple[str, str], LineGroup] = {}
    truncated = False
    for fmt in registered():
        rows = list(
            _matching(fmt, terms)
            .values("code", "name", year=F("disclosure__fiscal_year__year"))
            .annotate(n=Count("disclosure", distinct=True))
            .order_by("code", "name", "year")[: GROUP_CAP + 1]
        )
        truncated |= len(rows) > GROUP_CAP
        for row in rows[:GROUP_CAP]:
            group = groups.setdefault(
                (row["code"], row["name"]), LineGroup(row["code"], row["name"])
            )
            group.years[row["year"]] = group.years.get(row["year"], 0) + row["n"]
    ordered = sorted(groups.values(), key=lambda g: (g.code == "", g.code, g.name))
    for group in ordered:
        group.years = dict(sorted(group.years.items(), reverse=True))
    return ordered, truncated


def _sample_years(group: LineGroup) -> list[int]:
    """The group's newest years that hold SAMPLES agencies between them (its counts say so):
    the samples come from these years only, so the window sorts one year's printers of the
    line rather than every year's (the cost grew with the years kept, 36,000 rows sorted on
    disk for a common line at 2,000 agencies × 5 years)."""
    years, printers = [], 0
    for year, count in sorted(group.years.items(), reverse=True):
        years.append(year)
        printers += count
        if printers >= SAMPLES:
            break
    return years


def attach_samples(groups: list[LineGroup]) -> None:
    """A few disclosures under each of the page's groups, newest year first: one query per
    format (a window numbers each group's rows; a line printed in two tables of one
    disclosure is one sample)."""
    if not groups:
        return
    wanted = Q()
    for group in groups:
        wanted |= Q(
            code=group.code, name=group.name, disclosure__fiscal_year__year__in=_sample_years(group)
        )
    by_key = {(g.code, g.name): g for g in groups}
    found: dict[tuple[str, str], dict[tuple, Sample]] = {k: {} for k in by_key}
    for fmt in registered():
        rows = (
            fmt.lines()
            .filter(
                wanted,
                disclosure__status=DisclosureStatus.PUBLISHED,
                disclosure__kind=DocumentKind.FINAL,
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("code"), F("name")],
                    order_by=[
                        F("disclosure__fiscal_year__year").desc(),
                        F("disclosure__agency__name").asc(),
                        F("disclosure_id").asc(),
                    ],
                )
            )
            .filter(rank__lte=SAMPLES * 4)
            .order_by()  # the rows' own ordering (by their table) would join the tables
            .values_list(
                "code",
                "name",
                "disclosure__fiscal_year__year",
                "disclosure__agency__name",
                "disclosure__agency__slug",
            )
        )
        for code, name, year, agency, slug in rows:
            found[(code, name)][(year, slug)] = Sample(year, agency, slug)
    for key, samples in found.items():
        ordered = sorted(samples.values(), key=lambda s: (-s.year, s.agency))
        by_key[key].samples = ordered[:SAMPLES]
