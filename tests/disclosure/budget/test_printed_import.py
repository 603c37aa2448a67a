"""The corpus budget imported from its tables laid out as printed (printed.py), through the one
import service as a 预算 (kind="budget"): tables 1–8 in 元 and table 9 in 万元 as each header
states, every figure equal to the transcription exactly in 元, its one finding asserted."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure.importing import disclosure_import
from disclosure.importing.resources import FiguresResource, FiguresXLSX
from disclosure.models import Disclosure, DocumentKind
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.budget.corpus import document
from tests.disclosure.budget.printed import workbook
from tests.disclosure.budget.test_wenlvju_2026 import printed, stored
from tests.factories import AgencyFactory, StandardFiscalYearFactory

pytestmark = pytest.mark.django_db


def imported(doc: dict, **kwargs):
    fiscal_year = StandardFiscalYearFactory(year=doc["year"])
    agency = AgencyFactory(name=doc["agency"], slug="putuo-wenlv")
    report = disclosure_import(
        agency=agency, fiscal_year=fiscal_year, file=workbook(doc), by=None, **kwargs
    )
    return report


def test_the_printed_budget_imports_every_figure_exactly():
    doc = document()
    report = imported(doc, kind=DocumentKind.BUDGET)
    assert report.ok, [str(e) for e in report.errors][:8]
    d = report.disclosure
    assert (d.kind, Disclosure.objects.count()) == (DocumentKind.BUDGET, 1)
    assert stored(d) == printed(doc)
    found = reconcile(load_facts(disclosure=d))
    assert [(f.rule, f.severity, f.difference) for f in found] == [
        ("budget_three_public_economic", "notice", Decimal(50))  # 30231, test_wenlvju_2026
    ]


def test_the_printed_budget_is_refused_as_a_final_saying_which_sheet():
    report = imported(document())
    assert not report.ok and not report.written
    assert "工作表“01”" in str(report.errors[0])
    assert not Disclosure.objects.filter(report_rows__isnull=False).exists()


def _command(tmp_path, *args):
    doc = document()
    StandardFiscalYearFactory(year=doc["year"])
    AgencyFactory(name=doc["agency"], slug="putuo-wenlv")
    path = tmp_path / "wenlvju-2026.xlsx"
    path.write_bytes(workbook(doc))
    out = io.StringIO()
    call_command(
        "import_disclosures",
        str(path),
        "--agency",
        "putuo-wenlv",
        "--year",
        "2026",
        *args,
        stdout=out,
        stderr=io.StringIO(),
    )
    return doc


@pytest.mark.parametrize("args", [(), ("--kind", "预算")])
def test_the_command_line_imports_a_budget_detected_from_its_titles_or_named(tmp_path, args):
    doc = _command(tmp_path, *args)
    (d,) = Disclosure.objects.all()
    assert d.kind == DocumentKind.BUDGET
    assert stored(d) == printed(doc)


def test_the_command_line_refuses_an_unknown_kind_before_reading(tmp_path):
    with pytest.raises(CommandError, match="文件类型应为“预算”或“决算”，不是“概算”"):
        _command(tmp_path, "--kind", "概算")
    assert not Disclosure.objects.exists()


def test_a_budget_named_a_final_is_refused_and_nothing_written(tmp_path):
    with pytest.raises(CommandError, match="1 个文件导入失败"):
        _command(tmp_path, "--kind", "决算")
    assert not Disclosure.objects.filter(report_rows__isnull=False).exists()


def test_the_admins_import_reads_the_kind_from_the_file_and_imports_the_budget():
    doc = document()
    fiscal_year = StandardFiscalYearFactory(year=doc["year"])
    agency = AgencyFactory(name=doc["agency"], slug="putuo-wenlv")
    dataset = FiguresXLSX().create_dataset(workbook(doc))
    assert dataset.kind == DocumentKind.BUDGET
    resource = FiguresResource(agency=agency, fiscal_year=fiscal_year)
    result = resource.import_data(dataset, dry_run=False)
    assert not result.has_errors(), [e.error for e in result.base_errors][:3]
    (d,) = Disclosure.objects.all()
    assert d.kind == DocumentKind.BUDGET
    assert stored(d) == printed(doc)
