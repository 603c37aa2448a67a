"""The citizen's pages: thin views over public.selectors."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

from bureaus.models import Agency
from disclosure.caching.published import published
from disclosure.models import Disclosure, DisclosureStatus, FiscalYear

from . import lists, selectors


def _with_footer(request, context: dict) -> dict:
    """The page's context with its print footer (base.html shows it on paper only)."""
    return {**context, "print_footer": selectors.print_footer(request=request)}


@published
def home(request):
    context = lists.home_page(path=request.path, page=request.GET.get("page"))
    return render(request, "disclosure/home.html", _with_footer(request, context))


@published
def agency_detail(request, slug: str):
    try:
        context = lists.agency_page(slug=slug, path=request.path, page=request.GET.get("page"))
    except Agency.DoesNotExist:
        raise Http404(gettext("没有找到该单位。")) from None
    return render(request, "bureaus/agency_detail.html", _with_footer(request, context))


# Signed-in staff may see a preview of a draft here: theirs is never kept nor dated.
@published(per_user=True)
def disclosure_detail(request, slug: str, year: int):
    # Staff who may read this agency's drafts (its clerks, reviewers, auditors) preview the
    # newest revision here; citizens and other agencies' clerks see the current published one.
    try:
        page = selectors.disclosure_page(slug=slug, year=year, viewer=request.user)
    except Disclosure.DoesNotExist:
        raise Http404(gettext("没有找到该单位该年度已发布的决算公开。")) from None
    # An English page prints the classification's English names (none on a Chinese page).
    english = translation.get_language() != settings.LANGUAGE_CODE
    code_names = (
        selectors.english_code_names(fiscal_year=page.disclosure.fiscal_year) if english else {}
    )
    context = {"page": page, "code_names": code_names}
    response = render(request, "disclosure/disclosure_detail.html", _with_footer(request, context))
    if page.disclosure.status != DisclosureStatus.PUBLISHED:
        # A staff preview of a draft or a correction in review: never kept by a shared cache
        # (a proxy must not serve it to the next citizen) nor stored on the reader's disk.
        patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


@published
def year_detail(request, year: int):
    try:
        context = lists.year_page(year=year, path=request.path, page=request.GET.get("page"))
    except FiscalYear.DoesNotExist:
        raise Http404(gettext("没有该年度的决算公开。")) from None
    return render(request, "disclosure/year_detail.html", _with_footer(request, context))


def page_not_found(request, exception):
    # Our own Http404s carry a sentence for the citizen in the page's language; the
    # resolver's do not.
    message = ""
    if type(exception) is Http404 and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)
