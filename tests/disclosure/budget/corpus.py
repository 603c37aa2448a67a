"""The corpus budget entered in the budget's tables cell by cell, for the budget's tests."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from disclosure.caching.published import published_changed
from disclosure.models import Disclosure
from tests.factories import (
    AgencyFactory,
    BudgetDisclosureFactory,
    CellFactory,
    ReportRowFactory,
    StandardDisclosureFactory,
    StandardFiscalYearFactory,
    ThreePublicExpenseFactory,
    add_row,
    column_spec,
    table_spec,
    tables_of,
)

CORPUS = Path(__file__).resolve().parents[3] / "fixtures" / "corpus"
PER_UNIT = {"元": Decimal(1), "万元": Decimal(10000)}


def document() -> dict:
    return json.loads((CORPUS / "wenlvju-budget-2026.json").read_text(encoding="utf-8"))


def entered(doc: dict, *, agency=None, fiscal_year=None):
    """The budget, of a new agency and year 2026 unless given (the 决算's, to set it beside)."""
    agency = agency or AgencyFactory(name=doc["agency"], slug="putuo-wenlv")
    fiscal_year = fiscal_year or StandardFiscalYearFactory(year=2026)
    d = BudgetDisclosureFactory(agency=agency, fiscal_year=fiscal_year)
    tables = tables_of(d)
    for t in doc["tables"]:
        spec = table_spec(t["number"], tables)
        parents = {}
        for order, r in enumerate(t["rows"], 1):
            row = ReportRowFactory(
                disclosure=d,
                table=spec,
                order=order,
                side=r["side"],
                ordinal=r["ordinal"],
                code=r["code"],
                name=r["name"],
                role=r["role"],
                parent=parents.get(r["parent"]),
            )
            parents[r["name"]] = row
            for label, value in r["cells"].items():
                CellFactory(
                    row=row,
                    column=column_spec(spec, label, side=r["side"]),
                    amount_yuan=Decimal(value) * PER_UNIT[t["unit"]],
                )
    return d


# Fixed publication times, so that exported rows (发布时间) and API answers are golden.
PUBLISHED = {
    "budget": datetime(2026, 2, 10, 2, 0, tzinfo=UTC),  # 10:00 Beijing time
    "final": datetime(2027, 9, 30, 2, 0, tzinfo=UTC),
}


def published_at(d: Disclosure, moment: datetime) -> Disclosure:
    """publish() at a fixed time (a published disclosure is frozen: set it in the same step)."""
    Disclosure.objects.filter(pk=d.pk).update(status="published", published_at=moment)
    published_changed()
    d.refresh_from_db()
    return d


def published_final() -> Disclosure:
    """A small published 决算 of the corpus budget's agency, 2026: two table rows and a 三公
    record. Made before the budget, it has the smaller id, so the budget's place before it in
    the exports comes from their order's rule (预算 before 决算), not from the ids."""
    agency = AgencyFactory(name=document()["agency"], slug="putuo-wenlv")
    d = StandardDisclosureFactory(agency=agency, fiscal_year=StandardFiscalYearFactory(year=2026))
    add_row(d, "05", "行政运行", code="2070101", cells={"合计": "418.91", "基本支出": "418.91"})
    add_row(d, "07", "公务接待费", cells={"预算数": "2.11", "决算数": "1.00"})
    ThreePublicExpenseFactory(
        disclosure=d, item="reception", amount_yuan=None, reception_batches=3, reception_persons=20
    )
    return published_at(d, PUBLISHED["final"])


def published_budget(final: Disclosure) -> Disclosure:
    """The corpus budget, published, beside `final` (same agency and year)."""
    d = entered(document(), agency=final.agency, fiscal_year=final.fiscal_year)
    return published_at(d, PUBLISHED["budget"])
