"""The figures CSV written by PostgreSQL (rows.figure_csv) is byte for byte the one Python writes
(csv_chunks(figure_rows(…))): on the demo data and on factory data with every edge case, and
cell by cell for the SQL that formats amounts and text. On SQLite figure_csv is the Python path,
so the comparisons there hold trivially and check only that it is taken."""

import csv
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from disclosure.core.csv import neutralise, sql_text_cell
from disclosure.core.money import format_wan, format_yuan, sql_wan, sql_yuan
from disclosure.exports import rows as exports
from disclosure.formats.simple2014 import Simple2014
from disclosure.formats.standard import Standard
from disclosure.models import Disclosure
from tests.factories import (
    AgencyFactory,
    BudgetDisclosureFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    StandardDisclosureFactory,
    TableNoteFactory,
    ThreePublicExpenseFactory,
    add_row,
    publish,
    table_spec,
)

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL writes the CSV only there"
)

# Text a spreadsheet would evaluate, text csv.writer must quote, and both.
AWKWARD = [
    "=SUM(A1)",
    "+1",
    "-1",
    "@A1",
    "'已有撇号",
    "\t制表",
    "\r回车",
    '带"引号"的',
    "带,逗号",
    "带\n换行",
    "带\r\n回车换行",
    '=HYPERLINK("x"),1',
    '"开头引号',
    "",
    "普通",
    "末尾-",
    "中间=号",
    "％百分号%s",
]
# 元 amounts: half a fen of 万元 (…50 元) rounds up, below it down; big and tiny ones.
AMOUNTS = [
    "0.00",
    "0.01",
    "49.99",
    "50.00",
    "149.99",
    "150.00",
    "12345.00",
    "12350.00",
    "97465000.00",
    "9999999999999.99",
]


def python_csv(disclosures) -> bytes:
    return "".join(exports.csv_chunks(exports.figure_rows(disclosures))).encode()


def sql_csv(disclosures) -> bytes:
    return b"".join(exports.figure_csv(disclosures))


def current():
    return Disclosure.objects.current().finals()


@pytest.fixture
def awkward(db):
    """Disclosures of both formats holding every awkward text and amount, blank cells, a table
    published empty with its note, one published without a publication time, and a draft."""
    made = []
    for i, text in enumerate(AWKWARD):
        agency = AgencyFactory(name=f"{text}局{i}", slug=f"awkward-{i}")
        simple = DisclosureFactory(agency=agency)
        parent = ExpenditureLineFactory(
            disclosure=simple, statement="expenditure", name=text or "空", code="2010101"
        )
        ExpenditureLineFactory(
            disclosure=simple,
            statement="expenditure",
            name=f"其中{text}",
            parent=parent,
            amount_yuan=Decimal(AMOUNTS[i % len(AMOUNTS)]),
        )
        ExpenditureLineFactory(disclosure=simple, statement="income", name=text or "收入")
        ThreePublicExpenseFactory(
            disclosure=simple,
            item="reception",
            amount_yuan=Decimal(AMOUNTS[(i + 3) % len(AMOUNTS)]),
            reception_batches=i,
            reception_persons=None,
            explanation=text,
            yoy_remark=text,
        )
        ThreePublicExpenseFactory(disclosure=simple, item="outbound", amount_yuan=None)
        made.append(simple)

        standard = StandardDisclosureFactory(agency=agency)
        wan = str(Decimal(AMOUNTS[i % len(AMOUNTS)]) / 10000)
        add_row(standard, "01", text or "收入合计", side="收入", cells={"决算数": wan})
        add_row(standard, "01", "支出合计", side="支出")  # blank on its side
        top = add_row(standard, "05", "合计", cells={"合计": wan, "年初预算数": "1.00"})
        add_row(
            standard,
            "05",
            text or "行政运行",
            code="2010301",
            parent=top,
            explanation=text,
            cells={"基本支出": "0.0050"},
        )
        add_row(standard, "06", text or "工资福利支出", panel="人员经费", cells={"决算数": wan})
        add_row(standard, "08", "合计", cells={"合计": "0.0149"})  # a grouped column
        TableNoteFactory(disclosure=standard, table=table_spec("08"), text="有数")
        add_row(standard, "09", "合计")  # published empty with its note: not exported
        TableNoteFactory(disclosure=standard, table=table_spec("09"), text="无数据")
        ThreePublicExpenseFactory(
            disclosure=standard, item="vehicle_running", amount_yuan=None, vehicles_held=3
        )
        made.append(standard)
    # An old document published before times were kept: no publication time.
    Disclosure.objects.filter(pk=made[0].pk).update(status="published", published_at=None)
    for disclosure in made[1:]:
        publish(disclosure)
    ExpenditureLineFactory(disclosure=DisclosureFactory(), name="草稿")  # never exported
    return made


