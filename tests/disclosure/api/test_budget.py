"""The 部门预算 in the API: `kind=预算` on the lists and a disclosure's endpoints, 文件类型 on its
figures, its totals from its own tables, and the same figures as the CSV.

The budget is the corpus document 上海市普陀区文化和旅游局 2026年部门预算, beside a small 决算
of the same agency and year (tests/disclosure/exports/test_budget_exports.py)."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.exports.rows import HEADER
from tests.disclosure.budget.corpus import (
    PER_UNIT,
    document,
    published_budget,
    published_final,
)
from tests.factories import (
    AgencyFactory,
    BudgetDisclosureFactory,
    StandardFiscalYearFactory,
    add_row,
    publish,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"
BUDGET = f"{API}/disclosures/putuo-wenlv/2026?kind={quote('预算')}"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def final():
    return published_final()


@pytest.fixture
def budget(final):
    return published_budget(final)


def all_items(client, url: str) -> list:
    items = []
    while url:
        body = client.get(url).json()
        items += body["items"]
        url = body["next"]
    return items


def cell(doc: dict, table: str, name: str, label: str, side: str = "") -> Decimal:
    t = next(t for t in doc["tables"] if t["number"] == table)
    r = next(r for r in t["rows"] if r["name"] == name and r["side"] == side)
    return Decimal(r["cells"][label]) * PER_UNIT[t["unit"]]


def test_the_budget_detail_matches_its_golden_json(client, budget):
    body = client.get(BUDGET).json()
    assert body == json.loads((GOLDEN / "putuo-wenlv-2026-budget.json").read_text("utf-8"))
    # The totals are the budget's own tables' (formats/budget.py), as the document prints them.
    doc = document()
    totals = {t["name"]: Decimal(t["amount_yuan"]) for t in body["totals"]}
    assert totals["income"] == cell(doc, "01", "收入总计", "预算数", side="收入")
    assert totals["expenditure"] == cell(doc, "01", "支出总计", "预算数", side="支出")
    assert totals["basic"] + totals["project"] == cell(doc, "03", "合计", "合计")
    assert totals["three_public"] == cell(doc, "09", "合计", "预算数") == Decimal("114900")
    assert totals["reception"] == cell(doc, "09", "公务接待费", "预算数")


def test_without_a_kind_an_agency_year_is_its_final_as_before(client, budget, final):
    body = client.get(f"{API}/disclosures/putuo-wenlv/2026").json()
    assert (body["kind"], body["format"], body["url"]) == (
        "决算",
        "standard",
        "/api/v1/disclosures/putuo-wenlv/2026",
    )
    assert body["page"] == "/agencies/putuo-wenlv/2026/"
    listed = {d["kind"]: d for d in all_items(client, f"{API}/disclosures?agency=putuo-wenlv")}
    assert list(listed) == ["决算"]
    assert all_items(client, f"{API}/disclosures?agency=putuo-wenlv&kind=决算") == [listed["决算"]]
    budgets = all_items(client, f"{API}/disclosures?agency=putuo-wenlv&kind=预算")
    assert budgets == [{k: v for k, v in client.get(BUDGET).json().items() if k in budgets[0]}]
    assert budgets[0]["url"] == BUDGET.replace(quote("预算"), "%E9%A2%84%E7%AE%97")


def csv_figures(client) -> list[tuple]:
    """The 预算's rows of the year CSV that hold an amount, as the API's figures name them."""
    text = b"".join(client.get("/years/2026.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == HEADER
    names = ("文件类型", "报表", "科目编码", "项目", "上级项目", "栏目", "金额（元）")
    return sorted(
        tuple(r[n] for n in names) for r in rows if r["文件类型"] == "预算" and r["金额（元）"]
    )


def api_figures(items: list[dict]) -> list[tuple]:
    return sorted(
        (f["kind"], f["table"], f["code"], f["name"], f["place"], f["column"], f["amount_yuan"])
        for f in items
    )


def test_the_budget_figures_are_the_csv_rows_labelled_预算(client, budget):
    expected = csv_figures(client)
    assert len(expected) == 335  # every figure of the transcription
    everywhere = all_items(client, f"{API}/figures?kind={quote('预算')}&limit=100")
    one = all_items(client, f"{API}/disclosures/putuo-wenlv/2026/figures?kind={quote('预算')}")
    assert api_figures(everywhere) == api_figures(one) == expected
    reception = [f for f in one if f["table"].startswith("预算09表") and f["name"] == "公务接待费"]
    assert [(f["kind"], f["column"], f["amount_wan"]) for f in reception] == [
        ("预算", "预算数", "2.11")
    ]


def test_the_finals_figures_stay_决算_without_a_kind(client, budget, final):
    items = all_items(client, f"{API}/figures?agency=putuo-wenlv")
    assert {f["kind"] for f in items} == {"决算"} and len(items) == 4
    assert {f["table"][:4] for f in items} == {"公开05", "公开07"}


def test_a_budget_list_costs_the_same_queries_however_many_budgets(client, db):
    fiscal_year = StandardFiscalYearFactory(year=2026)

    def add(count: int) -> None:
        for _ in range(count):
            d = BudgetDisclosureFactory(agency=AgencyFactory(), fiscal_year=fiscal_year)
            add_row(d, "09", "公务接待费", cells={"预算数": "1.00"})
            publish(d)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(url).status_code == 200
        return len(done)

    urls = [f"{API}/disclosures?kind={quote('预算')}", f"{API}/figures?kind={quote('预算')}"]
    add(2)
    few = [queries(url) for url in urls]
    add(20)
    assert [queries(url) for url in urls] == few
    assert len(client.get(urls[0]).json()["items"]) == 22  # the answer moved on, not kept
