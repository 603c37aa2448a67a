"""部门预算 as a document kind: one 预算 and one 决算 per agency and year side by side, and every
lookup that meant "the" disclosure of an agency-year still finds the 决算."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disclosure.api import selectors as api
from disclosure.formats.base import format_for
from disclosure.formats.budget import BUDGET
from disclosure.formats.standard import Standard
from disclosure.grid.selectors import table_grid
from disclosure.grid.services import CellChange, table_cells_save
from disclosure.models import Cell, Disclosure, DocumentKind, ReportFormat
from disclosure.public import selectors as public
from disclosure.workflow import corrections
from disclosure.workflow.services import disclosure_start_from_last_year
from tests.factories import (
    CLERK,
    REVIEWER,
    BudgetDisclosureFactory,
    StandardDisclosureFactory,
    StandardFiscalYearFactory,
    add_row,
    column_spec,
    publish,
    table_spec,
    tables_of,
    user_in_role,
    yuan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def final():
    return StandardDisclosureFactory(fiscal_year=StandardFiscalYearFactory(year=2026))


@pytest.fixture
def budget(final):
    return BudgetDisclosureFactory(agency=final.agency, fiscal_year=final.fiscal_year)


def test_existing_and_new_disclosures_are_finals_by_default(final):
    assert final.kind == DocumentKind.FINAL
    assert str(final).endswith("2026年度决算")


def test_a_budget_and_a_final_of_one_agency_year_live_side_by_side(final, budget):
    assert budget.kind == DocumentKind.BUDGET
    assert str(budget).endswith("2026年度预算")
    assert set(Disclosure.objects.filter(agency=final.agency).values_list("kind", flat=True)) == {
        "final",
        "budget",
    }


@pytest.mark.parametrize("kind", [DocumentKind.FINAL, DocumentKind.BUDGET])
def test_a_second_open_document_of_the_same_kind_is_refused(final, budget, kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            agency=final.agency, fiscal_year=final.fiscal_year, kind=kind, revision=2
        )


def test_the_model_validation_counts_per_kind(final):
    # A budget beside the year's final is valid; a second budget of the year is not.
    first = Disclosure(agency=final.agency, fiscal_year=final.fiscal_year, kind="budget")
    first.validate_constraints()
    first.save()
    second = Disclosure(agency=final.agency, fiscal_year=final.fiscal_year, kind="budget")
    with pytest.raises(ValidationError):
        second.validate_constraints()


def test_the_format_of_a_budget_is_the_budget_format_whatever_the_year(final, budget):
    assert format_for(budget) is BUDGET
    assert isinstance(format_for(final), Standard) and format_for(final) is not BUDGET
    assert format_for(final.fiscal_year) is format_for(final)  # a year names its 决算's format
    assert tables_of(budget).key == "shanghai-budget-2026"
    assert tables_of(final).key == "shanghai-2024"


def test_the_budget_table_set_is_data_with_the_nine_shanghai_tables():
    tables = ReportFormat.objects.get(key="shanghai-budget-2026").tables.order_by("number")
    assert [(t.number, t.title, t.unit) for t in tables] == [
        ("01", "部门财务收支预算总表", "元"),
        ("02", "部门收入预算总表", "元"),
        ("03", "部门支出预算总表", "元"),
        ("04", "部门财政拨款收支预算总表", "元"),
        ("05", "部门一般公共预算支出功能分类预算表", "元"),
        ("06", "部门政府性基金预算支出功能分类预算表", "元"),
        ("07", "部门国有资本经营预算支出功能分类预算表", "元"),
        ("08", "部门一般公共预算基本支出部门预算经济分类预算表", "元"),
        ("09", "部门“三公”经费和机关运行经费预算表", "万元"),
    ]
    basic = tables.get(number="08")
    assert [c.label for c in basic.columns.all()] == ["合计", "人员经费", "公用经费"]
    assert {c.measure for t in tables for c in t.columns.all()} == {"budget"}


def test_public_and_api_lookups_of_an_agency_year_find_the_final(final, budget):
    publish(final)
    publish(budget)
    slug, year = final.agency.slug, 2026
    assert public.disclosure_get(slug=slug, year=year) == final
    assert public.disclosure_get(slug=slug, year=year, kind=DocumentKind.BUDGET) == budget
    assert list(public.published_with_totals()) == [final]
    assert api.disclosure_get(slug=slug, year=year) == final
    assert list(api.current()) == [final]
    assert api.fiscal_years().get(year=2026).published == 1


def test_a_budget_is_entered_in_its_own_tables_through_the_grid(budget):
    clerk = user_in_role(CLERK, agencies=[budget.agency], username="clerk")
    row = add_row(budget, "09", "公务接待费", cells={"预算数": "2.11"})
    grid = table_grid(disclosure=budget, table=row.table)
    assert grid.table.title == "部门“三公”经费和机关运行经费预算表"
    change = CellChange(str(row.pk), str(column_spec(row.table, "预算数").pk), "2.50")
    table_cells_save(disclosure=budget, table=row.table, changes=[change], version=1, by=clerk)
    assert Cell.objects.get(row=row).amount_yuan == yuan("2.50")


def test_a_final_table_is_refused_for_a_budget(budget):
    clerk = user_in_role(CLERK, agencies=[budget.agency], username="clerk")
    final_table = table_spec("05")
    with pytest.raises(ValidationError):
        table_cells_save(disclosure=budget, table=final_table, changes=[], version=1, by=clerk)


def test_a_correction_of_a_published_budget_is_the_budgets_next_revision(final, budget):
    publish(final)
    publish(budget)
    reviewer = user_in_role(REVIEWER)
    draft = corrections.disclosure_open_correction(disclosure=budget, by=reviewer, reason="更正")
    assert (draft.kind, draft.revision, draft.corrects) == ("budget", 2, budget)
    # The 决算 of the same year is untouched and still has no open revision.
    assert not Disclosure.objects.filter(kind="final", status="draft").exists()


def test_a_new_budget_starts_from_last_years_budget_not_the_final(final, budget):
    clerk = user_in_role(CLERK, agencies=[final.agency], username="clerk")
    add_row(budget, "09", "公务接待费", cells={"预算数": "2.11"})
    add_row(final, "07", "公务接待费", cells={"决算数": "1.00"})
    publish(budget)
    publish(final)
    year = StandardFiscalYearFactory(year=2027)
    draft = disclosure_start_from_last_year(
        agency=final.agency, fiscal_year=year, by=clerk, kind=DocumentKind.BUDGET
    )
    assert draft.kind == DocumentKind.BUDGET
    copied = set(draft.report_rows.values_list("table__report_format__key", "name"))
    assert copied == {("shanghai-budget-2026", "公务接待费")}
    assert not Cell.objects.filter(row__disclosure=draft).exists()
