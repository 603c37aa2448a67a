"""A bulk load (import_disclosures) shares its look-ups across files, writes each file's
records in bulk with their audit rows, and checks its disclosures together at the end: the
same figures, audit rows and findings as file by file, in a fixed number of queries per file."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.exports import rows as exports
from disclosure.importing import disclosure_import
from disclosure.importing.batch import ImportBatch
from disclosure.models import (
    Disclosure,
    Reconciliation,
    ReconciliationFinding,
    ReportRow,
    ThreePublicExpense,
)
from disclosure.reconciliation.services import disclosure_reconcile, disclosures_reconcile
from tests.disclosure.importing.import_files import long_csv
from tests.disclosure.importing.test_import_service import export_bytes, figures, seed_rows
from tests.factories import AgencyFactory, FiscalYearFactory

pytestmark = pytest.mark.django_db


def stored_findings(disclosures) -> dict:
    """Each disclosure's stored check: its findings as the pages read them, in order."""
    fields = ("order", "rule", "severity", "message", "cells", "difference_yuan")
    return {
        d.pk: (
            Reconciliation.objects.filter(disclosure=d).exists(),
            list(
                ReconciliationFinding.objects.filter(disclosure=d)
                .order_by("order")
                .values_list(*fields, "tolerance_yuan", "key")
            ),
        )
        for d in disclosures
    }


def liyang_2015_rows() -> list[list[str]]:
    """The seed's figures a year on, some changed by more than 10 % (warnings against the
    published 2014) and one total that no longer adds up (an error)."""
    rows = [[r[0], "2015", *r[2:]] for r in seed_rows()]
    for row in rows:
        if row[4] in ("工资福利支出", "公务接待费"):
            row[7], row[8] = "", str(round(float(row[8]) * 1.5, 2))
    return rows


