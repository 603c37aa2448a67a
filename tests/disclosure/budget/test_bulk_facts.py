"""The bulk reconciliation (load_facts_many: reconcile_all and imports) reads the same Facts as
one disclosure's (load_facts) now that an agency publishes two documents a year: last year's
document of the same kind, and for a 决算 its year's published 预算."""

from decimal import Decimal

import pytest

from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts, load_facts_many
from tests.disclosure.budget.corpus import document, entered
from tests.factories import (
    BudgetDisclosureFactory,
    NarrativeFigureFactory,
    StandardDisclosureFactory,
    StandardFiscalYearFactory,
    add_row,
    publish,
)

pytestmark = pytest.mark.django_db


def stated(d, key: str, value: str) -> None:
    NarrativeFigureFactory(disclosure=d, key=key, value=Decimal(value))


def test_each_document_is_read_with_last_years_of_its_kind_and_a_final_with_its_budget():
    budget = entered(document())
    agency, year = budget.agency, budget.fiscal_year
    # The budget's 编制说明: 机关运行经费 182.65 万元, 20.00 more than last year's budget, which
    # stated 170.00 (12.65 more): an operating_change warning, against last year's 预算.
    stated(budget, "机关运行经费", "182.65")
    stated(budget, "机关运行经费增加额", "20.00")
    final = StandardDisclosureFactory(agency=agency, fiscal_year=year)
    add_row(final, "07", "公务接待费", cells={"预算数": "2.50", "决算数": "1.00"})
    last_year = StandardFiscalYearFactory(year=2025)
    last_budget = BudgetDisclosureFactory(agency=agency, fiscal_year=last_year)
    stated(last_budget, "机关运行经费", "170.00")
    last_final = StandardDisclosureFactory(agency=agency, fiscal_year=last_year)
    stated(last_final, "机关运行经费", "150.00")
    for d in (budget, last_budget, last_final):
        publish(d)
    many = load_facts_many(disclosure_ids=[budget.pk, final.pk])
    for d in (budget, final):
        assert reconcile(many[d.pk]) == reconcile(load_facts(disclosure=d))
    assert (many[budget.pk].previous.kind, many[final.pk].previous.kind) == ("budget", "final")
    assert many[final.pk].budget.kind == "budget"
    budget_rules = {f.rule for f in reconcile(many[budget.pk])}
    assert "operating_change" in budget_rules
    (change,) = [f for f in reconcile(many[budget.pk]) if f.rule == "operating_change"]
    assert "写作变动 20.00 万元，但实际变动 12.65 万元" in change.message
    # The 决算's 预算数 2.50 against the published budget's 2.11: found in bulk as one by one.
    assert "published_budget" in {f.rule for f in reconcile(many[final.pk])}
