"""The CSV's columns since 0.2.0 and the blank-cell rule: every cell a table prints is a row."""

import csv
import io
from datetime import UTC, datetime
from unittest.mock import patch

import pytest

from disclosure.exports import columns, rows
from disclosure.workflow import services
from tests.factories import (
    CLERK,
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    StandardDisclosureFactory,
    TableNoteFactory,
    ThreePublicExpenseFactory,
    add_row,
    publish,
    reopened,
    user_in_role,
)

pytestmark = pytest.mark.django_db
OLD_HEADER = (
    "单位,年度,报表,科目编码,项目,上级项目,栏目,金额（万元）,金额（元）,出国团组数,出国人次,"
    "购置车辆数,年末公务用车保有量,接待批次,接待人次,陪同人数,外宾接待批次,外宾接待人次"
).split(",")
NEW = ["文件类型", "状态", "修订版本", "发布时间", "说明", "同比情况"]


def read(client, url: str) -> list[dict]:
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_six_columns_are_appended_after_the_unchanged_eighteen():
    assert rows.HEADER == OLD_HEADER + NEW
    assert rows.FIGURE_HEADER == OLD_HEADER
    assert [c.name for c in columns.COLUMNS] == rows.HEADER
    assert {c.type for c in columns.COLUMNS} <= {"string", "integer", "number", "datetime"}
    units = {c.name: c.unit for c in columns.COLUMNS}
    assert units["金额（万元）"] == "万元" and units["金额（元）"] == "元"
    assert all(c.description for c in columns.COLUMNS)


def test_document_columns_of_the_seed(client, seed):
    """The 2014 seed: published, first revision, date not known; 三公 说明 and 同比情况."""
    by_name = {r["项目"]: r for r in read(client, "/agencies/liyang-xinfang/2014.csv")}
    line = by_name["财政拨款收入"]
    assert [line[c] for c in NEW] == ["决算", "已发布", "1", "", "", ""]
    reception = by_name["公务接待费"]
    assert (reception["说明"], reception["同比情况"]) == ("", "同比基本持平")
    assert by_name["因公出国（境）费"]["说明"] == "年度没有出国安排"


def test_a_correction_is_exported_as_its_revision_with_its_publication_time(client, seed):
    draft = reopened(seed)
    services.disclosure_submit(disclosure=draft, by=user_in_role(CLERK, agencies=[seed.agency]))
    when = datetime(2024, 9, 30, 2, 0, 0, 123456, tzinfo=UTC)
    with patch("django.utils.timezone.now", return_value=when):
        services.disclosure_publish(disclosure=draft, by=user_in_role(REVIEWER))
    exported = read(client, "/agencies/liyang-xinfang/2014.csv")
    assert {(r["状态"], r["修订版本"], r["发布时间"]) for r in exported} == {
        ("已发布", "2", "2024-09-30T10:00:00+08:00")
    }
    assert len(exported) == 12  # the current revision only


def test_explanations_are_exported_and_neutralised(client, db):
    d = StandardDisclosureFactory(agency__slug="explained")
    add_row(d, "05", "行政运行", code="2120101", cells={"合计": "1.00"}, explanation="=人员增加")
    ThreePublicExpenseFactory(
        disclosure=d, item="reception", amount_yuan=None, yoy_remark="-下降", explanation="@x"
    )
    publish(d)
    exported = read(client, d.get_csv_url())
    cell = next(r for r in exported if r["栏目"] == "合计")
    assert cell["说明"] == "'=人员增加" and cell["同比情况"] == ""
    record = next(r for r in exported if r["报表"] == "“三公”经费")
    assert (record["说明"], record["同比情况"]) == ("'@x", "'-下降")


def test_every_printed_cell_is_a_row_blank_ones_without_amounts(client, db):
    d = StandardDisclosureFactory(agency__slug="blanks")
    # 05 prints 合计, 基本支出, 项目支出; 年初预算数 is an unprinted column, exported where set.
    add_row(d, "05", "行政运行", code="2120101", cells={"合计": "1.00", "年初预算数": "2.00"})
    add_row(d, "05", "一般行政管理事务", code="2120102")  # printed with no figure at all
    # A two-sided table prints each row under its own side's columns only.
    add_row(d, "01", "一般公共预算财政拨款收入", side="收入", cells={"决算数": "1.00"})
    add_row(d, "01", "政府性基金预算财政拨款收入", side="收入")
    # A table published empty with its note prints only the note: its rows are not exported.
    add_row(d, "08", "合计")
    TableNoteFactory(disclosure=d)
    publish(d)
    exported = read(client, d.get_csv_url())
    cells = [
        (r["报表"][:6], r["项目"], r["栏目"], r["金额（万元）"], r["金额（元）"]) for r in exported
    ]
    assert cells == [
        ("公开01表 ", "一般公共预算财政拨款收入", "决算数", "1.00", "10000.00"),
        ("公开01表 ", "政府性基金预算财政拨款收入", "决算数", "", ""),
        ("公开05表 ", "行政运行", "合计", "1.00", "10000.00"),
        ("公开05表 ", "行政运行", "基本支出", "", ""),
        ("公开05表 ", "行政运行", "项目支出", "", ""),
        ("公开05表 ", "行政运行", "年初预算数", "2.00", "20000.00"),
        ("公开05表 ", "一般行政管理事务", "合计", "", ""),
        ("公开05表 ", "一般行政管理事务", "基本支出", "", ""),
        ("公开05表 ", "一般行政管理事务", "项目支出", "", ""),
    ]


def test_a_noted_table_with_figures_prints_its_blank_cells(client, db):
    d = StandardDisclosureFactory(agency__slug="noted")
    add_row(d, "08", "合计", cells={"合计": "1.00"})
    TableNoteFactory(disclosure=d, text="说明")
    publish(d)
    exported = read(client, d.get_csv_url())
    assert len(exported) == 6 and sum(1 for r in exported if r["金额（元）"]) == 1


def test_blank_cells_keep_the_query_count(client, db, django_assert_max_num_queries):
    for i in range(5):
        d = StandardDisclosureFactory(fiscal_year__year=2024)
        add_row(d, "05", f"行{i}", code="2120101", cells={"合计": "1.00"})
        publish(d)
        d2 = DisclosureFactory()
        ExpenditureLineFactory(disclosure=d2)
        publish(d2)
    # Two for Last-Modified (disclosure.caching), one for the disclosures (their agency, year
    # and document columns, read once instead of joined to every figure), and per batch of
    # disclosures: the standard format's rows, their cells and the tables' columns, the 2014
    # lines, and the 三公 records.
    with django_assert_max_num_queries(2 + 1 + 3 + 1 + 1):
        exported = read(client, "/all.csv")
    assert len(exported) == 5 * 3 + 5
