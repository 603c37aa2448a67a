"""The format interface: the registry, the lists' totals for both formats and a third one."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from disclosure.core.money import format_wan
from disclosure.formats import base
from disclosure.formats.simple2014 import Simple2014
from disclosure.formats.standard import Standard
from disclosure.models import (
    Cell,
    ColumnSpec,
    FiscalYear,
    ReportFormat,
    ReportRow,
    RowSpec,
    TableSpec,
    ThreePublicExpense,
)
from disclosure.models import reference_data as reference
from disclosure.public.selectors import published_with_totals
from tests.factories import (
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    ThreePublicExpenseFactory,
    publish,
)

from .region_format import TestRegion

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent / "data"


def test_format_for_a_year_and_a_disclosure(seed, putuo):
    assert isinstance(base.format_for(seed), Simple2014)
    assert isinstance(base.format_for(seed.fiscal_year), Simple2014)
    assert isinstance(base.format_for(putuo), Standard)
    with pytest.raises(LookupError, match="未知的公开格式"):
        base.format_for(FiscalYear(year=2030, disclosure_format="nowhere"))


# --- the lists: the standard format's totals (the seam bug: they showed 0.00) --------------------


@pytest.mark.parametrize("url", ["/years/2024/", "/agencies/putuo-ghzy/"])
def test_lists_show_the_standard_formats_totals(client, putuo, url):
    # The list, not the agency page's chart after it (whose items may well be 0.00).
    html = client.get(url).content.decode().split('<figure class="chart"')[0]
    assert '<td class="num">9759.38</td>' in html  # 本年支出合计, 公开01表
    assert '<td class="num">0.39</td>' in html  # “三公”经费 决算数, 公开07表
    assert '<td class="num">0.00</td>' not in html


def test_totals_of_both_formats(seed, putuo):
    totals = {d.fiscal_year.year: d for d in published_with_totals()}
    putuo_totals, seed_totals = totals[2024], totals[2014]
    assert format_wan(putuo_totals.income_yuan) == "9746.50"
    assert format_wan(putuo_totals.expenditure_yuan) == "9759.38"
    assert format_wan(putuo_totals.basic_yuan) == "5377.64"
    assert format_wan(putuo_totals.project_yuan) == "4381.74"
    assert format_wan(putuo_totals.three_public_yuan) == "0.39"
    assert format_wan(putuo_totals.reception_yuan) == "0.39"
    assert putuo_totals.vehicle_running_yuan == 0
    # The 2014 seed: 195.82 of income and spending, 140.82 basic, 55.00 project, 三公 3.54.
    assert format_wan(seed_totals.income_yuan) == "195.82"
    assert format_wan(seed_totals.expenditure_yuan) == "195.82"
    assert format_wan(seed_totals.basic_yuan) == "140.82"
    assert format_wan(seed_totals.project_yuan) == "55.00"
    assert format_wan(seed_totals.three_public_yuan) == "3.54"
    assert format_wan(seed_totals.reception_yuan) == "3.54"


def _standard_disclosure(fiscal_year, n: int):
    """A published standard-format disclosure with 01's 本年支出合计 and 07's 合计."""
    disclosure = DisclosureFactory(fiscal_year=fiscal_year)
    for number, side, name, amount in [
        ("01", "支出", "本年支出合计", Decimal(1000000 + n)),
        ("07", "", "合计", Decimal(100 + n)),
    ]:
        table = TableSpec.objects.get(report_format=fiscal_year.report_format, number=number)
        row = ReportRow.objects.create(
            disclosure=disclosure, table=table, order=1, side=side, name=name
        )
        column = ColumnSpec.objects.get(table=table, label="决算数", side=side)
        Cell.objects.create(row=row, column=column, amount_yuan=amount)
    return publish(disclosure)


def test_list_totals_cost_one_query_for_many_disclosures_of_both_formats(
    putuo, django_assert_max_num_queries
):
    simple_year = FiscalYearFactory(year=2014)
    for n in range(12):
        d = DisclosureFactory(fiscal_year=simple_year)
        ExpenditureLineFactory(disclosure=d, statement="expenditure", amount_yuan=Decimal(n))
        ThreePublicExpenseFactory(disclosure=d, amount_yuan=Decimal(2 * n))
        publish(d)
    for n in range(10):
        _standard_disclosure(putuo.fiscal_year, n)
    with django_assert_max_num_queries(1):
        disclosures = list(published_with_totals())
    assert len(disclosures) == 23
    simple = [d for d in disclosures if d.fiscal_year.year == 2014]
    standard = [d for d in disclosures if d.fiscal_year.year == 2024 and d.pk != putuo.pk]
    assert sorted(d.expenditure_yuan for d in simple) == [Decimal(n) for n in range(12)]
    assert sorted(d.three_public_yuan for d in simple) == [Decimal(2 * n) for n in range(12)]
    assert sorted(d.expenditure_yuan for d in standard) == [Decimal(1000000 + n) for n in range(10)]
    assert sorted(d.three_public_yuan for d in standard) == [Decimal(100 + n) for n in range(10)]


# --- a third format: a module and its table set, nothing else ---------------------------------


@pytest.fixture
def region(db, monkeypatch):
    """The test region's table set loaded as the shipped ones are, and its format registered."""
    monkeypatch.setattr(reference, "FIXTURES", DATA)
    monkeypatch.setattr(reference, "FORMATS", ["test-region.json"])
    reference.load_formats(
        ReportFormat=ReportFormat, TableSpec=TableSpec, ColumnSpec=ColumnSpec, RowSpec=RowSpec
    )
    base.register(TestRegion())
    yield FiscalYear.objects.create(
        year=2023,
        disclosure_format=TestRegion.key,
        report_format=ReportFormat.objects.get(key="test-region-2024"),
    )
    base.unregister(TestRegion.key)


