"""The figures as CSV: one disclosure, one year, everything. Published current revisions only,
kept and revalidated as every public response is (disclosure.caching)."""

from datetime import datetime

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import condition

from disclosure.caching.published import published
from disclosure.core.csv import csv_response
from disclosure.models import Disclosure, FiscalYear

from . import packages
from .rows import figure_csv

NOT_PUBLISHED = "没有找到该单位该年度已发布的决算公开。"


def _csv(disclosures, filename: str):
    return csv_response(figure_csv(disclosures), filename)


@published
def disclosure_csv(request, slug: str, year: int):
    disclosures = (
        Disclosure.objects.current().finals().filter(agency__slug=slug, fiscal_year__year=year)
    )
    if not disclosures.exists():
        raise Http404(NOT_PUBLISHED)
    return _csv(disclosures, f"{slug}-{year}.csv")


# The year's and every year's CSV hold both kinds, 文件类型 telling them apart (README, "CSV");
# an agency-year's CSV is one document's: its 决算 here, its 预算 at budget.csv.
@published
def year_csv(request, year: int):
    if not FiscalYear.objects.filter(year=year).exists():
        raise Http404("没有该年度的决算公开。")
    return _csv(Disclosure.objects.current().for_year(year), f"juesuan-{year}.csv")


@published
def all_csv(request):
    return _csv(Disclosure.objects.current(), "juesuan-all.csv")


# --- data packages (README, "Data packages") ---------------------------------------------------

NO_PACKAGE = "没有找到这个数据包。"


def downloads(request):
    return render(request, "disclosure/downloads.html", {"packages": packages.built_packages()})


def _package_etag(request, name: str) -> str | None:
    found = packages.stored_package(name)
    return found[1].sha256 if found else None


def _package_built_at(request, name: str) -> datetime | None:
    found = packages.stored_package(name)
    return datetime.fromisoformat(found[1].built_at) if found else None


# Conditional GETs (If-None-Match, If-Modified-Since) answer 304 without opening the zip.
@condition(etag_func=_package_etag, last_modified_func=_package_built_at)
def download_package(request, name: str):
    found = packages.stored_package(name)
    if found is None:
        raise Http404(NO_PACKAGE)
    path, manifest = found
    # FileResponse sets Content-Length from the file and streams it in blocks.
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=manifest.filename,
        content_type="application/zip",
    )