def test_the_database_writes_the_same_bytes_as_python(awkward):
    expected = python_csv(current())
    assert expected.count(b"\r\n") > 20 * len(AWKWARD)
    assert "其中=SUM(A1)".encode() in expected and "草稿".encode() not in expected
    if connection.vendor == "postgresql":  # the formats' Python is not asked
        for fmt in (Simple2014, Standard):
            mock.patch.object(fmt, "export_figures", side_effect=AssertionError).start()
    try:
        assert sql_csv(current()) == expected
    finally:
        mock.patch.stopall()


def test_the_demo_data_is_the_same_written_by_the_database(seed, putuo):
    assert sql_csv(current()) == python_csv(current())
    for disclosure in (seed, putuo):
        one = Disclosure.objects.filter(pk=disclosure.pk)
        assert sql_csv(one) == python_csv(one)


def test_batches_keep_the_export_order(awkward, monkeypatch):
    monkeypatch.setattr(exports, "CSV_BATCH", 3)
    assert sql_csv(current()) == python_csv(current())


def test_a_format_without_sql_is_written_by_python_in_its_place(awkward, monkeypatch):
    """A format may leave its figures to export_figures: its disclosures keep their place
    among those the database writes."""
    monkeypatch.setattr(Standard, "export_csv_sql", lambda self, ids: None)
    monkeypatch.setattr(exports, "CSV_BATCH", 5)
    assert sql_csv(current()) == python_csv(current())


def test_a_budget_is_written_by_python(db):
    """Only a 决算 is written by its year's format's SQL; a 预算 takes its kind's format."""
    budget = BudgetDisclosureFactory()
    add_row(budget, "03", "合计", cells={"合计": "1.00"})
    publish(budget)
    final = DisclosureFactory(agency=budget.agency)
    ExpenditureLineFactory(disclosure=final, name="决算项目")
    publish(final)
    everything = Disclosure.objects.filter(pk__in=[budget.pk, final.pk])
    assert sql_csv(everything) == python_csv(everything)


def test_an_export_of_nothing_is_the_header(db):
    header = ("\ufeff" + ",".join(exports.HEADER) + "\r\n").encode()
    assert sql_csv(current()) == python_csv(current()) == header


@on_postgresql
def test_sql_writes_each_text_cell_as_neutralise_and_csv_writer_do():
    for text in AWKWARD:
        expected = io.StringIO()
        csv.writer(expected).writerow([neutralise(text), "x"])
        with connection.cursor() as cursor:
            sql = f"SELECT {sql_text_cell('t')} || ',x' FROM (SELECT %s::text t) v"
            cursor.execute(sql, [text])
            written = cursor.fetchone()[0]
        assert written + "\r\n" == expected.getvalue(), text


@on_postgresql
def test_sql_writes_amounts_as_format_wan_and_format_yuan():
    """Negative amounts too (no table holds one today): half a fen of 万元 away from zero, and
    Decimal's "-0.00" for a negative amount that rounds to nothing."""
    values = [None] + [Decimal(a) for a in AMOUNTS]
    # PostgreSQL has no negative zero: a stored amount is never Decimal("-0.00").
    values += [-v for v in values[1:] if v]
    values += [Decimal("-0.01"), Decimal("-49.99"), Decimal("-50.00")]
    for value in values:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {sql_wan('a')}, {sql_yuan('a')} FROM (SELECT %s::numeric(15, 2) a) v",
                [value],
            )
            assert cursor.fetchone() == (format_wan(value), format_yuan(value)), value
