"""Every list endpoint costs a fixed number of queries per page, on page 1 and deep in the list,
at a generated corpus of 2,000 agencies (built by code with bulk_create, once for the module)."""

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from bureaus.models import Agency
from disclosure.api.pagination import encode_cursor
from disclosure.models import (
    Disclosure,
    ExpenditureLine,
    FiscalYear,
    Reconciliation,
    ReconciliationFinding,
    ThreePublicExpense,
)
from tests.factories import StandardDisclosureFactory, add_row, publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]

AGENCIES = 2000
STANDARD = 5
API = "/api/v1"


def _yuan(rng) -> Decimal:
    return Decimal(rng.randrange(0, 10**9)) / 100


@pytest.fixture(scope="module")
def corpus(module_transaction, django_db_blocker) -> None:
    rng = random.Random(14)
    with django_db_blocker.unblock():
        year, _ = FiscalYear.objects.get_or_create(
            year=2014, defaults={"disclosure_format": "2014"}
        )
        agencies = Agency.objects.bulk_create(
            Agency(
                name=f"生成市第{i}局", slug=f"gen-{i}", region=f"生成市{i % 20}区", level="一级局"
            )
            for i in range(AGENCIES)
        )
        disclosures = Disclosure.objects.bulk_create(
            Disclosure(agency=a, fiscal_year=year, status="draft") for a in agencies
        )
        lines = []
        for d in disclosures:
            for order, (statement, code, name) in enumerate(
                [
                    ("income", "", "财政拨款收入"),
                    ("expenditure", "", "财政拨款支出"),
                    ("functional", "201", "一般公共服务支出"),
                ]
            ):
                lines.append(
                    ExpenditureLine(
                        disclosure=d,
                        statement=statement,
                        code=code,
                        name=name,
                        order=order,
                        amount_yuan=_yuan(rng),
                    )
                )
        ExpenditureLine.objects.bulk_create(lines)
        ThreePublicExpense.objects.bulk_create(
            ThreePublicExpense(disclosure=d, item=item, amount_yuan=_yuan(rng), **counts)
            for d in disclosures
            for item, counts in [("reception", {"reception_batches": 3}), ("outbound", {})]
        )
        now = timezone.now()
        Reconciliation.objects.bulk_create(
            Reconciliation(disclosure=d, checked_at=now) for d in disclosures
        )
        ReconciliationFinding.objects.bulk_create(
            ReconciliationFinding(
                disclosure=d,
                order=1,
                rule="three_public_total",
                severity="notice",
                message="生成的提示",
                tolerance_yuan=Decimal("0.00"),
            )
            for d in disclosures
        )
        Disclosure.objects.filter(pk__in=[d.pk for d in disclosures]).update(
            status="published", published_at=now
        )
        for i in range(STANDARD):
            d = StandardDisclosureFactory(agency=agencies[i])
            add_row(d, "05", "行政运行", code="2120101", cells={"合计": f"{i + 1}.00"})
            publish(d)


def deep(key) -> str:
    """The cursor a client would hold after paging that far."""
    return encode_cursor(key)


def fiftieth_from_the_end(model) -> int:
    return list(model.objects.order_by("-pk").values_list("pk", flat=True)[:50])[-1]


@pytest.mark.parametrize("name", ["agencies", "disclosures", "three-public", "findings"])
def test_lists_cost_the_same_on_page_one_and_deep(client, django_assert_max_num_queries, name):
    model = {
        "agencies": Agency,
        "disclosures": Disclosure,
        "three-public": ThreePublicExpense,
        "findings": ReconciliationFinding,
    }[name]
    # Two queries for Last-Modified, one for the page.
    with django_assert_max_num_queries(3):
        first = client.get(f"{API}/{name}?limit=100").json()
    assert len(first["items"]) == 100 and first["next"]
    cursor = deep([fiftieth_from_the_end(model)])
    with django_assert_max_num_queries(3):
        body = client.get(f"{API}/{name}?limit=100&cursor={cursor}").json()
    assert 0 < len(body["items"]) <= 50


def test_figures_cost_the_same_on_page_one_and_deep(client, django_assert_max_num_queries):
    # Two for Last-Modified, one per kind of figure (lines, cells, 三公 amounts).
    with django_assert_max_num_queries(5):
        first = client.get(f"{API}/figures?limit=500").json()
    assert len(first["items"]) == 500
    last = Disclosure.objects.current().order_by("-pk").values_list("pk", flat=True)[10]
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/figures?limit=500&cursor={deep([last, 0, 0])}").json()
    assert body["items"] and body["next"] is None
    with django_assert_max_num_queries(5):
        filtered = client.get(f"{API}/figures?year=2014&code=201&region=生成市3区").json()
    assert {f["code"] for f in filtered["items"]} == {"201"} and len(filtered["items"]) == 100


def test_following_next_through_a_year_costs_the_same_per_page(
    client, django_assert_max_num_queries
):
    url, pages = f"{API}/disclosures?year=2014&limit=500", 0
    while url:
        with django_assert_max_num_queries(3):
            body = client.get(url).json()
        url, pages = body["next"], pages + 1
    assert pages == 4  # 2,000 disclosures of 2014 (the standard ones are 2024)


def test_a_year_with_all_its_disclosures_and_the_years_cost_a_few_queries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        year = client.get(f"{API}/years/2014").json()
    assert len(year["items"]) == AGENCIES
    with django_assert_max_num_queries(4):
        assert client.get(f"{API}/years").status_code == 200
