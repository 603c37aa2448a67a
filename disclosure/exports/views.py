"""The figures as CSV: one disclosure, one year, everything. Published current revisions only."""

from django.http import Http404

from disclosure.core.csv import csv_response
from disclosure.models import Disclosure, FiscalYear

from .rows import csv_lines, figure_rows

NOT_PUBLISHED = "没有找到该单位该年度已发布的决算公开。"


def _csv(disclosures, filename: str):
    return csv_response(csv_lines(figure_rows(disclosures)), filename)


def disclosure_csv(request, slug: str, year: int):
    disclosures = Disclosure.objects.current().filter(agency__slug=slug, fiscal_year__year=year)
    if not disclosures.exists():
        raise Http404(NOT_PUBLISHED)
    return _csv(disclosures, f"{slug}-{year}.csv")


def year_csv(request, year: int):
    if not FiscalYear.objects.filter(year=year).exists():
        raise Http404("没有该年度的决算公开。")
    return _csv(Disclosure.objects.current().for_year(year), f"juesuan-{year}.csv")


def all_csv(request):
    return _csv(Disclosure.objects.current(), "juesuan-all.csv")
