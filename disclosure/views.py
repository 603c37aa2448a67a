from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from . import exports, selectors
from .models import Disclosure, FiscalYear


def home(request):
    return render(request, "disclosure/home.html", selectors.home_page())


def disclosure_detail(request, slug: str, year: int):
    # Staff who may read this agency's drafts (its clerks, reviewers, auditors) preview the
    # newest revision here; citizens and other agencies' clerks see the current published one.
    try:
        page = selectors.disclosure_page(slug=slug, year=year, viewer=request.user)
    except Disclosure.DoesNotExist:
        raise Http404("没有找到该单位该年度已发布的决算公开。") from None
    return render(request, "disclosure/disclosure_detail.html", {"page": page})


def year_detail(request, year: int):
    try:
        context = selectors.year_page(year=year)
    except FiscalYear.DoesNotExist:
        raise Http404("没有该年度的决算公开。") from None
    return render(request, "disclosure/year_detail.html", context)


def _csv_response(disclosures, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(exports.figure_rows(disclosures)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def disclosure_csv(request, slug: str, year: int):
    disclosures = Disclosure.objects.current().filter(agency__slug=slug, fiscal_year__year=year)
    if not disclosures.exists():
        raise Http404("没有找到该单位该年度已发布的决算公开。")
    return _csv_response(disclosures, f"{slug}-{year}.csv")


def year_csv(request, year: int):
    if not FiscalYear.objects.filter(year=year).exists():
        raise Http404("没有该年度的决算公开。")
    return _csv_response(Disclosure.objects.current().for_year(year), f"juesuan-{year}.csv")


def all_csv(request):
    return _csv_response(Disclosure.objects.current(), "juesuan-all.csv")


def page_not_found(request, exception):
    # Our own Http404s carry a Chinese sentence for the citizen; the resolver's do not.
    message = ""
    if type(exception) is Http404 and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)
