"""The pages' charts from the real documents: their figures, where they come from, and whether
they passed reconciliation, matched on the places the engine's own findings name."""

from decimal import Decimal

import pytest

from disclosure.charts.build import three_public_by_year
from disclosure.formats.base import format_for, registered
from disclosure.models import ReconciliationFinding, ThreePublicItem
from disclosure.public.lists import agency_page
from disclosure.public.selectors import disclosure_page
from disclosure.reconciliation.engine.across import ITEM_NAMES
from disclosure.reconciliation.services import disclosure_reconcile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module", "putuo_for_module")]


def charts_of(disclosure):
    page = disclosure_page(slug=disclosure.agency.slug, year=disclosure.fiscal_year.year)
    return {chart.key: chart for chart in page.charts}


def test_the_2014_page_charts_its_classes_and_has_no_budget_to_compare(seed):
    disclosure_reconcile(disclosure=seed)
    charts = charts_of(seed)
    assert list(charts) == ["chart-spending"]  # the 2014 document prints no 预算数
    spending = charts["chart-spending"]
    assert [(r.name, r.values) for r in spending.rows] == [
        ("201 一般公共服务支出", (Decimal("1848200.00"),)),
        ("221 住房保障支出", (Decimal("110000.00"),)),
    ]
    assert spending.source == "支出按功能分类表，决算数"
    assert spending.check.passed and spending.check.errors == 0
    assert 'aria-labelledby="chart-spending-title chart-spending-desc"' in spending.svg
    assert "201 一般公共服务支出：184.82万元" in spending.svg  # the text alternative


def test_the_standard_page_charts_03s_classes_and_fails_them_on_printed_contradictions(putuo):
    disclosure_reconcile(disclosure=putuo)
    charts = charts_of(putuo)
    assert list(charts) == ["chart-spending", "chart-budget-1", "chart-budget-2"]
    spending = charts["chart-spending"]
    assert [r.name for r in spending.rows] == [
        "208 社会保障和就业支出",
        "210 卫生健康支出",
        "212 城乡社区支出",
        "220 自然资源海洋气象等支出",
        "221 住房保障支出",
    ]
    assert spending.rows[1].values == (Decimal("2366400.00"),)
    assert spending.source == "公开03表 支出决算表，“本年支出合计”列"
    # 01 prints 236.63 and 3845.25 where 03 prints 236.64 and 3845.24: the engine's two
    # cross-table errors name 03's cells, so the places match the engine's names.
    assert spending.check.errors == 2 and spending.check.short == "未通过"


def test_the_standard_budgets_are_07s_items_and_05s_lines_with_their_warnings(putuo):
    disclosure_reconcile(disclosure=putuo)
    charts = charts_of(putuo)
    three_public = charts["chart-budget-1"]
    assert three_public.columns == ("预算数", "决算数")
    rows = {r.name: r.values for r in three_public.rows}
    assert rows["合计"] == (Decimal("28500.00"), Decimal("3900.00"))
    assert rows["公务接待费"] == (Decimal("28500.00"), Decimal("3900.00"))
    assert "公务用车购置费" not in rows  # 07's vehicle split: its parent row is charted
    # Two budget_final warnings name 07's 合计 and 公务接待费; no error does.
    assert three_public.check.passed and three_public.check.warnings == 2
    lines = charts["chart-budget-2"]
    assert lines.source.startswith("公开05表 ")
    planning = next(r for r in lines.rows if r.name == "2120201 城乡社区规划与管理")
    assert planning.values == (Decimal("31101400.00"), Decimal("27395600.00"))
    assert lines.check.warnings == 1


def test_the_2014_three_public_places_are_the_engines_names():
    simple = next(f for f in registered() if f.key == "2014")
    _source, places = simple.three_public_places()
    assert places == {item: f"“三公”经费 {ITEM_NAMES[item]}" for item in ITEM_NAMES}


def test_the_agency_page_charts_three_public_by_year_each_year_checked(putuo):
    disclosure_reconcile(disclosure=putuo)
    chart = agency_page(slug=putuo.agency.slug)["chart"]
    assert chart.columns == tuple(str(i.label) for i in ThreePublicItem)
    (row,) = chart.rows
    assert row.name == "2024年度" and row.url == putuo.get_absolute_url()
    assert row.values[-1] == Decimal("3900.00")  # 公务接待费
    assert row.check.passed and row.check.short == "通过"
    assert chart.source == "2024年度：公开07表 财政拨款“三公”经费支出决算表，决算数"
    assert chart.per_row_check


def test_an_agency_with_no_published_year_has_no_chart():
    assert three_public_by_year(agency=None, disclosures=[], summaries={}) is None


def test_the_standard_places_are_the_engines_names_for_07(putuo):
    """07's budget_final warnings name the chart's places exactly."""
    disclosure_reconcile(disclosure=putuo)
    named = {
        cell[0]
        for f in ReconciliationFinding.objects.filter(disclosure=putuo, rule="budget_final")
        for cell in f.cells
    }
    _source, places = format_for(putuo).three_public_places()
    assert places["reception"] in named and places["three_public"] in named


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("/agencies/liyang-xinfang/2014/", ["chart-spending"]),
        ("/agencies/putuo-ghzy/2024/", ["chart-spending", "chart-budget-1", "chart-budget-2"]),
        ("/agencies/putuo-ghzy/", ["chart-three-public"]),
    ],
)
def test_each_page_shows_its_charts_as_figures_with_their_tables(client, url, keys):
    html = client.get(url).content.decode()
    for key in keys:
        start = html.index(f'<figure class="chart" id="{key}">')
        figure = html[start : html.index("</figure>", start)]
        assert "<figcaption>" in figure and "数字来源：" in figure
        assert 'role="img"' in figure and f'aria-labelledby="{key}-title {key}-desc"' in figure
        assert "<table" in figure and "图中数字" in figure
        assert "核对" in figure
