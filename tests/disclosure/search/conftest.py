"""A generated corpus of 2,000 agencies, as small per agency as the pages allow: two years of
the 2014 format (three lines, a 三公 record with counts, a staffing row, a check) and a few
standard-format disclosures, so both formats' queries run. Seeded, bulk-created, once per
module (the conftest's module transaction)."""

import random
from decimal import Decimal

import pytest
from django.utils import timezone

from bureaus.models import Agency
from disclosure.models import (
    Disclosure,
    ExpenditureLine,
    FiscalYear,
    Reconciliation,
    StaffingEntry,
    ThreePublicExpense,
)
from tests.factories import StandardDisclosureFactory, add_row, publish

AGENCIES = 2000
STANDARD = 5
LINES = [
    ("economic", "", "基本支出"),
    ("expenditure", "", "财政拨款支出"),
    ("functional", "201", "一般公共服务支出"),
]


def _yuan(rng, high: int = 10**8) -> Decimal:
    return Decimal(rng.randrange(1, high)) / 100


def _year(agencies, year: int, rng) -> None:
    fiscal_year, _ = FiscalYear.objects.get_or_create(
        year=year, defaults={"disclosure_format": "2014"}
    )
    disclosures = Disclosure.objects.bulk_create(
        Disclosure(agency=a, fiscal_year=fiscal_year, status="draft") for a in agencies
    )
    ExpenditureLine.objects.bulk_create(
        ExpenditureLine(disclosure=d, statement=s, code=c, name=n, order=i, amount_yuan=_yuan(rng))
        for d in disclosures
        for i, (s, c, n) in enumerate(LINES)
    )
    ThreePublicExpense.objects.bulk_create(
        ThreePublicExpense(
            disclosure=d,
            item="reception",
            amount_yuan=_yuan(rng, 10**7),
            reception_batches=rng.randrange(1, 100),
            reception_persons=rng.randrange(1, 1000),
        )
        for d in disclosures
    )
    StaffingEntry.objects.bulk_create(
        StaffingEntry(disclosure=d, kind="actual", category="在职", headcount=rng.randrange(5, 80))
        for d in disclosures
    )
    Reconciliation.objects.bulk_create(
        Reconciliation(disclosure=d, checked_at=timezone.now()) for d in disclosures
    )
    Disclosure.objects.filter(pk__in=[d.pk for d in disclosures]).update(
        status="published", published_at=timezone.now()
    )


@pytest.fixture(scope="module")
def big_corpus(module_transaction, django_db_blocker) -> None:
    rng = random.Random(13)
    with django_db_blocker.unblock():
        agencies = Agency.objects.bulk_create(
            Agency(
                name=f"生成市第{i}局",
                slug=f"gen-{i}",
                region=f"生成市{i % 20}区",
                unit_kind=("行政机关", "事业单位")[i % 2],
                level=("一级局", "二级单位", "三级单位")[i % 3],
            )
            for i in range(AGENCIES)
        )
        for year in (2014, 2015):
            _year(agencies, year, rng)
        for i in range(STANDARD):
            d = StandardDisclosureFactory(agency=agencies[i])
            add_row(d, "03", "一般公共服务支出", code="201", cells={"本年支出合计": f"{i + 1}.00"})
            publish(d)
