"""The corpus budget's tables as an XLSX laid out as its PDF prints them: the title with the
year (2026年部门…预算表), 编制部门：… 单位：元 (万元 for table 9), 项目 over the 类/款/项 code
columns and the name, the total's label in the code column, tables 1 and 4 two-sided, table 9
transposed under its “三公”经费预算数 banner, amounts in the table's unit as printed."""

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FUNCTIONAL = {"02": "收入预算", "03": "支出预算", "05": "一般公共预算支出"}
FUNCTIONAL |= {"06": "政府性基金预算支出", "07": "国有资本经营预算支出"}
SIDE_HEADS = {"01": ("本年收入", "本年支出"), "04": ("财政拨款收入", "财政拨款支出")}
COLUMNS = {
    "01": (["预算数"], ["预算数"]),
    "04": (["预算数"], ["合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]),
}
LABELS = {
    "02": ["合计", "财政拨款收入", "事业收入", "事业单位\n经营收入", "其他收入"],
    "08": ["合计", "人员经费", "公用经费"],
}


def number(value: str | None):
    if value is None:
        return None
    return int(value) if value.isdigit() else float(value)


def workbook(doc: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in doc["tables"]:
        ws = book.create_sheet(table["number"])
        put = _writer(ws)
        put([table["printed_title"]])
        put([f"编制部门：{doc['agency']} 单位：{table['unit']}"])
        n = table["number"]
        if n in SIDE_HEADS:
            _two_sided(put, table)
        elif n == "09":
            _transposed(put, table)
        else:
            _coded(put, table)
        for note in table["notes"]:
            put([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _writer(ws):
    state = {"row": 0}

    def put(cells: list) -> int:
        state["row"] += 1
        for col, value in enumerate(cells, 1):
            if value not in (None, ""):
                ws.cell(state["row"], col, value)
        return state["row"]

    def merge(row: int, first: int, last: int, rows: int = 1) -> None:
        if last > first or rows > 1:
            area = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row + rows - 1}"
            ws.merge_cells(area)

    put.merge = merge
    return put


def _two_sided(put, table: dict) -> None:
    income, spending = SIDE_HEADS[table["number"]]
    left, right = COLUMNS[table["number"]]
    first = put([income, *[""] * len(left), spending])
    put.merge(first, 1, 1 + len(left))
    put.merge(first, 2 + len(left), 2 + len(left) + len(right))
    put(["项目", *left, "项目", *right])
    lines: dict[int, dict] = {}
    for row in table["rows"]:
        lines.setdefault(row["line"], {})[row["side"]] = row
    for line in sorted(lines):
        cells = []
        for side, labels in (("收入", left), ("支出", right)):
            row = lines[line].get(side)
            if row is None:
                cells += [""] * (1 + len(labels))
                continue
            ordinal = row["ordinal"]
            mark = f"{ordinal}. " if ordinal.isdigit() else (f"{ordinal}、" if ordinal else "")
            cells += [mark + row["name"], *[number(row["cells"].get(x)) for x in labels]]
        put(cells)


def _coded(put, table: dict) -> None:
    n = table["number"]
    economic = n == "08"
    labels = LABELS.get(n, ["合计", "基本支出", "项目支出"])
    plain = [x.replace("\n", "") for x in labels]
    parts = 2 if economic else 3
    if economic:
        first = put(["项目", "", "", "一般公共预算基本支出"])
        put(["部门预算经济分类科目\n编码", "", "经济分类科目名称", *labels])
        put(["类", "款"])
    else:
        first = put(["项目", "", "", "", FUNCTIONAL[n]])
        put(["功能分类科目编码", "", "", "功能分类科目名称", *labels])
        put(["类", "款", "项"])
    # 项目 over the codes and the name; the group over the amounts; the code heading over its
    # 类/款/项; the name and each amount's label down to the 类/款/项 row.
    put.merge(first, 1, parts + 1)
    put.merge(first, parts + 2, parts + 1 + len(labels))
    put.merge(first + 1, 1, parts)
    for col in range(parts + 1, parts + 2 + len(labels)):
        put.merge(first + 1, col, col, rows=2)
    for row in table["rows"]:
        code = row["code"]
        if row["role"] == "total":
            codes = ["合计", *[""] * (parts - 1)]
        else:
            codes = [code[:3], code[3:5], code[5:7]][:parts]
        put(
            [
                *codes,
                row["name"] if row["role"] != "total" else "",
                *[number(row["cells"].get(x)) for x in plain],
            ]
        )


def _transposed(put, table: dict) -> None:
    first = put(["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算\n数"])
    put(["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""])
    put(["", "", "", "小计", "购置费", "运行费", ""])
    put.merge(first, 1, 6)
    put.merge(first, 7, 7, rows=3)
    for col in (1, 2, 3):
        put.merge(first + 1, col, col, rows=2)
    put.merge(first + 1, 4, 6)
    by_name = {r["name"]: r["cells"]["预算数"] for r in table["rows"]}
    order = ["合计", "因公出国（境）费", "公务接待费", "公务用车购置及运行维护费"]
    order += ["公务用车购置费", "公务用车运行维护费", "机关运行经费"]
    put([number(by_name[name]) for name in order])
