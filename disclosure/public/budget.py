"""The 部门预算's public page and CSV (/agencies/<slug>/<year>/budget/ and its .csv), beside
the 决算's page of the same year, which links here when the budget is published (and back)."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, gettext_noop

from disclosure.caching.published import published
from disclosure.core.csv import csv_lines, csv_response, neutralise
from disclosure.core.money import format_wan, format_yuan
from disclosure.formats.budget import BUDGET
from disclosure.models import Disclosure, DisclosureStatus, DocumentKind

from . import selectors

NO_BUDGET = gettext_noop("没有找到该单位该年度已发布的部门预算。")
HEADER = [
    "单位标识",
    "单位",
    "年度",
    "文件类型",
    "表",
    "科目编码",
    "项目",
    "位置",
    "栏目",
    "金额（元）",
    "金额（万元）",
]


def budget_rows(disclosures) -> list[list[str]]:
    """Every figure of these budgets, one row per cell as the tables print them (a blank cell
    has no amount); text that looks like a formula is neutralised, as in every CSV."""
    by_id = {d.pk: d for d in disclosures}
    rows = []
    for f in BUDGET.export_figures(list(by_id), using=DEFAULT_DB_ALIAS):
        d = by_id[f.disclosure_id]
        rows.append(
            [
                neutralise(d.agency.slug),
                neutralise(d.agency.name),
                str(d.fiscal_year.year),
                DocumentKind.BUDGET.label,
                neutralise(f.report),  # 预算08表 …: the format names its tables
                f.code,
                neutralise(f.name),
                neutralise(f.place),
                neutralise(f.column),
                format_yuan(f.amount_yuan),
                format_wan(f.amount_yuan),
            ]
        )
    return rows


@published(per_user=True)
def budget_detail(request, slug: str, year: int):
    try:
        page = selectors.disclosure_page(
            slug=slug, year=year, viewer=request.user, kind=DocumentKind.BUDGET
        )
    except Disclosure.DoesNotExist:
        raise Http404(gettext(NO_BUDGET)) from None
    english = translation.get_language() != settings.LANGUAGE_CODE
    code_names = (
        selectors.english_code_names(fiscal_year=page.disclosure.fiscal_year) if english else {}
    )
    context = {
        "page": page,
        "code_names": code_names,
        "print_footer": selectors.print_footer(request=request),
    }
    response = render(request, "disclosure/budget_detail.html", context)
    if page.disclosure.status != DisclosureStatus.PUBLISHED:
        patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


@published
def budget_csv(request, slug: str, year: int):
    budgets = (
        Disclosure.objects.current().budgets().filter(agency__slug=slug, fiscal_year__year=year)
    )
    if not budgets.exists():
        raise Http404(gettext(NO_BUDGET))
    return csv_response(csv_lines(HEADER, budget_rows(budgets)), f"{slug}-{year}-yusuan.csv")
