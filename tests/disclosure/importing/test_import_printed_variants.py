"""The layouts real agencies print, each imported as printed (issue 12, item 2).

Each test builds a small workbook laid out as one variant prints it (merged cells as printed),
imports it into the Putuo draft, and compares the figures cell by cell.
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from disclosure.models import Cell, ReportRow
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.importing.test_import_service import run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_draft_for_module")]
W = Decimal(10000)
LINE = "部门：上海市普陀区规划和自然资源局    2024年度    单位：万元"


def workbook(*sheets) -> bytes:
    """Sheets as (title, rows, merged ranges): rows are lists of cells, None for empty."""
    book = Workbook()
    book.remove(book.active)
    for title, rows, merged in sheets:
        ws = book.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                if value not in (None, ""):
                    ws.cell(r, c, value)
        for area in merged:
            ws.merge_cells(area)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(disclosure, number: str) -> dict:
    """{(row key, column): 万元 text} of one table, as stored."""
    found = Cell.objects.filter(row__disclosure=disclosure, row__table__number=number)
    return {
        (c.row.key, c.column.label): f"{c.amount_yuan / W:.2f}"
        for c in found.select_related("row__parent", "column")
    }


def source_cells(source: dict, number: str, *, key=None) -> dict:
    table = next(t for t in source["tables"] if t["number"] == number)
    key = key or (lambda r: r["code"] or r["name"])
    return {(key(r), label): value for r in table["rows"] for label, value in r["cells"].items()}


def n(value: str | None):
    return float(value) if value else None


def imported(putuo, data: bytes):
    report = run(putuo, data)
    assert report.ok, [str(e) for e in report.errors][:5]
    return report


def refusal(putuo, data: bytes) -> str:
    before = Cell.objects.filter(row__disclosure=putuo).count()
    report = run(putuo, data)
    assert not report.ok
    assert Cell.objects.filter(row__disclosure=putuo).count() == before  # nothing written
    return str(report.errors[0])


# --- 一般公共服务支出 is a name, not 一 + 般…; classes are matched by code ------------------------


def table01(source: dict, *, ordinals: bool, change=None) -> bytes:
    table = next(t for t in source["tables"] if t["number"] == "01")
    rows = [
        ["收入支出决算总表"],
        ["公开01表"],
        [LINE],
        ["收入", None, "支出", None],
        ["项目", "决算数", "项目", "决算数"],
    ]
    by_line = {(r["side"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        cells_ = []
        for side in ("收入", "支出"):
            r = by_line.get((side, line))
            name = r["name"] if r else None
            if r and ordinals and r.get("ordinal"):
                name = f"{r['ordinal']}、{name}"
            value = n(r["cells"].get("决算数")) if r else None
            if change and r and r["name"] == change[0] and side == "支出":
                name, value = change[1], change[2]
            cells_ += [name, value]
        rows.append(cells_)
    return workbook(("公开01表", rows, ["A4:B4", "C4:D4"]))


def test_names_that_begin_with_one_keep_it(putuo, putuo_source):
    imported(putuo, table01(putuo_source, ordinals=False))
    row = ReportRow.objects.get(disclosure=putuo, table__number="01", side="支出", ordinal="一")
    assert row.name == "一般公共服务支出"
    assert not ReportRow.objects.filter(disclosure=putuo, name__startswith="般").exists()
    assert cells(putuo, "01") == source_cells(
        putuo_source, "01", key=lambda r: f"{r['side']}/{r['name']}"
    )


def test_a_misread_class_name_still_meets_its_cross_table_check(putuo, putuo_source):
    """01 prints 5.00 for 201 under a misread name: the class is known by its ordinal, and 03
    has no 201, so the check fires instead of silently skipping the row."""
    misread = ("一般公共服务支出", "一、般公共服务", 5.0)
    imported(putuo, table01(putuo_source, ordinals=True, change=misread))
    messages = [f.message for f in reconcile(load_facts(disclosure=putuo))]
    assert (
        "公开01表 支出/般公共服务（决算数）为 5.00 万元，但公开03表中没有“201”这一类："
        "同一类支出应在两张表中都列出且相等，不能对照核对。"
    ) in messages


# --- 项目 spanning the code and name columns; 合计 across the code columns ------------------


def table03(source: dict, header: list[list], merged: list[str], split=False) -> bytes:
    table = next(t for t in source["tables"] if t["number"] == "03")
    rows = [["支出决算表"], ["公开03表"], [LINE], *header]
    total_at = len(rows) + 1
    for r in table["rows"]:
        figures = [n(r["cells"].get(c)) for c in table["columns"]]
        code = r["code"]
        codes = [code[:3], code[3:5], code[5:7]] if split else [code]
        if not code:
            codes = ["合计"] * len(codes)  # the total's label over the code columns
        rows.append([*(c or None for c in codes), None if not code else r["name"], *figures])
    width = len(codes) + 1
    total = [f"A{total_at}:{chr(64 + (width - 1 if split else width))}{total_at}"]
    return workbook(("公开03表", rows, merged + total))


COLUMNS03 = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出"]
COLUMNS03.append("对附属单位补助支出")


@pytest.mark.parametrize(
    "header, merged",
    [
        ([["项目", None, *COLUMNS03]], ["A4:B4"]),
        ([["项目", None, *COLUMNS03], ["科目编码", "科目名称"]], ["A4:B4"]),
        ([["项目", None, *COLUMNS03], ["功能分类科目编码", "科目名称"], ["栏次", None, 1, 2]], []),
    ],
    ids=["项目 alone", "项目 over 科目编码/科目名称", "with 栏次"],
)
def test_project_header_spanning_code_and_name(putuo, putuo_source, header, merged):
    imported(putuo, table03(putuo_source, header, merged))
    assert cells(putuo, "03") == source_cells(putuo_source, "03")
    total = ReportRow.objects.get(disclosure=putuo, table__number="03", code="")
    assert (total.name, total.role) == ("合计", "total")


def test_total_label_merged_across_class_kuan_xiang(putuo, putuo_source):
    header = [
        ["项目", None, None, None, *COLUMNS03],
        ["功能分类科目编码", None, None, "科目名称"],
        ["类", "款", "项", None],
    ]
    data = table03(putuo_source, header, ["A4:D4", "A5:C5"], split=True)
    imported(putuo, data)
    assert cells(putuo, "03") == source_cells(putuo_source, "03")


# --- 06: two panels side by side, with or without their labels -------------------------------


def table06(source: dict, *, labels: bool, two_rows: bool) -> bytes:
    table = next(t for t in source["tables"] if t["number"] == "06")
    rows = [["一般公共预算财政拨款基本支出决算表"], ["公开06表"], [LINE]]
    merged = []
    if labels:
        rows.append(["人员经费", None, None, "公用经费", None, None])
        merged += ["A4:C4", "D4:F4"]
    top = len(rows) + 1
    if two_rows:
        rows += [["经济分类", "科目名称", "决算数"] * 2, ["科目编码", None, None] * 2]
        merged += [f"{c}{top}:{c}{top + 1}" for c in "BCEF"]
    else:
        rows.append(["经济分类科目编码", "科目名称", "决算数"] * 2)
    by_line = {(r["panel"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        cells_ = []
        for panel in ("人员经费", "公用经费"):
            r = by_line.get((panel, line))
            printed = [r["code"] or None, r["name"], n(r["cells"].get("决算数"))] if r else None
            cells_ += printed or [None] * 3
        rows.append(cells_)
    return workbook(("公开06表", rows, merged))


@pytest.mark.parametrize(
    "labels, two_rows",
    [(False, False), (True, True), (False, True)],
    ids=["no panel labels", "经济分类/科目编码 on two rows", "both"],
)
def test_basic_expenditure_panels_as_printed(putuo, putuo_source, labels, two_rows):
    imported(putuo, table06(putuo_source, labels=labels, two_rows=two_rows))
    key = lambda r: r["code"] or f"{r['panel']}/{r['name']}"  # noqa: E731
    assert cells(putuo, "06") == source_cells(putuo_source, "06", key=key)
    panels = ReportRow.objects.filter(disclosure=putuo, table__number="06")
    assert set(panels.filter(code__startswith="301").values_list("panel", flat=True)) == {
        "人员经费"
    }
    assert set(panels.filter(code__startswith="302").values_list("panel", flat=True)) == {
        "公用经费"
    }


# --- 07: 公务用车购置及运行费, and 公务接待费 before the vehicles ---------------------------------


def test_three_public_headed_running_costs_transposed(putuo):
    items = [
        ("合计", None, (2.85, 0.39)),
        ("因公出国（境）费", None, (0, 0)),
        ("公务用车购置及运行费", "小计", (0, 0)),
        ("公务用车购置及运行费", "公务用车购置费", (0, 0)),
        ("公务用车购置及运行费", "公务用车运行费", (0, 0)),
        ("公务接待费", None, (2.85, 0.39)),
    ]
    top, second, values, merged = [], [], [], []
    for i, (group, sub, figures) in enumerate(items):
        left, right = chr(65 + 2 * i), chr(66 + 2 * i)
        top += [group, None]
        second += [sub, None]
        values += list(figures)
        if sub is None:
            merged.append(f"{left}4:{right}5")
        else:
            merged.append(f"{left}5:{right}5")
    merged.append("E4:J4")
    rows = [
        ["财政拨款“三公”经费支出决算表"],
        ["公开07表"],
        [LINE],
        top,
        second,
        ["预算数", "决算数"] * len(items),
        values,
    ]
    imported(putuo, workbook(("公开07表", rows, merged)))
    stored = cells(putuo, "07")
    assert stored[("公务用车购置及运行维护费/公务用车运行维护费", "决算数")] == "0.00"
    assert stored[("公务接待费", "决算数")] == "0.39"
    assert stored[("合计", "预算数")] == "2.85"
    assert len(stored) == 12


def test_three_public_with_reception_before_vehicles(putuo):
    rows = [
        ["财政拨款“三公”经费支出决算表"],
        ["公开07表"],
        [LINE],
        ["项目", "预算数", "决算数"],
        ["合计", 2.85, 0.39],
        ["一、因公出国（境）费", 0, 0],
        ["二、公务接待费", 2.85, 0.39],
        ["三、公务用车购置及运行费", 0, 0],
        ["其中：公务用车购置费", 0, 0],
        ["      公务用车运行费", 0, 0],
    ]
    imported(putuo, workbook(("公开07表", rows, [])))
    vehicles = ReportRow.objects.get(
        disclosure=putuo, table__number="07", name="公务用车运行维护费"
    )
    assert vehicles.parent.name == "公务用车购置及运行维护费"
    assert cells(putuo, "07")[("公务接待费", "决算数")] == "0.39"
    assert not [f for f in reconcile(load_facts(disclosure=putuo)) if f.rule.startswith("three")]


# --- 08/09: 小计 under 本年支出 ----------------------------------------------------------------


def test_fund_table_with_subtotal_under_current_spending(putuo):
    rows = [
        ["政府性基金预算财政拨款收入支出决算表"],
        ["公开08表"],
        [LINE],
        ["项目", None, "年初结转和结余", "本年收入", "本年支出", None, None, "年末结转和结余"],
        ["科目编码", "科目名称", None, None, "小计", "基本支出", "项目支出", None],
        ["合计", "合计", 1, 10, 8, 0, 8, 3],
        ["212", "城乡社区支出", 1, 10, 8, 0, 8, 3],
    ]
    merged = ["A4:B4", "C4:C5", "D4:D5", "E4:G4", "H4:H5", "A6:B6"]
    imported(putuo, workbook(("公开08表", rows, merged)))
    stored = cells(putuo, "08")
    assert stored[("212", "合计")] == "8.00" and stored[("合计", "合计")] == "8.00"
    assert stored[("212", "年末结转和结余")] == "3.00"
    assert len(stored) == 12


# --- a file without the 部门/年度 line --------------------------------------------------------


def test_a_file_without_the_agency_line_imports_with_agency_and_year_given(
    putuo, putuo_source, tmp_path
):
    rows = [["收入决算表"], ["公开02表"], ["单位：万元"], ["项目", None, "本年收入合计"]]
    rows += [["208", "社会保障和就业支出", 1.5]]
    path = tmp_path / "no-line.xlsx"
    path.write_bytes(workbook(("公开02表", rows, ["A4:B4"])))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(Exception, match="1 个文件导入失败"):
        call_command("import_disclosures", str(path), stdout=out, stderr=err)
    assert "或在命令行用 --agency 单位标识 --year 年度 指定" in err.getvalue()
    call_command(
        "import_disclosures",
        str(path),
        agency=putuo.agency.slug,
        year=2024,
        stdout=out,
        stderr=err,
    )
    # The file names one column: its figures are replaced, the other columns' kept.
    stored = cells(putuo, "02")
    assert {k: v for k, v in stored.items() if k[1] == "本年收入合计"} == {
        ("208", "本年收入合计"): "1.50"
    }


def test_agency_and_year_given_do_not_override_a_file_that_names_others(putuo, tmp_path):
    rows = [["公开02表"], ["部门：别的单位  2024年度  单位：万元"], ["项目", None, "本年收入合计"]]
    rows += [["208", "社会保障和就业支出", 1.5]]
    path = tmp_path / "other.xlsx"
    path.write_bytes(workbook(("公开02表", rows, ["A3:B3"])))
    err = io.StringIO()
    with pytest.raises(Exception, match="1 个文件导入失败"):
        call_command(
            "import_disclosures",
            str(path),
            agency=putuo.agency.slug,
            year=2024,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "单位“别的单位”不是本次导入的单位" in err.getvalue()


# --- refusals name the sheet, row, column and cell, what was found and what was expected --------


def test_an_unknown_header_is_refused_with_its_cell(putuo):
    rows = [["公开03表"], [LINE], ["项目", None, "本年支出合计", "差旅费"]]
    rows += [["208", "社会保障和就业支出", 1, 1]]
    message = refusal(putuo, workbook(("公开03表", rows, ["A3:B3"])))
    assert message.startswith(
        "工作表“公开03表”第 3 行 D 列（单元格 D3）：表头为“差旅费”，"
        "不是公开03表的栏目，应为以下栏目之一：本年支出合计、基本支出、项目支出"
    )


def test_a_transposed_table_without_item_names_is_refused_with_its_cell(putuo):
    rows = [["公开07表"], [LINE], ["预算数", "决算数"], [1, 2]]
    message = refusal(putuo, workbook(("公开07表", rows, [])))
    assert message.startswith(
        "工作表“公开07表”第 3 行 A 列（单元格 A3）：表头“预算数”没有项目名称，表中也没有“项目”列，"
        "应为每栏上方印有项目名称（"
    )


def test_a_bad_code_is_refused_at_its_cell(putuo):
    rows = [["公开03表"], [LINE], ["科目编码", "科目名称", "本年支出合计"]]
    rows += [["2O8", "社会保障和就业支出", 1]]
    message = refusal(putuo, workbook(("公开03表", rows, [])))
    assert message == (
        "工作表“公开03表”第 4 行A 列（科目编码，单元格 A4）：科目编码应为 3 位（类）、5 位（款）"
        "或 7 位（项）数字。"
    )


def test_a_bad_amount_is_refused_at_its_cell(putuo):
    rows = [["公开03表"], [LINE], ["科目编码", "科目名称", "本年支出合计"]]
    rows += [["208", "社会保障和就业支出", "1.2.3"]]
    message = refusal(putuo, workbook(("公开03表", rows, [])))
    assert message.startswith("工作表“公开03表”第 4 行C 列（本年支出合计，单元格 C4）：“1.2.3”")


# --- 年初预算数: a column of 05, or a sheet of its own -------------------------------------------


def table05(with_budget: bool) -> list[list]:
    header = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    rows = [["公开05表"], [LINE], header + (["年初预算数"] if with_budget else [])]
    rows.append(["合计", "合计", 10, 4, 6] + ([12] if with_budget else []))
    rows.append(["212", "城乡社区支出", 10, 4, 6] + ([None] if with_budget else []))
    rows.append(["21202", "城乡社区规划与管理", 10, 4, 6] + ([None] if with_budget else []))
    rows.append(["2120201", "城乡社区规划与管理", 10, 4, 6] + ([12] if with_budget else []))
    return rows


def test_budget_per_item_from_its_own_column(putuo):
    imported(putuo, workbook(("公开05表", table05(True), ["A4:B4"])))
    stored = cells(putuo, "05")
    assert stored[("2120201", "年初预算数")] == "12.00"
    assert stored[("合计", "年初预算数")] == "12.00"
    assert ("212", "年初预算数") not in stored


def test_budget_per_item_from_a_sheet_of_its_own(putuo):
    budget = [
        ["年初预算数（情况说明）"],
        ["单位：万元"],
        ["科目编码", "科目名称", "年初预算数"],
        ["2120201", "城乡社区规划与管理", 12],
    ]
    # The budget sheet first: its rows still follow 05's printed order.
    ReportRow.objects.filter(disclosure=putuo, table__number="05").delete()
    imported(putuo, workbook(("年初预算", budget, []), ("公开05表", table05(False), ["A4:B4"])))
    stored = cells(putuo, "05")
    assert stored[("2120201", "年初预算数")] == "12.00"
    assert stored[("2120201", "合计")] == "10.00"
    rows = ReportRow.objects.filter(disclosure=putuo, table__number="05").order_by("order")
    assert [r.code for r in rows] == ["", "212", "21202", "2120201"]


def test_two_name_columns_in_one_table_are_refused_with_both_named(putuo):
    rows = [["公开03表"], [LINE], ["科目名称", "本年支出合计", "科目名称"]]
    rows += [["社会保障和就业支出", 1, "社会保障和就业支出"]]
    message = refusal(putuo, workbook(("公开03表", rows, [])))
    assert message == (
        "工作表“公开03表”第 3 行 C 列（单元格 C3）：表中A 列“科目名称”、C 列“科目名称”，"
        "应为恰好一列项目名称。"
    )
