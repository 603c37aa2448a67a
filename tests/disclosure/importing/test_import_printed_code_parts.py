"""More layouts real agencies print (issue 12, item 2), from 上海市普陀区生态环境局's 2025
部门决算 (fixtures/source/shengtai-2025): 决算数 printed under every column heading, 类 款 项
printed on the total's line, the sides headed 收入决算数 / 支出决算数, and 06's codes under 类 | 款.
Each is imported into the Putuo draft as printed and compared cell by cell; a misprint in the
new header rows is refused at its cell.
"""

import pytest

from tests.disclosure.importing.test_import_printed_variants import (
    COLUMNS03,
    LINE,
    cells,
    imported,
    n,
    refusal,
    source_cells,
    workbook,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_draft_for_module")]


def table03(source: dict, *, measures: bool, parts: list) -> bytes:
    """03 with the code under 类 | 款 | 项 (the whole code in 类, as 生态环境局 prints it), and
    the total's figures on the 类 款 项 line."""
    table = next(t for t in source["tables"] if t["number"] == "03")
    rows = [["支出决算表"], ["公开03表"], [LINE]]
    rows += [["项目", None, None, None, *COLUMNS03]]
    rows += [["功能分类\n科目编码", None, None, "科目名称"]]
    merged = ["A4:D4", "A5:C5"] + [f"{c}4:{c}5" for c in "EFGHIJ"]
    if measures:
        rows.append([None] * 4 + ["决算数"] * len(COLUMNS03))
    total = next(r for r in table["rows"] if r.get("role") == "total")
    rows.append([*parts, "合计", *(n(total["cells"].get(c)) for c in COLUMNS03)])
    for r in table["rows"]:
        if r is not total:
            figures = [n(r["cells"].get(c)) for c in COLUMNS03]
            rows.append([r["code"], None, None, r["name"], *figures])
    return workbook(("公开03表", rows, merged))


@pytest.mark.parametrize("measures", [True, False], ids=["决算数 under each column", "without"])
def test_total_printed_on_the_class_kuan_xiang_line(putuo, putuo_source, measures):
    imported(putuo, table03(putuo_source, measures=measures, parts=["类", "款", "项"]))
    assert cells(putuo, "03") == source_cells(putuo_source, "03")


def test_a_misprinted_class_kuan_xiang_line_is_refused_at_its_cell(putuo, putuo_source):
    message = refusal(putuo, table03(putuo_source, measures=True, parts=["类", "款", "目"]))
    assert message == (
        "工作表“公开03表”第 7 行C 列（项目/功能分类\n科目编码，单元格 C7）："
        "科目编码应为 3 位（类）、5 位（款）或 7 位（项）数字。"
    )


def table01(source: dict, heads: list[str]) -> bytes:
    table = next(t for t in source["tables"] if t["number"] == "01")
    rows = [["收入支出决算总表"], ["公开01表"], [LINE], [heads[0], None, heads[1], None]]
    rows.append(["项目", "决算数", "项目", "决算数"])
    by_line = {(r["side"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        printed = []
        for side in ("收入", "支出"):
            r = by_line.get((side, line))
            name = r and (f"{r['ordinal']}、{r['name']}" if r.get("ordinal") else r["name"])
            printed += [name, n(r["cells"].get("决算数")) if r else None]
        rows.append(printed)
    return workbook(("公开01表", rows, ["A4:B4", "C4:D4"]))


def test_sides_headed_with_their_measure(putuo, putuo_source):
    imported(putuo, table01(putuo_source, ["收入决算数", "支出决算数"]))
    key = lambda r: f"{r['side']}/{r['name']}"  # noqa: E731
    assert cells(putuo, "01") == source_cells(putuo_source, "01", key=key)


def test_a_side_headed_with_another_measure_is_refused_at_its_cell(putuo, putuo_source):
    message = refusal(putuo, table01(putuo_source, ["收入预算数", "支出决算数"]))
    assert message.startswith(
        "工作表“公开01表”第 4 行 A 列（单元格 A4）：表头为“收入预算数”，不是公开01表的栏目，"
        "应为以下栏目之一："
    )


def test_basic_expenditure_codes_under_class_and_kuan(putuo, putuo_source):
    """06 as 生态环境局 prints it: 经济分类科目编码 over 类 | 款, 301 | 01 in two cells, the
    totals' labels across the code and name columns."""
    table = next(t for t in putuo_source["tables"] if t["number"] == "06")
    rows = [["一般公共预算财政拨款基本支出决算表"], ["公开06表"], [LINE]]
    rows += [["经济分类\n科目编码", None, "科目名称", "决算数"] * 2, ["类", "款", None, None] * 2]
    merged = ["A4:B4", "E4:F4"] + [f"{c}4:{c}5" for c in "CDGH"]
    by_line = {(r["panel"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        printed = []
        for panel in ("人员经费", "公用经费"):
            r = by_line.get((panel, line))
            if r is None:
                printed += [None] * 4
                continue
            code, figure = r["code"], n(r["cells"].get("决算数"))
            if code:
                printed += [code[:3], code[3:] or None, r["name"], figure]
            else:
                printed += [r["name"], None, None, figure]
                start = "A" if panel == "人员经费" else "E"
                end = "C" if panel == "人员经费" else "G"
                merged.append(f"{start}{len(rows) + 1}:{end}{len(rows) + 1}")
        rows.append(printed)
    imported(putuo, workbook(("公开06表", rows, merged)))
    key = lambda r: r["code"] or f"{r['panel']}/{r['name']}"  # noqa: E731
    assert cells(putuo, "06") == source_cells(putuo_source, "06", key=key)
