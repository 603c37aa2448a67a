"""Fresh statistics after bulk writes (core/analyze.py): ANALYZE on PostgreSQL, nothing on
SQLite; reconcile_all and import_disclosures call it on the tables they rewrote."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.core import analyze as analyze_module
from disclosure.exports import rows as exports
from disclosure.management.commands import import_disclosures, reconcile_all
from disclosure.models import Disclosure, ExpenditureLine, Reconciliation, ReconciliationFinding
from tests.disclosure.importing.import_files import long_csv
from tests.disclosure.importing.test_import_service import emptied, seed_rows
from tests.factories import reopened

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ANALYZE statistics are PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite no-op")


@postgresql_only
def test_analyze_runs_once_per_table_on_postgresql():
    with CaptureQueriesContext(connection) as captured:
        tables = analyze_module.analyze(ReconciliationFinding, ExpenditureLine, ExpenditureLine)
    assert tables == ["disclosure_reconciliationfinding", "disclosure_expenditureline"]
    assert [q["sql"] for q in captured.captured_queries] == [
        'ANALYZE "disclosure_reconciliationfinding"',
        'ANALYZE "disclosure_expenditureline"',
    ]


@sqlite_only
def test_analyze_is_a_no_op_on_sqlite():
    with CaptureQueriesContext(connection) as captured:
        assert analyze_module.analyze(ReconciliationFinding) == []
    assert captured.captured_queries == []


@pytest.fixture
def analyzed(monkeypatch):
    """The models each bulk command analyzed, through the real helper."""
    calls = []

    def spy(*models, **kwargs):
        calls.append(set(models))
        return analyze_module.analyze(*models, **kwargs)

    monkeypatch.setattr(reconcile_all, "analyze", spy)
    monkeypatch.setattr(import_disclosures, "analyze", spy)
    return calls


def test_reconcile_all_analyzes_the_findings_it_rewrote(seed, analyzed):
    call_command("reconcile_all", stdout=io.StringIO())
    assert analyzed == [{ReconciliationFinding, Reconciliation}]


def test_a_bulk_import_analyzes_the_figures_it_wrote_and_a_dry_run_nothing(
    tmp_path, seed, analyzed
):
    emptied(reopened(seed))  # a correction draft to import into
    (tmp_path / "信访局.csv").write_bytes(long_csv(seed_rows(), header=exports.HEADER))
    out = io.StringIO()
    call_command("import_disclosures", str(tmp_path), "--dry-run", stdout=out, stderr=out)
    assert analyzed == []
    call_command("import_disclosures", str(tmp_path), stdout=out, stderr=out)
    assert len(analyzed) == 1
    assert {ExpenditureLine, ExpenditureLine.history.model, ReconciliationFinding} <= analyzed[0]
    assert Disclosure in analyzed[0]  # the import makes disclosures too
