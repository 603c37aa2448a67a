"""A corpus document's tables as an XLSX laid out as the document prints them, built from its
transcription (fixtures/corpus/*.json); and the transcription's figures, keyed as stored rows are.

The layout follows the printed page, not our template: the page heading instead of a 部门：
line, 项目 spanning the code and name columns over 功能分类\\n科目编码 / 科目名称, the total's label
in the code column, 06's two panels without 人员经费/公用经费 labels, 07 transposed under its
banner, line breaks inside header cells as the PDF has them. A table's `printed` layout adds what
one document prints differently: codes under 类/款/项 (or 类/款) columns, 决算数 under every
column, the total on the 类/款/项 header row, 收入决算数/支出决算数 over the two sides.
"""

import io
import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "fixtures" / "corpus"
WRAPPED = {  # header cells as the PDF breaks them
    "附属单位上缴收入": "附属单位\n上缴收入",
    "对附属单位补助支出": "对附属单位补\n助支出",
    "一般公共预算财政拨款": "一般公共\n预算财政\n拨款",
    "政府性基金预算财政拨款": "政府性基\n金预算财\n政拨款",
    "国有资本经营预算财政拨款": "国有资本\n经营预算\n财政拨款",
    "年初结转和结余": "年初结转和\n结余",
    "年末结转和结余": "年末结转和\n结余",
}


def document(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))


class Page:
    """One sheet: the page heading, the title, the unit, then the table."""

    def __init__(self, book, doc: dict, table: dict):
        self.ws = book.create_sheet(table["title"][:31])
        self.row = 0
        self.put([f"{doc['agency']} {doc['year']} 年度部门决算表"])
        self.put([table["title"]])
        self.put(["单位：万元"])

    def put(self, cells: list) -> int:
        self.row += 1
        for col, value in enumerate(cells, 1):
            if value not in (None, ""):
                self.ws.cell(self.row, col, value)
        return self.row

    def merge(self, row: int, first: int, last: int, rows: int = 1) -> None:
        if last > first or rows > 1:
            area = f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row + rows - 1}"
            self.ws.merge_cells(area)


def amount(value: str | None):
    return float(value) if value is not None else None


