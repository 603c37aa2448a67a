"""XLSX downloads read back with openpyxl: values, cell types and number formats.

The disclosure's workbook shows each table as its page does and lists every figure exactly as
the CSV does (numbers as numbers); text is never a formula.
"""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from disclosure.core.csv import neutralise
from disclosure.exports import xlsx
from disclosure.exports.rows import HEADER
from tests.factories import DisclosureFactory, ExpenditureLineFactory, publish

pytestmark = pytest.mark.django_db
WAN = "#,##0.00"


def book(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content))


def rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def find(ws, text: str):
    """The first row whose cells include `text`, as cells."""
    for row in ws.iter_rows():
        if any(c.value == text for c in row):
            return row
    raise AssertionError(f"{text} not in {ws.title}")


def test_seed_workbook_shows_each_statement_as_the_page_does(client, seed):
    wb = book(client, "/agencies/liyang-xinfang/2014.xlsx")
    assert wb.sheetnames == [
        "收入决算",
        "支出决算",
        "支出按性质分（经济分类）",
        "支出按功能分类",
        "“三公”经费",
        "全部数字",
    ]
    economic = wb["支出按性质分（经济分类）"]
    assert rows(economic)[0][0] == "溧阳市信访局 2014年度 支出按性质分（经济分类）（万元）"
    assert [c.value for c in find(economic, "项目")] == ["科目编码", "项目", "决算数（万元）"]
    code, name, amount = find(economic, "其中：工资福利支出")
    assert (code.value, code.data_type) == ("301", "s")  # a code stays text: 301, not 301.0
    assert (amount.value, amount.data_type, amount.number_format) == (79.82, "n", WAN)
    total = find(economic, "合计")
    assert total[2].value == 195.82 and total[2].number_format == WAN
    reception = find(wb["“三公”经费"], "公务接待费")
    assert [c.value for c in reception] == [
        "公务接待费",
        3.54,
        "接待批次57次，接待人员466人次",
        "同比基本持平",
    ]


def test_figures_sheet_is_the_csv_with_numbers_as_numbers(client, seed):
    text = b"".join(client.get("/agencies/liyang-xinfang/2014.csv").streaming_content)
    expected = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    sheet = book(client, "/agencies/liyang-xinfang/2014.xlsx")["全部数字"]
    got = list(sheet.iter_rows())
    assert [c.value for c in got[0]] == HEADER == expected[0]
    assert len(got) == len(expected) == 13
    for cells, csv_row in zip(got[1:], expected[1:], strict=True):
        for cell, value, name in zip(cells, csv_row, HEADER, strict=True):
            if value == "":
                assert cell.value is None, name
            elif name.startswith("金额"):
                assert cell.data_type == "n" and cell.number_format == WAN, name
                assert Decimal(str(cell.value)).quantize(Decimal("0.01")) == Decimal(value)
            elif name in ("年度", "修订版本") or name in HEADER[9:18]:
                assert (cell.data_type, cell.value) == ("n", int(value)), name
            else:
                assert (cell.data_type, neutralise(cell.value)) == ("s", value), name


def test_standard_workbook_prints_tables_blocks_and_notes(client, putuo):
    wb = book(client, "/agencies/putuo-ghzy/2024.xlsx")
    assert wb.sheetnames[:9] == [f"公开{n:02d}表" for n in range(1, 10)]
    assert wb.sheetnames[9:] == [
        "“三公”经费数量与说明",
        "预算与决算对比",
        "情况说明中的数字",
        "全部数字",
    ]
    assert all(len(name) <= 31 for name in wb.sheetnames)
    t05 = wb["公开05表"]
    assert (
        rows(t05)[0][0]
        == "上海市普陀区规划和自然资源局 2024年度 公开05表 一般公共预算财政拨款支出决算表"
    )
    header = [c.value for c in find(t05, "科目编码")]
    assert header[:5] == [
        "科目编码",
        "项目",
        "合计（万元）",
        "基本支出（万元）",
        "项目支出（万元）",
    ]
    row = find(t05, "行政运行")
    assert row[0].value == "2120101" and row[2].value == 1092.80 and row[2].number_format == WAN
    # A two-sided table: each side a captioned block with its own columns.
    t01 = rows(wb["公开01表"])
    assert ["收入\u3000单位：万元"] == [r[0] for r in t01 if r[0] == "收入\u3000单位：万元"]
    assert any(r[0] == "支出\u3000单位：万元" for r in t01)
    # An empty table published with its note prints only the note (and the table's footnote).
    t08 = [r[0] for r in rows(wb["公开08表"])]
    assert len(t08) == 3 and "故本表无数据" in t08[1] and t08[2].startswith("注：")
    # 07's amounts with budget and final, the counts beside them.
    t07 = wb["公开07表"]
    assert [c.value for c in find(t07, "公务接待费")][-2:] == [2.85, 0.39]
    counts = find(wb["“三公”经费数量与说明"], "公务接待费")
    assert "2" in counts[1].value and "26" in counts[1].value


def test_text_is_never_a_formula(client, db):
    evil = '=HYPERLINK("http://x","y")'
    d = DisclosureFactory(agency__name=evil, agency__slug="evil")
    ExpenditureLineFactory(disclosure=d, name="+1", amount_yuan=Decimal("12.00"))
    publish(d)
    wb = book(client, f"/agencies/evil/{d.fiscal_year.year}.xlsx")
    cell = wb["全部数字"]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (evil, "s", True)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    line = find(wb[wb.sheetnames[0]], "+1")
    assert line[1].data_type == "s" and line[1].quotePrefix


def test_sheet_names_fit_excel():
    taken: set[str] = set()
    long = "公开05表 " + "很长的表名" * 10
    first, second = xlsx.sheet_name(long, taken), xlsx.sheet_name(long, taken)
    assert len(first) == len(second) == 31 and first != second
    assert xlsx.sheet_name("a/b[c]:d*?", taken) == "a_b_c__d__"


def test_year_workbook_caps_its_figures_and_says_where_the_rest_is(client, seed, monkeypatch):
    from disclosure.exports import workbooks

    monkeypatch.setattr(workbooks, "YEAR_FIGURES_MAX", 5)
    wb = book(client, "/years/2014.xlsx")
    agencies = rows(wb["各单位"])
    assert agencies[1][:4] == ["单位", "地区", "修订版本", "发布时间"]
    assert agencies[2][0] == "溧阳市信访局" and agencies[2][5] == 195.82
    figures = rows(wb["全部数字"])
    assert len(figures) == 1 + 5 + 1
    assert "以上只列出前 5 行" in figures[-1][0] and "/years/2014.csv" in figures[-1][0]
