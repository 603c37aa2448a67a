"""The corpus budget entered in the budget's tables cell by cell, for the budget's tests."""

import json
from decimal import Decimal
from pathlib import Path

from tests.factories import (
    AgencyFactory,
    BudgetDisclosureFactory,
    CellFactory,
    ReportRowFactory,
    StandardFiscalYearFactory,
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
