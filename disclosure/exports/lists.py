"""The list pages as downloads: the home page's agencies, a year's agencies side by side, an
agency's years, each with the totals the lists compute (README, "Downloads").

Pure: each builder takes what the page's selector returns and gives a `Grid` (typed values),
which the CSV and XLSX writers both print, so the two files cannot disagree.
"""

from disclosure.core import csv as core_csv
from disclosure.core.money import format_wan
from disclosure.formats.printed import AMOUNT, TEXT
from disclosure.models import ThreePublicItem

from .rows import published_text
from .xlsx import INTEGER, Grid, header_text

# The totals of formats.base.TOTALS, in the order a reader compares them.
TOTAL_LABELS = [
    ("income", "收入决算"),
    ("expenditure", "支出决算"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("three_public", "“三公”经费"),
    *[(item.value, item.label) for item in ThreePublicItem],
]
REVISION = ["修订版本", "发布时间"]


def _totals(d) -> list:
    return [getattr(d, f"{name}_yuan") for name, _label in TOTAL_LABELS]


def _revision(d) -> list:
    return [d.revision, published_text(d.published_at)]


def year_grid(disclosures) -> Grid:
    """A year's agencies side by side (the year page's list)."""
    header = ["单位", "地区", *REVISION, *[label for _n, label in TOTAL_LABELS]]
    kinds = [TEXT, TEXT, INTEGER, TEXT, *[AMOUNT] * len(TOTAL_LABELS)]
    rows = [[d.agency.name, d.agency.region, *_revision(d), *_totals(d)] for d in disclosures]
    return Grid(header, kinds, rows)


def agency_grid(disclosures) -> Grid:
    """An agency's years (the agency page's list)."""
    header = ["年度", *REVISION, *[label for _n, label in TOTAL_LABELS]]
    kinds = [INTEGER, INTEGER, TEXT, *[AMOUNT] * len(TOTAL_LABELS)]
    rows = [[d.fiscal_year.year, *_revision(d), *_totals(d)] for d in disclosures]
    return Grid(header, kinds, rows)


def home_grid(agencies) -> Grid:
    """Every agency and the years it has published (the home page's list)."""
    header = ["单位", "地区", "已公开年度"]
    rows = [
        [a.name, a.region, "、".join(str(d.fiscal_year.year) for d in a.published_disclosures)]
        for a in agencies
    ]
    return Grid(header, [TEXT, TEXT, TEXT], rows)


def csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == AMOUNT:
        return format_wan(value)
    if kind == TEXT:
        return core_csv.neutralise(str(value))
    return str(value)


def grid_csv_lines(grid: Grid):
    """The grid as our CSVs are written (UTF-8 with BOM, CRLF, formula-like text neutralised);
    amounts in 万元 as the page prints them, the header saying so."""
    header = [header_text(h, k) for h, k in zip(grid.header, grid.kinds, strict=True)]
    rows = ([csv_cell(v, k) for v, k in zip(row, grid.kinds, strict=True)] for row in grid.rows)
    return core_csv.csv_lines(header, rows)