def _cell(disclosure, number, name, amount, *, side="", label="决算数", parent=None):
    table = TableSpec.objects.get(report_format__key="test-region-2024", number=number)
    row = ReportRow.objects.create(
        disclosure=disclosure,
        table=table,
        order=ReportRow.objects.filter(disclosure=disclosure).count() + 1,
        side=side,
        name=name,
        parent=parent,
        role="total" if name == "合计" else "",
    )
    column = ColumnSpec.objects.get(table=table, label=label, side=side)
    Cell.objects.create(row=row, column=column, amount_yuan=Decimal(amount))
    return row


@pytest.fixture
def regional(region):
    disclosure = DisclosureFactory(
        fiscal_year=region, agency__slug="region-agency", agency__name="测试地区某局"
    )
    _cell(disclosure, "01", "本年支出合计", "1234500.00", side="支出")
    _cell(disclosure, "07", "合计", "45600.00")
    _cell(disclosure, "07", "公务接待费", "12300.00")
    _cell(disclosure, "07", "会议费", "21000.00")
    _cell(disclosure, "07", "培训费", "12300.00")
    ThreePublicExpense.objects.create(disclosure=disclosure, item="reception", reception_batches=3)
    return publish(disclosure)


def test_a_third_format_lists_its_totals(client, regional):
    html = client.get("/years/2023/").content.decode()
    assert "测试地区某局" in html
    assert '<td class="num">123.45</td>' in html and '<td class="num">4.56</td>' in html


def test_a_third_format_has_its_page(client, regional):
    html = client.get("/agencies/region-agency/2023/").content.decode()
    assert "财政拨款“三公”经费及会议费、培训费支出决算表" in html
    assert "会议费" in html and "培训费" in html
    assert '<td class="num">2.10</td>' in html  # 会议费 21,000 元
    assert "接待批次3次" in html  # the record's counts beside table 07


def test_a_third_format_exports_its_cells(client, regional):
    body = b"".join(client.get("/agencies/region-agency/2023.csv").streaming_content)
    text = body.decode("utf-8-sig")
    assert (
        "公开07表 财政拨款“三公”经费及会议费、培训费支出决算表,,会议费,,决算数,2.10,21000.00"
        in text
    )
    assert "“三公”经费,,公务接待费,,,,,,,,,3,,,,,决算,已发布,1," in text  # 接待批次, no amount


def test_a_third_format_declares_where_its_three_public_amounts_live(regional):
    record = ThreePublicExpense.objects.get(disclosure=regional)
    record.amount_yuan = Decimal("100.00")
    with pytest.raises(ValidationError, match="公开07表"):
        record.full_clean()


def test_a_third_format_is_reconciled(regional):
    from disclosure.reconciliation.selectors import load_facts

    facts = load_facts(disclosure=regional)
    assert set(facts.tables) == {"01", "07"}
    assert facts.tables["07"].row("会议费").cells == {"决算数": Decimal("21000.00")}
