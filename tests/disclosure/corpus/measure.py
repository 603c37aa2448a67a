"""How long each corpus document takes to import from its printed layout, with what the closing
note lists of it: agency, year, kind, layout, figures, findings (rule and severity).

Not part of `make test` (the file name is not test_*.py; timings are not assertions); run it
explicitly, on each database:
    SECRET_KEY=x .venv/bin/python -m pytest -q -p no:cacheprovider -s \
        tests/disclosure/corpus/measure.py
    (and the same with DATABASE_URL=postgres://…)
Each import goes through the one import service (read the XLSX, validate, write, reconcile) into
a new draft, as a clerk's would; it is run RUNS times and the median printed, since the machine
is shared. A failed import fails the run.
"""

import statistics
import time
from collections import Counter

import pytest
from django.db import transaction

from disclosure.importing import disclosure_import
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.corpus.printed import CORPUS, document, printed_figures, workbook
from tests.factories import AgencyFactory, StandardDisclosureFactory, StandardFiscalYearFactory

pytestmark = pytest.mark.django_db
RUNS = 3
SHORT = {"error": "E", "warning": "W", "notice": "N"}


class _Rollback(Exception):
    pass


def _import_once(doc: dict, data: bytes, slug: str) -> tuple[float, list]:
    """One import into a fresh draft, rolled back afterwards so that each run starts empty."""
    found: list = []
    try:
        with transaction.atomic():
            fiscal_year = StandardFiscalYearFactory(year=doc["year"])
            agency = AgencyFactory(name=doc["agency"], slug=slug)
            disclosure = StandardDisclosureFactory(agency=agency, fiscal_year=fiscal_year)
            started = time.perf_counter()
            report = disclosure_import(agency=agency, fiscal_year=fiscal_year, file=data, by=None)
            seconds = time.perf_counter() - started
            assert report.ok, [str(e) for e in report.errors][:3]
            found = list(reconcile(load_facts(disclosure=disclosure)))
            raise _Rollback
    except _Rollback:
        pass
    return seconds, found


def _layout(doc: dict) -> str:
    features = sorted({k for t in doc["tables"] for k in t.get("printed", {})})
    return ", ".join(features) or "page heading, 项目 over code and name, 06 panels, 07 transposed"


def test_measure_corpus_imports():
    head = "| document | agency | year | kind | layout | figures | import s (median) | findings |"
    lines = [head]
    lines.append("|---|---|---|---|---|---|---|---|")
    for path in sorted(CORPUS.glob("*.json")):
        doc = document(path.stem)
        data = workbook(doc)
        timings, findings = [], []
        for run in range(RUNS):
            seconds, findings = _import_once(doc, data, f"measure-{path.stem}-{run}")
            timings.append(seconds)
        tally = Counter((f.rule, str(f.severity)) for f in findings)
        shown = "; ".join(f"{rule} {SHORT[sev]}×{n}" for (rule, sev), n in sorted(tally.items()))
        lines.append(
            f"| {path.stem} | {doc['agency']} | {doc['year']} | {doc['kind']} | {_layout(doc)}"
            f" | {len(printed_figures(doc))} | {statistics.median(timings):.2f} | {shown} |"
        )
    print("\n" + "\n".join(lines))
