"""The XLSX downloads: a disclosure as its page shows it plus every figure, and the lists.

Builders only: the public views fetch the data through the page selectors and send the bytes.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet

from . import lists
from .columns import COLUMNS
from .rows import HEADER, figure_rows
from .xlsx import INTEGER, TEXT, WAN, YUAN, Grid, Sheet, workbook_bytes

FIGURES_SHEET = "全部数字"
# Excel holds 1,048,576 rows a sheet, and a workbook is built whole before it is sent: a year's
# workbook lists this many figures at most and says where the rest is (the CSV has them all).
YEAR_FIGURES_MAX = 100_000


def _kind(column) -> str:
    if column.type == "number":
        return WAN if column.unit == "万元" else YUAN
    return INTEGER if column.type == "integer" else TEXT


FIGURE_KINDS = [_kind(c) for c in COLUMNS]


def _typed(row: list[str]) -> list:
    """A CSV row with its numbers as numbers. Text loses the CSV's apostrophe: the XLSX
    writer marks formula-like text as text itself."""
    typed = []
    for value, kind in zip(row, FIGURE_KINDS, strict=True):
        if value == "":
            typed.append(None)
        elif kind in (WAN, YUAN):
            typed.append(Decimal(value))
        elif kind == INTEGER:
            typed.append(int(value))
        else:
            typed.append(value[1:] if value.startswith("'") else value)
    return typed


def figures_grid(disclosures: QuerySet) -> Grid:
    rows: Iterator = (_typed(r) for r in figure_rows(disclosures))
    return Grid(list(HEADER), FIGURE_KINDS, rows)


FIGURE_WIDTHS = [28, 6, 34, 10, 30, 24, 20, 14, 16] + [10] * 9 + [8, 8, 8, 26, 40, 16]


def disclosure_workbook(*, disclosure, tables: list, figures: QuerySet) -> bytes:
    """The page's tables, one sheet each, then every figure (the CSV's rows, typed)."""
    name = f"{disclosure.agency.name} {disclosure.fiscal_year.year}年度"
    sheets = []
    for table in tables:
        grids = [
            Grid(
                b.header, b.kinds, b.rows, title="　".join(p for p in (b.title, "单位：万元") if p)
            )
            for b in table.blocks
        ]
        sheets.append(Sheet(table.name, f"{name} {table.title}", grids, table.notes))
    sheets.append(Sheet(FIGURES_SHEET, grids=[figures_grid(figures)], widths=FIGURE_WIDTHS))
    return workbook_bytes(sheets)


def year_workbook(*, year: int, disclosures: list, figures: QuerySet, csv_url: str) -> bytes:
    """The year page's list, then the year's figures up to YEAR_FIGURES_MAX."""
    capped = _Capped(figures_grid(figures))
    sheets = [
        Sheet("各单位", f"{year}年度各单位决算（金额单位：万元）", [lists.year_grid(disclosures)]),
        # The note is a generator: it runs after the rows are written, when the cap is known.
        Sheet(FIGURES_SHEET, grids=[capped.grid], notes=capped.note(csv_url), widths=FIGURE_WIDTHS),
    ]
    return workbook_bytes(sheets)


class _Capped:
    """A grid's first YEAR_FIGURES_MAX rows; remembers whether more were left out."""

    def __init__(self, grid: Grid):
        self.truncated = False
        self.grid = Grid(grid.header, grid.kinds, self._rows(grid.rows))

    def _rows(self, rows):
        for n, row in enumerate(rows):
            if n == YEAR_FIGURES_MAX:
                self.truncated = True
                return
            yield row

    def note(self, csv_url: str):
        if self.truncated:
            yield (
                f"本年度的数字超过 {YEAR_FIGURES_MAX:,} 行，以上只列出前 {YEAR_FIGURES_MAX:,} 行；"
                f"全部数字请下载 CSV：{csv_url}"
            )


def agency_workbook(*, agency, disclosures: list) -> bytes:
    title = f"{agency.name}历年决算（金额单位：万元）"
    return workbook_bytes([Sheet("历年决算", title, [lists.agency_grid(disclosures)])])


def home_workbook(*, agencies: list) -> bytes:
    return workbook_bytes([Sheet("单位", "各单位已公开的决算", [lists.home_grid(agencies)])])
