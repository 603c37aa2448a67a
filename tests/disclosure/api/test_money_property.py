"""Property: for every disclosure of a generated corpus (both formats), the API, the HTML page
and the CSV give the same figures, to the fen (API and CSV in 元) and as printed (万元)."""

import csv
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure.models import ThreePublicItem
from tests.factories import (
    AgencyFactory,
    CellFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    ReportRowFactory,
    StandardDisclosureFactory,
    ThreePublicExpenseFactory,
    publish,
    table_spec,
)

pytestmark = pytest.mark.django_db

# Amounts to the fen, with the half-fen-of-万元 edges (…50 元) that rounding must agree on.
amounts = st.one_of(
    st.integers(0, 10**11).map(lambda fen: Decimal(fen) / 100),
    st.integers(0, 10**6).map(lambda n: Decimal(n * 100 + 50)),
)
simple = st.fixed_dictionaries(
    {
        "kind": st.just("2014"),
        "lines": st.lists(
            st.tuples(
                st.sampled_from(["income", "expenditure", "economic", "functional"]), amounts
            ),
            min_size=1,
            max_size=6,
        ),
        "three_public": st.lists(amounts, min_size=4, max_size=4),
    }
)
standard = st.fixed_dictionaries(
    {
        "kind": st.just("standard"),
        "rows": st.lists(
            st.tuples(amounts, st.none() | amounts, st.none() | amounts),  # a row prints a figure
            min_size=1,
            max_size=5,
        ),
    }
)
corpus = st.lists(st.one_of(simple, standard), min_size=1, max_size=3)


def build(spec: dict, n: int):
    agency = AgencyFactory(slug=f"prop-{n}", name=f"性质测试第{n}局")
    if spec["kind"] == "2014":
        d = DisclosureFactory(agency=agency)
        for i, (statement, amount) in enumerate(spec["lines"]):
            ExpenditureLineFactory(
                disclosure=d, statement=statement, name=f"项目{i}", amount_yuan=amount
            )
        for item, amount in zip(ThreePublicItem, spec["three_public"], strict=True):
            ThreePublicExpenseFactory(disclosure=d, item=item.value, amount_yuan=amount)
    else:
        d = StandardDisclosureFactory(agency=agency)
        table = table_spec("05", d.fiscal_year.report_format)
        columns = [c for c in table.columns.order_by("order") if c.printed][:3]
        for i, values in enumerate(spec["rows"]):
            row = ReportRowFactory(disclosure=d, table=table, name=f"行{i}", code=f"20{i + 1:03d}")
            for column, amount in zip(columns, values, strict=False):
                if amount is not None:
                    CellFactory(row=row, column=column, amount_yuan=amount)
    return publish(d)


def api_figures(client, d) -> Counter:
    url = f"/api/v1/disclosures/{d.agency.slug}/{d.fiscal_year.year}/figures?limit=500"
    items = []
    while url:
        body = client.get(url).json()
        items, url = items + body["items"], body["next"]
    return Counter((f["name"], f["amount_wan"], f["amount_yuan"]) for f in items)


def csv_figures(client, d) -> Counter:
    response = client.get(d.get_csv_url())
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text))
    return Counter((r["项目"], r["金额（万元）"], r["金额（元）"]) for r in rows if r["金额（元）"])


ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
HEAD = re.compile(r'<th scope="row">(.*?)</th>', re.S)
NUM = re.compile(r'<td class="num">(.*?)</td>', re.S)


def page_figures(client, d) -> Counter:
    """Every printed amount of the page's figure tables, by its row's name; the totals a page
    computes (合计 of a statement or of the 三公 table) are not stored figures. The charts'
    tables after the document repeat its figures: they are left out."""
    html = client.get(d.get_absolute_url()).content.decode().split('<section id="charts"')[0]
    found = Counter()
    for row in ROW.findall(html):
        head = HEAD.search(row)
        if not head:
            continue
        name = unescape(re.sub(r"<[^>]+>", "", head.group(1))).strip().removeprefix("其中：")
        if name == "合计":
            continue
        for value in NUM.findall(row):
            if value.strip():
                found[(name, value.strip())] += 1
    return found


@given(corpus)
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_page_and_csv_give_the_same_figures(client, specs):
    with transaction.atomic():
        for n, spec in enumerate(specs):
            d = build(spec, n)
            api = api_figures(client, d)
            assert api, spec
            assert csv_figures(client, d) == api
            printed = Counter()
            for (name, wan, _yuan), count in api.items():
                printed[(name, wan)] += count
            assert page_figures(client, d) == printed
            for _name, wan, yuan in api:
                assert Decimal(yuan) == Decimal(yuan).quantize(Decimal("0.01"))
                assert Decimal(wan) == (Decimal(yuan) / 10000).quantize(
                    Decimal("0.01"), rounding="ROUND_HALF_UP"
                )
        transaction.set_rollback(True)