def test_checked_together_at_the_end_the_findings_are_those_of_each_file(seed, putuo, tmp_path):
    FiscalYearFactory(year=2015)
    folder = tmp_path / "load"
    folder.mkdir()
    broken = seed_rows()
    broken[2][7], broken[2][8] = "150.00", ""  # 基本支出 no longer the sum of its 其中 lines
    (folder / "liyang-2014.csv").write_bytes(long_csv(broken, header=exports.HEADER))
    (folder / "liyang-2015.csv").write_bytes(long_csv(liyang_2015_rows(), header=exports.HEADER))
    (folder / "putuo-2024.csv").write_bytes(export_bytes(putuo))
    call_command("import_disclosures", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    liyang_2015 = Disclosure.objects.get(agency=seed.agency, fiscal_year__year=2015)
    imported = [seed, liyang_2015, putuo]
    together = stored_findings(imported)
    # What the check after each file (the admin's import, file by file) stores for them.
    for disclosure in imported:
        disclosure_reconcile(disclosure=disclosure)
    assert together == stored_findings(imported)
    rules = {f[1] for _checked, found in together.values() for f in found}
    assert together[seed.pk][0] and together[putuo.pk][0]
    assert {"error", "warning"} <= {f[2] for f in together[liyang_2015.pk][1]}
    assert "change_on_last_year" in rules  # the 2015 file was checked against 2014's


def test_checking_together_follows_to_the_next_year_as_each_check_does(seed):
    FiscalYearFactory(year=2015)
    report = disclosure_import(
        agency=seed.agency,
        fiscal_year=FiscalYearFactory(year=2015),
        file=long_csv(liyang_2015_rows(), header=exports.HEADER),
        by=None,
    )
    assert report.ok, [str(e) for e in report.errors]
    following = report.disclosure
    expected = stored_findings([following])
    Reconciliation.objects.filter(disclosure=following).delete()
    ReconciliationFinding.objects.filter(disclosure=following).delete()
    counts = disclosures_reconcile(disclosure_ids=[seed.pk])
    assert counts["disclosures"] == 2
    assert stored_findings([following]) == expected


def test_a_disclosure_of_a_bulk_load_is_unchecked_until_the_batch_checks_it(seed):
    disclosure_reconcile(disclosure=seed)
    batch = ImportBatch()
    rows = seed_rows()
    rows[0][7], rows[0][8] = "200.00", ""
    report = disclosure_import(
        agency=seed.agency,
        fiscal_year=seed.fiscal_year,
        file=long_csv(rows, header=exports.HEADER),
        by=None,
        batch=batch,
    )
    assert report.ok and report.written
    # Its old findings were of figures it no longer has: its pages say it is unchecked.
    assert not Reconciliation.objects.filter(disclosure=seed).exists()
    assert not ReconciliationFinding.objects.filter(disclosure=seed).exists()
    assert batch.unchecked == [seed.pk]
    assert batch.reconcile() == 1
    together = stored_findings([seed])
    disclosure_reconcile(disclosure=seed)
    assert together == stored_findings([seed]) and together[seed.pk][0]


def test_a_bad_file_of_a_batch_writes_nothing_and_keeps_its_check(seed):
    disclosure_reconcile(disclosure=seed)
    before, checked = figures(seed), stored_findings([seed])
    batch = ImportBatch()
    rows = seed_rows()
    rows[2][7], rows[2][8] = "-1.00", ""
    report = disclosure_import(
        agency=seed.agency,
        fiscal_year=seed.fiscal_year,
        file=long_csv(rows, header=exports.HEADER),
        by=None,
        batch=batch,
    )
    assert not report.ok and not report.written
    assert batch.unchecked == [] and batch.reconcile() == 0
    assert figures(seed) == before and stored_findings([seed]) == checked


def agency_file(name: str, lines_per_statement: int) -> bytes:
    """A new agency's 2014 file: 4 statements of lines (some "其中") and the 三公 records."""
    rng = random.Random(lines_per_statement)
    rows = []
    for statement in ("收入决算", "支出决算", "支出按性质分（经济分类）", "支出按功能分类"):
        tops = []
        for i, code in enumerate(rng.sample(range(1_000_000, 9_999_999), lines_per_statement)):
            parent = rng.choice(tops) if tops and i % 7 == 1 else ""
            if not parent:
                tops.append(f"项目{i}")
            amount = f"{rng.randrange(1, 10**6)}.00"
            rows.append(
                [name, "2014", statement, str(code), f"项目{i}", parent, "决算数", "", amount]
            )
    for item in ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"):
        rows.append([name, "2014", "“三公”经费", "", item, "", "决算数", "", "1000.00"])
    return long_csv([r + [""] * 9 for r in rows], header=exports.FIGURE_HEADER)


def test_a_file_of_a_batch_costs_the_same_queries_whatever_its_size(db, tmp_path):
    """The per-file cost is a fixed number of queries: none per row, none per 三公 record or
    table row, and the year's look-ups are asked once per batch."""
    FiscalYearFactory(year=2014)
    batch = ImportBatch()
    counts = []
    # 30 lines a statement: one INSERT on SQLite too (at most 999 parameters a query).
    for n, lines in enumerate([3, 3, 30]):
        agency = AgencyFactory(name=f"测试单位{n}")
        path = tmp_path / f"{n}.csv"
        path.write_bytes(agency_file(agency.name, lines))
        with CaptureQueriesContext(connection) as queries:
            report = disclosure_import(
                agency=agency,
                fiscal_year=batch.fiscal_year(2014),
                file=path,
                by=None,
                batch=batch,
                fast=True,
            )
        assert report.ok, [str(e) for e in report.errors][:3]
        counts.append(len(queries))
    assert counts[1] == counts[2] <= 25, counts
    assert batch.reconcile() == 3


def test_three_public_records_and_table_rows_are_written_in_bulk_with_their_audit_rows(
    seed, putuo, clerk_of
):
    clerk = clerk_of(seed.agency, putuo.agency)
    rows = seed_rows()
    reception = next(r for r in rows if r[4] == "公务接待费")
    reception[7], reception[8] = "", "40000.00"
    ThreePublicExpense.objects.filter(disclosure=seed, item="outbound").delete()
    report = disclosure_import(
        agency=seed.agency,
        fiscal_year=seed.fiscal_year,
        file=long_csv(rows, header=exports.HEADER),
        by=clerk,
    )
    assert report.ok, [str(e) for e in report.errors]
    history = ThreePublicExpense.history.filter(disclosure=seed, history_change_reason="导入")
    assert sorted(history.values_list("item", "history_type", "history_user")) == [
        ("outbound", "+", clerk.pk),
        ("reception", "~", clerk.pk),
    ]
    assert history.get(item="reception").amount_yuan == 40000
    # A standard-format file into an emptied disclosure: its rows come back, "其中" rows under
    # their new parents, each with one audit row.
    data = export_bytes(putuo)
    parents = rows_and_parents(putuo)
    ReportRow.objects.filter(disclosure=putuo).delete()
    report = disclosure_import(
        agency=putuo.agency, fiscal_year=putuo.fiscal_year, file=data, by=clerk
    )
    assert report.ok, [str(e) for e in report.errors][:3]
    assert export_bytes(putuo) == data
    assert set(rows_and_parents(putuo)) <= set(parents)  # rows with no figure are not exported
    created = ReportRow.history.filter(disclosure=putuo, history_type="+", history_user=clerk)
    assert created.count() == ReportRow.objects.filter(disclosure=putuo).count()
    assert any(parent for _table, _name, parent in parents)


def rows_and_parents(disclosure) -> list:
    rows = ReportRow.objects.filter(disclosure=disclosure)
    return sorted(
        (t, n, p or "") for t, n, p in rows.values_list("table__number", "name", "parent__name")
    )
