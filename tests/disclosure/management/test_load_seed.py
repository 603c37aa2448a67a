"""`make demo`'s documents (load_seed) on an empty database: the 2025 部门决算 and 2026 部门预算 of
上海市普陀区文化和旅游局 published beside the others, their pages with the transcription's
totals (fixtures/corpus/), the agency page listing both, and a second run loading nothing.

Loaded once for the module (the documents are only read; each test's writes roll back)."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from disclosure.management.commands.load_seed import DOCUMENTS
from disclosure.models import Disclosure, DocumentKind, FindingAcknowledgement
from tests.disclosure.budget.corpus import document as budget_document
from tests.disclosure.corpus.printed import document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_module")]
WENLV = "putuo-wenlv"


@pytest.fixture(scope="module")
def demo_for_module(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        assert not Disclosure.objects.exists()  # an empty database
        out = io.StringIO()
        call_command("load_seed", stdout=out, verbosity=0)
        return out.getvalue()


def row_count() -> int:
    return sum(model.objects.count() for model in apps.get_models())


def table_01(doc: dict, name: str, column: str) -> str:
    (table,) = [t for t in doc["tables"] if t["number"] == "01"]
    (row,) = [r for r in table["rows"] if r["name"] == name and r["side"] == "收入"]
    return row["cells"][column]


def test_every_demo_document_is_loaded_and_published():
    published = Disclosure.objects.current().values_list(
        "agency__slug", "fiscal_year__year", "kind"
    )
    assert sorted(published) == sorted((slug, year, kind) for _f, slug, year, kind in DOCUMENTS)


def test_the_agency_has_its_2025_final_and_its_2026_budget_published():
    documents = Disclosure.objects.filter(agency__slug=WENLV).order_by("fiscal_year__year")
    assert [(d.fiscal_year.year, d.kind, d.status) for d in documents] == [
        (2025, DocumentKind.FINAL, "published"),
        (2026, DocumentKind.BUDGET, "published"),
    ]
    final, budget = documents
    assert final.agency.name == budget.agency.name == "上海市普陀区文化和旅游局"
    # Published as printed: each of the 决算's printed contradictions acknowledged (33 errors,
    # tests/disclosure/corpus/test_corpus_documents.py WENLV); the budget has none.
    reasons = FindingAcknowledgement.objects.filter(disclosure=final).values_list(
        "reason", flat=True
    )
    assert list(reasons) == ["原文如此，以原件为准"] * 33
    assert not FindingAcknowledgement.objects.filter(disclosure=budget).exists()


def test_the_budget_page_and_csv_show_the_printed_totals(client):
    doc = budget_document()
    total = table_01(doc, "收入总计", "预算数")  # in 元, as table 1 prints it
    assert total == "278076101"
    page = client.get(f"/agencies/{WENLV}/2026/budget/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026年上海市普陀区文化和旅游局部门预算" in text
    assert "27807.61" in text  # 278,076,101 元 in 万元
    assert f'href="/agencies/{WENLV}/2025/"' not in text  # the 2025 决算 is not this year's
    csv = client.get(f"/agencies/{WENLV}/2026/budget.csv")
    assert csv.status_code == 200
    assert total in b"".join(csv.streaming_content).decode()


def test_the_final_page_shows_its_totals_and_says_the_year_has_no_budget(client):
    doc = document("wenlv-2025")
    page = client.get(f"/agencies/{WENLV}/2025/")
    assert page.status_code == 200
    text = page.content.decode()
    assert table_01(doc, "本年收入合计", "决算数") == "26538.47"
    assert table_01(doc, "总计", "决算数") == "26591.08"
    assert "26538.47" in text and "26591.08" in text
    # No 2025 预算 on the site: said so, and no link to a page that does not exist.
    assert "2025年部门预算未在本站公开。" in text
    assert "/2025/budget/" not in text
    assert client.get(f"/agencies/{WENLV}/2025/budget/").status_code == 404


def test_the_agency_page_lists_both_documents(client):
    page = client.get(f"/agencies/{WENLV}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'<a href="/agencies/{WENLV}/2025/">2025年度决算</a>' in text
    assert f'<a href="/agencies/{WENLV}/2026/budget/">2026年部门预算</a>' in text
    assert f'<a href="/agencies/{WENLV}/2026/budget.csv">CSV</a>' in text


def test_loading_again_loads_nothing():
    before = row_count()
    out = io.StringIO()
    call_command("load_seed", stdout=out, verbosity=0)
    assert row_count() == before
    assert out.getvalue().count("已存在，保留现有数据。") == len(DOCUMENTS)
    assert "putuo-wenlv 2026 预算 已存在" in out.getvalue()
