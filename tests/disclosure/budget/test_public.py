"""The 部门预算's public page and CSV, linked from the 决算's page of the same year and back."""

import csv
import io
from decimal import Decimal

import pytest

from disclosure.models import DocumentKind
from disclosure.public.execution import execution
from tests.disclosure.budget.corpus import document, entered
from tests.factories import NarrativeFigureFactory, StandardDisclosureFactory, add_row, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget():
    return entered(document())


@pytest.fixture
def final(budget):
    return StandardDisclosureFactory(agency=budget.agency, fiscal_year=budget.fiscal_year)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_published_budget_has_its_page_linked_both_ways_with_the_final(client, budget, final):
    publish(budget)
    publish(final)
    assert budget.get_absolute_url() == "/agencies/putuo-wenlv/2026/budget/"
    page = client.get(budget.get_absolute_url()).content.decode()
    assert "2026年上海市普陀区文化和旅游局部门预算" in page
    assert "部门“三公”经费和机关运行经费预算表" in page
    assert 'href="/agencies/putuo-wenlv/2026/"' in page  # the 决算 of the year
    assert 'href="/agencies/putuo-wenlv/2026/budget.csv"' in page
    final_page = client.get(final.get_absolute_url()).content.decode()
    assert 'href="/agencies/putuo-wenlv/2026/budget/"' in final_page
    agency_page = client.get("/agencies/putuo-wenlv/").content.decode()
    assert '<a href="/agencies/putuo-wenlv/2026/budget/">2026年部门预算</a>' in agency_page
    assert '<a href="/agencies/putuo-wenlv/2026/budget.csv">CSV</a>' in agency_page


def test_an_unpublished_budget_is_not_shown_nor_linked(client, budget, final):
    publish(final)
    assert client.get("/agencies/putuo-wenlv/2026/budget/").status_code == 404
    assert client.get("/agencies/putuo-wenlv/2026/budget.csv").status_code == 404
    assert "/budget/" not in client.get(final.get_absolute_url()).content.decode()
    agency_page = client.get("/agencies/putuo-wenlv/").content.decode()
    assert "2026年度决算" in agency_page
    assert "/budget" not in agency_page and "历年部门预算" not in agency_page


def test_the_budget_csv_has_every_figure_in_yuan_and_wan(client, budget):
    publish(budget)
    rows = csv_rows(client.get(budget.get_csv_url()))
    header, body = rows[0], rows[1:]
    assert header[3] == "文件类型" and header[-2:] == ["金额（元）", "金额（万元）"]
    assert {r[3] for r in body} == {DocumentKind.BUDGET.label}
    figures = [r for r in body if r[-2]]
    assert len(figures) == 335  # every figure of the transcription (test_wenlvju_2026)
    reception = [r for r in figures if r[5] == "30217"]
    assert [(r[4], r[6], r[8], r[9], r[10]) for r in reception] == [
        (
            "预算08表 部门一般公共预算基本支出部门预算经济分类预算表",
            "公务接待费",
            "一般公共预算基本支出/合计",
            "21100.00",
            "2.11",
        ),
        (
            "预算08表 部门一般公共预算基本支出部门预算经济分类预算表",
            "公务接待费",
            "一般公共预算基本支出/公用经费",
            "21100.00",
            "2.11",
        ),
    ]


def test_a_final_page_without_a_budget_says_so_and_links_to_none(client, final):
    publish(final)
    page = client.get(final.get_absolute_url()).content.decode()
    assert '<p class="counterpart">2026年部门预算未在本站公开。</p>' in page
    assert "/budget/" not in page and "预算执行情况" not in page


def test_the_final_page_shows_budget_final_and_execution_rate_once_the_budget_is_published(
    client, budget, final, django_assert_max_num_queries
):
    add_row(final, "05", "行政运行", code="2070101", cells={"合计": "418.91"})
    add_row(final, "07", "公务接待费", cells={"预算数": "2.11", "决算数": "1.00"})
    NarrativeFigureFactory(disclosure=final, key="机关运行经费", value=Decimal("164.39"))
    publish(final)
    publish(budget)  # without it the page has no such section (test above)
    page = client.get(final.get_absolute_url()).content.decode()
    assert "预算执行情况" in page
    # 2070101: 4,654,597 元 budgeted (465.46 万元), 418.91 spent: 90.00 %.
    assert (
        '<th scope="row">2070101 行政运行</th><td>465.46</td><td>418.91</td><td>90.00%</td>' in page
    )
    assert "公务接待费</th><td>2.11</td><td>1.00</td><td>47.39%</td>" in page
    assert "机关运行经费</th><td>182.65</td><td>164.39</td><td>90.00%</td>" in page


def test_the_execution_reads_two_queries_whatever_the_rows(
    budget, final, django_assert_num_queries
):
    for code in ("2070101", "2070104", "2070109"):
        add_row(final, "05", code, code=code, cells={"合计": "1.00"})
    with django_assert_num_queries(2):
        found = execution(final=final, budget=budget)
    assert len(found.items) == 23  # every 项 of either document (the budget's 23), by code
    assert [r.label for r in found.three_public][:2] == ["合计", "因公出国（境）费"]


def test_the_budget_page_names_itself_a_budget_in_every_heading(client, budget):
    """The page shares the 决算's layout; its headings and table tags say 预算, in Chinese and
    in English."""
    publish(budget)
    page = client.get(budget.get_absolute_url()).content.decode()
    assert "<h1>上海市普陀区文化和旅游局2026年度部门预算</h1>" in page
    assert "第二部分 上海市普陀区文化和旅游局2026年度部门预算表" in page
    assert '<span class="tag">预算01表</span>' in page
    document = page[page.index("<article") : page.index("</article>")]  # not the site's name
    assert "部门决算" not in document and "公开01表" not in document
    english = client.get(f"/en{budget.get_absolute_url()}").content.decode()
    assert "Departmental budget of" in english and "Budget table 01" in english
    assert "final accounts of" not in english
