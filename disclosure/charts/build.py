"""The charts of a page, from the figures its disclosures' formats give (formats.base: the
Format's chart methods) and the stored reconciliation findings: what the templates display.

Each chart carries its figures as a table, where they come from and whether they passed
reconciliation; its SVG is drawn here, so the templates only place it.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from disclosure.core.money import wan_text
from disclosure.formats.base import ChartData, format_for
from disclosure.models import ThreePublicItem

from . import svg
from .checks import Check, check


@dataclass(frozen=True)
class Row:
    """A row of the chart's table: its name, its amounts (元) under `Chart.columns`."""

    name: str
    values: tuple[Decimal | None, ...]
    url: str = ""
    check: Check | None = None  # per row, when the rows come from several disclosures


@dataclass(frozen=True)
class Chart:
    key: str  # the page's id prefix for the SVG's title and description
    title: str
    heading: str  # the table's first column
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    source: str
    check: Check
    svg: SafeString
    per_row_check: bool = False

    @property
    def wide(self) -> bool:
        """A table of more than two amount columns sits under its chart, not beside it."""
        return len(self.columns) > 2


def _described(title: str, rows, columns) -> str:
    """The text alternative: every figure in words, as a screen reader reads the table."""
    parts = []
    for row in rows:
        values = [
            f"{c}{wan_text(v)}" if len(columns) > 1 else wan_text(v)
            for c, v in zip(columns, row.values, strict=True)
            if v is not None
        ]
        parts.append(f"{row.name}：{'，'.join(values) or _('未填报')}")
    return f"{title}。" + "；".join(parts) + "。"


def _findings(summary) -> list[dict]:
    return [*summary.errors, *summary.warnings]


def disclosure_charts(page) -> list[Chart]:
    """The disclosure page's charts: spending by class, then budget against final."""
    fmt = format_for(page.disclosure)
    summary = page.reconciliation
    year = page.disclosure.fiscal_year.year
    charts = []
    spending = fmt.spending_by_class(page)
    if spending is not None:
        charts.append(_bars("chart-spending", _titled(year, spending), spending, summary))
    for i, data in enumerate(fmt.budget_against_final(page), start=1):
        charts.append(_pairs(f"chart-budget-{i}", _titled(year, data), data, summary))
    return charts


def _titled(year: int, data: ChartData) -> str:
    return _("%(year)s年度%(title)s") % {"year": year, "title": data.title}


def _year(year: int) -> str:
    return _("%(year)s年度") % {"year": year}


def _bars(key: str, title: str, data: ChartData, summary) -> Chart:
    rows = tuple(Row(f.name, (f.amount_yuan,)) for f in data.figures)
    places = [f.place for f in data.figures]
    columns = (_("决算数"),)
    drawing = svg.bars(
        key=key,
        title=title,
        desc=_described(title, rows, columns),
        rows=[(f.name, f.amount_yuan) for f in data.figures],
    )
    verdict = check(checked=summary.checked, findings=_findings(summary), places=places)
    return Chart(key, title, _("类"), columns, rows, data.source, verdict, mark_safe(drawing))


def _pairs(key: str, title: str, data: ChartData, summary) -> Chart:
    rows = tuple(Row(f.name, (f.budget_yuan, f.amount_yuan)) for f in data.figures)
    places = [p for f in data.figures for p in (f.place, f.budget_place)]
    columns = (_("预算数"), _("决算数"))
    drawing = svg.pairs(
        key=key,
        title=title,
        desc=_described(title, rows, columns),
        rows=[(f.name, f.budget_yuan, f.amount_yuan) for f in data.figures],
        series=columns,
    )
    verdict = check(checked=summary.checked, findings=_findings(summary), places=places)
    return Chart(key, title, _("项目"), columns, rows, data.source, verdict, mark_safe(drawing))


def three_public_by_year(*, agency, disclosures, summaries: dict) -> Chart | None:
    """The agency's 三公 by year, each item a part of the year's bar; each year's row says
    whether that disclosure's 三公 figures passed. `disclosures` carry the lists' totals
    (formats.base.with_totals); `summaries` are their reconciliation summaries by id."""
    if not disclosures:
        return None
    items = list(ThreePublicItem)
    columns = tuple(str(item.label) for item in items)
    rows, sources = [], defaultdict(list)
    for d in sorted(disclosures, key=lambda d: d.fiscal_year.year):
        source, places = format_for(d).three_public_places()
        sources[source].append(d.fiscal_year.year)
        summary = summaries[d.pk]
        verdict = check(
            checked=summary.checked, findings=_findings(summary), places=places.values()
        )
        values = tuple(getattr(d, f"{item.value}_yuan") for item in items)
        rows.append(Row(_year(d.fiscal_year.year), values, d.get_absolute_url(), verdict))
    title = _("%(agency)s历年“三公”经费") % {"agency": agency.name}
    drawing = svg.stacks(
        key="chart-three-public",
        title=title,
        desc=_described(title, rows, columns),
        series=columns,
        rows=[(r.name, r.values) for r in rows],
    )
    source = "；".join(
        _("%(years)s：%(source)s") % {"years": "、".join(map(_year, years)), "source": s}
        for s, years in sources.items()
    )
    checks = [r.check for r in rows]
    overall = Check(
        checked=all(c.checked for c in checks),
        errors=sum(c.errors for c in checks),
        acknowledged=sum(c.acknowledged for c in checks),
        warnings=sum(c.warnings for c in checks),
    )
    return Chart(
        "chart-three-public",
        title,
        _("年度"),
        columns,
        tuple(rows),
        source,
        overall,
        mark_safe(drawing),
        per_row_check=True,
    )
