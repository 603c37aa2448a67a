"""The auditor's reconciliation page and its CSV: staff who may view disclosures only."""

from django.contrib.auth.decorators import user_passes_test
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from disclosure.core.csv import csv_response
from disclosure.reconciliation import exports as reconciliation_exports

from .forms import FindingFilterForm
from .selectors import findings_list, findings_pages

PER_PAGE = 50


def _auditor(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("disclosure.view_disclosure")


def auditor_required(view):
    """Staff who may view disclosures; everyone else is sent to the login page, like the admin
    does. The answer holds drafts' findings: private to the reader, never in a shared cache."""
    return cache_control(private=True, no_store=True, max_age=0)(user_passes_test(_auditor)(view))


@auditor_required
def reconciliation(request):
    form = FindingFilterForm(request.GET)
    page = None
    if form.is_valid():  # a bad filter shows its error and no findings, never a guess
        findings = findings_pages(viewer=request.user, **form.cleaned_data)
        page = Paginator(findings, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [reconciliation_exports.finding_view(f) for f in page] if page else [],
        "query": query.urlencode(),
    }
    return render(request, "disclosure/reconciliation.html", context)


@auditor_required
def reconciliation_csv(request):
    form = FindingFilterForm(request.GET)
    if not form.is_valid():
        errors = "；".join(e for field in form.errors.values() for e in field)
        return HttpResponseBadRequest(
            f"筛选条件有误：{errors}", content_type="text/plain; charset=utf-8"
        )
    findings = findings_list(viewer=request.user, **form.cleaned_data).iterator(chunk_size=2000)
    return csv_response(reconciliation_exports.csv_lines(findings), "reconciliation.csv")
