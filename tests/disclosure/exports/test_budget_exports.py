"""The 部门预算 in the combined exports: 文件类型 预算 on its rows, its figures through the budget
format (预算NN表), a 预算 before the 决算 of the same agency and year, in the year CSV, /all.csv,
the XLSX's figures and the data packages.

The budget is the corpus document 上海市普陀区文化和旅游局 2026年部门预算
(fixtures/corpus/wenlvju-budget-2026.json, tests/disclosure/budget/corpus.py)."""

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from django.db import connection
from openpyxl import load_workbook

from disclosure.exports import packages
from disclosure.exports.rows import HEADER
from tests.disclosure.budget.corpus import PER_UNIT, document, published_budget, published_final
from tests.factories import (
    AgencyFactory,
    BudgetDisclosureFactory,
    StandardDisclosureFactory,
    StandardFiscalYearFactory,
    add_row,
    publish,
)

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def final():
    return published_final()


@pytest.fixture
def budget(final):
    return published_budget(final)


KIND = HEADER.index("文件类型")
AMOUNT_YUAN = HEADER.index("金额（元）")


def test_the_year_csv_matches_golden_bytes_the_budget_before_the_final(client, budget, final):
    """The budget's 554 rows (its 335 figures and the cells its tables print blank), then the
    决算's. Checked by eye against the document: 预算01表 财政拨款收入 27807.61 万元,
    预算09表 公务接待费 2.11, 机关运行经费 182.65; and against the corpus below."""
    data = body(client.get("/years/2026.csv"))
    assert data == (GOLDEN / "juesuan-2026-budget-and-final.csv").read_bytes()
    kinds = [r[KIND] for r in records(data)[1:]]
    assert kinds == ["预算"] * 554 + ["决算"] * 6
    assert budget.pk > final.pk  # the order is the rule's, not the ids'


def test_the_budget_rows_are_the_corpus_figures(client, budget):
    """Independent of the golden file: every figure of the transcription is a 预算 row of its
    table (预算NN表), row and column, exactly in 元; the other rows are blank cells."""
    rows = [r for r in records(body(client.get("/years/2026.csv")))[1:] if r[KIND] == "预算"]
    exported = sorted(
        (r[2].split("表")[0], r[3], r[4], r[6].rsplit("/", 1)[-1], r[AMOUNT_YUAN])
        for r in rows
        if r[AMOUNT_YUAN]
    )
    doc = document()
    printed = sorted(
        (
            f"预算{t['number']}",
            r["code"],
            r["name"],
            label,
            f"{Decimal(value) * PER_UNIT[t['unit']]:.2f}",
        )
        for t in doc["tables"]
        for r in t["rows"]
        for label, value in r["cells"].items()
    )
    assert len(printed) == 335 and exported == printed
    assert {r[KIND] for r in rows} == {"预算"} and all(r[2].startswith("预算") for r in rows)


def test_all_csv_is_every_year_in_order_with_both_kinds(client, seed, budget, final):
    all_rows = records(body(client.get("/all.csv")))
    seed_rows = records(body(client.get(seed.get_csv_url())))
    year_rows = records((GOLDEN / "juesuan-2026-budget-and-final.csv").read_bytes())
    assert all_rows == seed_rows + year_rows[1:]  # 2014's 决算, then 2026's 预算 and 决算


def test_the_agency_csv_stays_the_final_and_budget_csv_the_budget(client, budget, final):
    """An agency-year's CSV is one document: the 决算's at <year>.csv, the 预算's at
    budget.csv, whose tables keep their 预算NN表 names."""
    final_rows = records(body(client.get(final.get_csv_url())))[1:]
    assert {r[KIND] for r in final_rows} == {"决算"} and len(final_rows) == 6
    budget_rows = records(body(client.get(budget.get_csv_url())))[1:]
    assert len(budget_rows) == 554 and budget_rows[0][4] == "预算01表 部门财务收支预算总表"


def test_the_package_numbers_each_document_and_keys_it_by_kind(client, budget, final, tmp_path):
    packages.build_package(2026)
    root = packages.packages_root()
    with zipfile.ZipFile(root / "juesuan-2026.zip") as zf:
        figures = records(zf.read("figures.csv"))
        disclosures = records(zf.read("disclosures.csv"))
        zf.extractall(tmp_path)
    public = records(body(client.get("/years/2026.csv")))
    assert [r[:-1] for r in figures] == public
    numbers = [r[-1] for r in figures[1:]]
    # 行号 counts within each document: the 决算 starts again at 1 after the budget's 554.
    assert numbers == [str(n) for n in range(1, 555)] + [str(n) for n in range(1, 7)]
    assert [r[2:4] + r[-1:] for r in disclosures[1:]] == [
        ["2026", "预算", "/agencies/putuo-wenlv/2026/budget/"],
        ["2026", "决算", "/agencies/putuo-wenlv/2026/"],
    ]
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])


def test_the_year_workbook_lists_the_same_rows(client, budget, final):
    workbook = load_workbook(io.BytesIO(client.get("/years/2026.xlsx").content), read_only=True)
    sheet = workbook["全部数字"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[KIND] in ("预算", "决算")]
    assert [r[KIND] for r in rows] == ["预算"] * 554 + ["决算"] * 6


def test_all_csv_queries_stay_constant_with_budgets_beside_finals(
    client, db, django_assert_num_queries
):
    """Per batch of disclosures: the 决算's tables (3 queries), the budget's (3), the 三公
    records (1); never a query per document, however many of each kind."""

    def add(count: int, year: int) -> None:
        fiscal_year = StandardFiscalYearFactory(year=year)
        for _ in range(count):
            agency = AgencyFactory()
            final = StandardDisclosureFactory(agency=agency, fiscal_year=fiscal_year)
            add_row(final, "05", "行政运行", code="2070101", cells={"合计": "1.00"})
            publish(final)
            budget = BudgetDisclosureFactory(agency=agency, fiscal_year=fiscal_year)
            add_row(budget, "09", "公务接待费", cells={"预算数": "1.00"})
            publish(budget)

    add(2, 2025)
    # Two for Last-Modified, one for the year, one for the documents, then for their one batch:
    # the 决算's tables (3), the budget's (3), the 三公 records (1); on PostgreSQL one query
    # writes the 决算s' text, then the budget's tables (3) and its 三公 records (1).
    batch = 1 + 3 + 1 if connection.vendor == "postgresql" else 3 + 3 + 1
    with django_assert_num_queries(2 + 1 + 1 + batch):
        small = records(body(client.get("/years/2025.csv")))
    add(10, 2026)
    with django_assert_num_queries(2 + 1 + 1 + batch):
        large = records(body(client.get("/years/2026.csv")))
    assert [r[KIND] for r in small[1:] if r[AMOUNT_YUAN]] == ["预算", "决算"] * 2
    assert [r[KIND] for r in large[1:] if r[AMOUNT_YUAN]] == ["预算", "决算"] * 10
