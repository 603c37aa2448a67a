"""The standard-format builders: figures typed in 万元 are stored in 元, in the right cells."""

from decimal import Decimal

import pytest

from disclosure.formats.citations import check_references
from disclosure.models import Cell, ReportFormat, TableSpec
from tests.factories import (
    ExplanationParagraphFactory,
    NarrativeFigureFactory,
    StandardDisclosureFactory,
    TableNoteFactory,
    add_row,
    yuan,
)

pytestmark = pytest.mark.django_db


def test_yuan_reads_wan_as_printed():
    assert yuan("1092.80") == Decimal("10928000.00")
    assert yuan("0.01") == Decimal("100.00")


def test_a_standard_disclosure_uses_the_migrations_format_and_codes(db):
    disclosure = StandardDisclosureFactory()
    assert disclosure.fiscal_year.disclosure_format == "standard"
    assert disclosure.fiscal_year.report_format == ReportFormat.objects.get(key="shanghai-2024")
    assert disclosure.fiscal_year.code_version.key == "2018"
    # Looked up, never created: the 决算's nine tables (the 预算's nine are another set).
    assert TableSpec.objects.filter(report_format__key="shanghai-2024").count() == 9
    assert TableSpec.objects.count() == 18


def test_add_row_puts_each_figure_in_its_column_and_side(db):
    disclosure = StandardDisclosureFactory()
    row = add_row(disclosure, "05", "行政运行", code="2120101", cells={"合计": "1092.80"})
    income = add_row(
        disclosure, "01", "一般公共预算财政拨款收入", side="收入", cells={"决算数": "9746.50"}
    )
    assert {(c.column.label, c.amount_yuan) for c in row.cells.all()} == {
        ("合计", Decimal("10928000.00"))
    }
    assert income.cells.get().column.side == "收入"
    assert Cell.objects.filter(row__disclosure=disclosure).count() == 2


def test_notes_figures_and_paragraphs_belong_to_one_disclosure(db):
    disclosure = StandardDisclosureFactory()
    note = TableNoteFactory(disclosure=disclosure)
    figure = NarrativeFigureFactory(
        disclosure=disclosure, key="机关运行经费", value=Decimal("185.41")
    )
    paragraph = ExplanationParagraphFactory(
        section__disclosure=disclosure, text="机关运行经费[[f:机关运行经费]]万元。"
    )
    paragraph.full_clean()
    check_references(paragraph)  # the cited figure resolves in its disclosure
    assert (
        note.table.number == "08"
        and note.table.report_format == disclosure.fiscal_year.report_format
    )
    assert paragraph.section.disclosure == figure.disclosure == disclosure
