"""Download what you see: each public page's table or list as CSV and XLSX (README,
"Downloads"). Thin: the page's own selector, a builder in disclosure.exports, the file.

The figures CSVs (one row per figure) are disclosure.exports.views; these add the XLSX beside
them and the lists' files. Published current revisions only, whoever asks.
"""

from django.http import Http404
from django.urls import reverse

from bureaus.models import Agency
from disclosure.caching.published import published
from disclosure.core.csv import csv_response
from disclosure.exports import lists, workbooks
from disclosure.exports.xlsx import xlsx_response
from disclosure.models import Disclosure, FiscalYear

from . import lists as public_lists
from . import selectors

NO_DISCLOSURE = "没有找到该单位该年度已发布的决算公开。"
NO_YEAR = "没有该年度的决算公开。"
NO_AGENCY = "没有找到该单位。"
ALL_XLSX_REFUSED = (
    "全部年度的数字超出 Excel 一个工作表的行数上限（1,048,576 行），不提供 Excel 文件。"
    "请下载 CSV（/all.csv），或下载各年度的 Excel 文件（/years/年度.xlsx）。"
)


@published
def disclosure_xlsx(request, slug: str, year: int):
    try:
        page = selectors.disclosure_page(slug=slug, year=year)  # no viewer: published only
    except Disclosure.DoesNotExist:
        raise Http404(NO_DISCLOSURE) from None
    content = workbooks.disclosure_workbook(
        disclosure=page.disclosure,
        tables=selectors.printed_tables(page),
        figures=Disclosure.objects.filter(pk=page.disclosure.pk),
    )
    return xlsx_response(content, f"{slug}-{year}.xlsx")


def _year(year: int) -> dict:
    try:
        return public_lists.year_list(year=year)
    except FiscalYear.DoesNotExist:
        raise Http404(NO_YEAR) from None


@published
def year_xlsx(request, year: int):
    context = _year(year)
    content = workbooks.year_workbook(
        year=year,
        disclosures=context["disclosures"],
        # The year CSV's rows, both kinds (a 预算 before its 决算), as the note's link promises.
        figures=Disclosure.objects.current().for_year(year),
        csv_url=reverse("year_csv", args=[year]),
    )
    return xlsx_response(content, f"juesuan-{year}.xlsx")


@published
def year_list_csv(request, year: int):
    grid = lists.year_grid(_year(year)["disclosures"])
    return csv_response(lists.grid_csv_lines(grid), f"juesuan-{year}-agencies.csv")


def _agency(slug: str) -> dict:
    try:
        return public_lists.agency_list(slug=slug)
    except Agency.DoesNotExist:
        raise Http404(NO_AGENCY) from None


@published
def agency_csv(request, slug: str):
    grid = lists.agency_grid(_agency(slug)["disclosures"])
    return csv_response(lists.grid_csv_lines(grid), f"{slug}.csv")


@published
def agency_xlsx(request, slug: str):
    context = _agency(slug)
    content = workbooks.agency_workbook(
        agency=context["agency"], disclosures=context["disclosures"]
    )
    return xlsx_response(content, f"{slug}.xlsx")


@published
def home_csv(request):
    grid = lists.home_grid(public_lists.agencies_with_years())
    return csv_response(lists.grid_csv_lines(grid), "agencies.csv")


@published
def home_xlsx(request):
    content = workbooks.home_workbook(agencies=public_lists.agencies_with_years())
    return xlsx_response(content, "agencies.xlsx")


def all_xlsx(request):
    raise Http404(ALL_XLSX_REFUSED)