def workbook(doc: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in doc["tables"]:
        page = Page(book, doc, table)
        if table.get("side_columns"):
            _two_sided(page, table)
        elif table["number"] == "06" and table.get("printed", {}).get("code_parts"):
            _split_panels(page, table, doc["layout"]["basic_header"])
        elif table["number"] == "06":
            _panels(page, table, doc["layout"]["basic_header"])
        elif table.get("printed", {}).get("code_parts"):
            _coded_parts(page, table)
        elif table["number"] == "07":
            _transposed(page, table)
        else:
            _coded(page, table)
        for note in [*table.get("notes", []), table.get("empty_note")]:
            if note:
                page.put([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _two_sided(page: Page, table: dict) -> None:
    sides = table["side_columns"]
    heads = table.get("printed", {}).get("side_heads", list(sides))
    top, second = [], []
    for head, columns in zip(heads, sides.values(), strict=True):
        top += [head] + [None] * len(columns)
        second += ["项目", *(WRAPPED.get(c, c) for c in columns)]
    first = page.put(top)
    col = 1
    for columns in sides.values():
        page.merge(first, col, col + len(columns))
        col += len(columns) + 1
    page.put(second)
    by_line = {(r["side"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        cells = []
        for side, columns in sides.items():
            r = by_line.get((side, line))
            name = r and (f"{r['ordinal']}、{r['name']}" if r.get("ordinal") else r["name"])
            cells += [name, *(amount(r["cells"].get(c)) if r else None for c in columns)]
        page.put(cells)


def _coded(page: Page, table: dict) -> None:
    columns = table["columns"]
    groups = {c: g["title"] for g in table.get("column_groups", []) for c in g["columns"]}
    top = ["项目", None] + [groups.get(c, WRAPPED.get(c, c)) for c in columns]
    first = page.put(top)
    under = [c if c in groups else None for c in columns]
    second = page.put(["功能分类\n科目编码", "科目名称", *under])
    page.merge(first, 1, 2)
    for i, c in enumerate(columns, 3):
        if c not in groups:
            page.merge(first, i, i, rows=2)
    for group in table.get("column_groups", []):
        start = 3 + columns.index(group["columns"][0])
        page.merge(first, start, start + len(group["columns"]) - 1)
    assert second == first + 1
    for r in table["rows"]:
        label = r["code"] or r["name"]  # the total's label stands in the code column
        figures = [amount(r["cells"].get(c)) for c in columns]
        page.put([label, r["name"] if r["code"] else None, *figures])


def _coded_parts(page: Page, table: dict) -> None:
    """项目 over 功能分类科目编码 (类 | 款 | 项, the code printed under 类) and 科目名称; 决算数
    under every column when printed so; the total on the 类/款/项 row, or last."""
    printed, columns = table["printed"], table["columns"]
    group = printed.get("column_heading")  # one heading over the columns (…支出决算数)
    first = page.put(["项 目", None, None, None, *([group] if group else columns)])
    page.merge(first, 1, 4)
    second = page.put(["功能分类\n科目编码", None, None, "科目名称", *(columns if group else [])])
    page.merge(second, 1, 3)
    if group:
        page.merge(first, 5, 4 + len(columns))
    else:
        for i, _c in enumerate(columns, 5):
            page.merge(first, i, i, rows=2)
    if printed.get("measure_row"):
        page.put([None] * 4 + [printed["measure_row"]] * len(columns))
    rows = table["rows"]
    total = next((r for r in rows if r.get("role") == "total"), None)
    if printed.get("total_on_parts_row"):
        page.put(["类", "款", "项", "合计", *(amount(total["cells"].get(c)) for c in columns)])
        rows = [r for r in rows if r is not total]
    else:
        page.put(["类", "款", "项"])
    for r in rows:
        figures = [amount(r["cells"].get(c)) for c in columns]
        page.put([r["code"] or r["name"], None, None, r["name"] if r["code"] else None, *figures])


def _split_panels(page: Page, table: dict, header: list[str]) -> None:
    """06 with each panel's code under 类 | 款 (301 | 01): 经济分类科目编码 over the two, 科目名称
    and 决算数 spanning both header rows; the totals' labels across the code and name columns."""
    first = page.put(header)
    second = page.put(["类", "款", None, None] * 2)
    for start in (1, 5):
        page.merge(first, start, start + 1)
        page.merge(first, start + 2, start + 2, rows=2)
        page.merge(first, start + 3, start + 3, rows=2)
    assert second == first + 1
    by_line = {(r["panel"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        cells, merges = [], []
        for start, panel in ((1, "人员经费"), (5, "公用经费")):
            r = by_line.get((panel, line))
            if r is None:
                cells += [None] * 4
            elif r.get("role") == "total":
                cells += [r["name"], None, None, amount(r["cells"].get("决算数"))]
                merges.append(start)
            else:
                code = r["code"]
                cells += [code[:3], code[3:] or None, r["name"], amount(r["cells"].get("决算数"))]
        row = page.put(cells)
        for start in merges:
            page.merge(row, start, start + 2)


def _panels(page: Page, table: dict, header: list[str]) -> None:
    """人员经费 left, 公用经费 right, unlabelled: code, name, amount each."""
    page.put(header)
    by_line = {(r["panel"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        cells = []
        for panel in ("人员经费", "公用经费"):
            r = by_line.get((panel, line))
            if r is None:
                cells += [None] * 3
            elif r.get("role") == "total":
                cells += [r["name"], None, amount(r["cells"].get("决算数"))]
            else:
                cells += [r["code"], r["name"], amount(r["cells"].get("决算数"))]
        page.put(cells)


def _transposed(page: Page, table: dict) -> None:
    """Under the banner: each item two columns (预算数, 决算数); the vehicle group's 小计 and
    its two items on a second header row; one row of figures."""
    measures = table["columns"]
    banner = page.put(["财政拨款“三公”经费"])
    page.merge(banner, 1, 2 * len(table["rows"]))
    top, second, values = [], [], []
    for r in table["rows"]:
        group = r.get("parent") or r["name"]
        sub = r["name"] if r.get("parent") else r.get("printed_subheading")
        top += [group, None]
        second += [sub, None]
        values += [amount(r["cells"].get(m)) for m in measures]
    # A group's name is printed once, over its first column (the cells are merged below).
    heads = [t if i % 2 == 0 and (i == 0 or top[i - 2] != t) else None for i, t in enumerate(top)]
    first = page.put(heads)
    page.put(second)
    col = 1
    while col <= len(top):
        end = col + 1
        while end < len(top) and top[end] == top[col - 1]:
            end += 2
        if second[col - 1] is None:
            page.merge(first, col, end, rows=2)
        else:
            page.merge(first, col, end)
            for sub in range(col, end + 1, 2):
                page.merge(first + 1, sub, sub + 1)
        col = end + 1
    page.put(measures * len(table["rows"]))
    page.put(values)


def printed_figures(doc: dict) -> dict:
    """{(table, row key, column): 万元 text} for every figure the transcription has."""
    found = {}
    for table in doc["tables"]:
        for r in table["rows"]:
            key = r["code"] or "/".join(
                p for p in (r.get("side") or r.get("panel"), r.get("parent"), r["name"]) if p
            )
            for label, value in r["cells"].items():
                found[(table["number"], key, label)] = value
    return found
