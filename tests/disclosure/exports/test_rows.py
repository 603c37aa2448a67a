"""CSV exports: golden bytes, streaming, formula neutralisation, drafts excluded."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.http import StreamingHttpResponse

from disclosure.exports import rows as exports
from tests.factories import (
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    ThreePublicExpenseFactory,
    publish,
)

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden"


def body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def test_seed_csv_matches_golden_bytes(client, seed):
    response = client.get("/agencies/liyang-xinfang/2014.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="liyang-xinfang-2014.csv"' in response["Content-Disposition"]
    assert body(response) == (GOLDEN / "liyang-xinfang-2014.csv").read_bytes()


def test_standard_csv_matches_golden_bytes(client, putuo):
    """Every cell of the nine tables, then the 三公 counts. Checked by eye against the document
    (/work/shared/samples/putuo-planning-resources-2024.txt), e.g. 公开01表 收入 9746.50,
    05表 2120101 行政运行 1092.80, 07表 公务接待费 2.85/0.39, 接待 2 批次 26 人次."""
    response = client.get("/agencies/putuo-ghzy/2024.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="putuo-ghzy-2024.csv"' in response["Content-Disposition"]
    assert body(response) == (GOLDEN / "putuo-ghzy-2024.csv").read_bytes()


def test_csv_starts_with_bom_and_carries_every_figure_of_the_document(client, seed, seed_text):
    data = body(client.get("/agencies/liyang-xinfang/2014.csv"))
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    for figure in ["195.82", "140.82", "79.82", "31.32", "55.00", "184.82", "11.00", "3.54"]:
        assert f",{figure}," in text, figure
    assert ",57,466," in text


def test_year_and_all_csv_carry_the_seed(client, seed):
    seed_rows = body(client.get("/agencies/liyang-xinfang/2014.csv")).decode("utf-8-sig")
    for url in ["/years/2014.csv", "/all.csv"]:
        assert body(client.get(url)).decode("utf-8-sig") == seed_rows


def test_drafts_never_reach_a_csv(client, seed):
    draft = DisclosureFactory(fiscal_year=seed.fiscal_year)
    ExpenditureLineFactory(disclosure=draft, name="草稿数字")
    for url in ["/years/2014.csv", "/all.csv"]:
        assert "草稿数字" not in body(client.get(url)).decode("utf-8-sig")


@pytest.mark.parametrize("evil", ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(client, db, evil):
    disclosure = DisclosureFactory(agency__name=f"{evil}局", agency__slug="evil")
    ExpenditureLineFactory(disclosure=disclosure, name=evil)
    publish(disclosure)
    text = body(client.get(disclosure.get_csv_url())).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text, newline="")))[1]
    assert row[0] == f"'{evil}局"
    assert row[4] == f"'{evil}"
    assert exports.neutralise("普通文字") == "普通文字"


def test_rows_are_grouped_by_disclosure_with_three_public_after_lines(client, db):
    b = AgencyFactory(slug="b-second")
    a = AgencyFactory(slug="a-first")
    for agency in (a, b):
        d = DisclosureFactory(agency=agency)
        ExpenditureLineFactory(disclosure=d, statement="functional", name=f"{agency.slug}-功能")
        ExpenditureLineFactory(disclosure=d, statement="income", name=f"{agency.slug}-收入")
        ThreePublicExpenseFactory(disclosure=d, item="reception", amount_yuan=Decimal("1.00"))
        ThreePublicExpenseFactory(disclosure=d, item="outbound")
        publish(d)
    rows = [
        line.split(",")
        for line in body(client.get("/all.csv")).decode("utf-8-sig").splitlines()[1:]
    ]
    names = [row[4] for row in rows]
    # Agencies in the order they were registered (b first); within a disclosure: income,
    # functional, then the three public items.
    assert names == [
        "b-second-收入",
        "b-second-功能",
        "因公出国（境）费",
        "公务接待费",
        "a-first-收入",
        "a-first-功能",
        "因公出国（境）费",
        "公务接待费",
    ]


def test_csv_queries_do_not_grow_with_disclosures(client, db, django_assert_max_num_queries):
    for _ in range(20):
        d = DisclosureFactory()
        ExpenditureLineFactory.create_batch(3, disclosure=d)
        ThreePublicExpenseFactory(disclosure=d)
        publish(d)
    # Two for Last-Modified (disclosure.caching), one for the disclosures, and for their one
    # batch the 2014 lines and the 三公 records.
    with django_assert_max_num_queries(2 + 1 + 2):
        data = body(client.get("/all.csv"))
    assert data.decode("utf-8-sig").count("\r\n") == 1 + 20 * 4
