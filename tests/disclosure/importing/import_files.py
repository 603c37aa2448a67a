"""Files as clerks have them, built by code for the import tests (never checked in)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

AGENCY_LINE = "部门：{agency}    {year}年度    单位：万元"


def long_csv(rows: list[list[str]], *, header: list[str], encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def long_xlsx(rows: list[list[str]], *, header: list[str], numbers: bool = True) -> bytes:
    """The long layout in one sheet; amounts and codes as numbers, as Excel would store them."""
    book = Workbook()
    ws = book.active
    ws.title = "导入数据"
    ws.append(header)
    for row in rows:
        ws.append([_number(v, header[i]) if numbers else v for i, v in enumerate(row)])
    return _save(book)


def _number(value: str, header: str):
    if value and header.startswith(("金额", "科目编码")):
        return int(value) if value.isdigit() else float(value)
    return value


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TableSheet:
    """One public table laid out as the document prints it."""

    def __init__(self, book, table: dict, agency: str, year: int):
        self.ws = book.create_sheet(f"公开{table['number']}表")
        self.table = table
        self.append([table["title"]])
        self.append([f"公开{table['number']}表"])
        self.append([AGENCY_LINE.format(agency=agency, year=year)])

    def append(self, cells: list) -> int:
        """Append a row; returns its number (merged cells make ws.append skip rows)."""
        number = self.ws.max_row + 1
        for col, value in enumerate(cells, 1):
            if value not in (None, ""):
                self.ws.cell(number, col, value)
        if not any(v not in (None, "") for v in cells):
            self.ws.cell(number, 1, None)
        self._last = number
        return number

    def merge(self, row: int, first: int, last: int, rows: int = 1) -> None:
        if last > first or rows > 1:
            self.ws.merge_cells(
                f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row + rows - 1}"
            )

    def finish(self, width: int) -> None:
        self.merge(1, 1, width)
        for note in self.table.get("notes", []):
            self.append([note])


def _name(row: dict) -> str:
    return f"{row['ordinal']}、{row['name']}" if row.get("ordinal") else row["name"]


def _amount(value: str | None):
    return float(value) if value else None


def putuo_workbook(source: dict, *, agency: str) -> bytes:
    """The nine Putuo tables from fixtures/source/putuo-2024/disclosure.json, one per sheet."""
    book = Workbook()
    book.remove(book.active)
    for table in source["tables"]:
        sheet = TableSheet(book, table, agency, source["year"])
        if table.get("side_columns"):
            _two_sided(sheet, table)
        elif table["number"] == "06":
            _panels(sheet, table)
        elif table["number"] == "07":
            _transposed(sheet, table)
        else:
            _functional(sheet, table, split=table["number"] in ("05", "08", "09"))
    return _save(book)


def _two_sided(sheet: TableSheet, table: dict) -> None:
    sides = table["side_columns"]
    top, second = [], []
    for side, columns in sides.items():
        top += [side] + [""] * len(columns)
        second += ["项目", *columns]
    first = sheet.append(top)
    col = 1
    for columns in sides.values():
        sheet.merge(first, col, col + len(columns))
        col += len(columns) + 1
    sheet.append(second)
    lines = max(r["line"] for r in table["rows"])
    by_line = {(r["side"], r["line"]): r for r in table["rows"]}
    for line in range(1, lines + 1):
        cells = []
        for side, columns in sides.items():
            row = by_line.get((side, line))
            cells += [_name(row) if row else ""]
            cells += [_amount(row["cells"].get(c)) if row else None for c in columns]
        sheet.append(cells)
    sheet.finish(len(top))


def _functional(sheet: TableSheet, table: dict, *, split: bool) -> None:
    """Codes split into 类/款/项 columns (208 | 05 | 01), or one code column (2080501)."""
    columns = table["columns"]
    groups = {c: g["title"] for g in table.get("column_groups", []) for c in g["columns"]}
    code_width = 3 if split else 1
    top = ["功能分类科目编码"] + [""] * (code_width - 1) + ["科目名称"]
    second = (["类", "款", "项"] if split else [""]) + [""]
    for c in columns:
        top.append(groups.get(c, c))
        second.append(c if c in groups else "")
    first = sheet.append(top)
    sheet.append(second)
    sheet.merge(first, 1, code_width, rows=1 if split else 2)
    sheet.merge(first, code_width + 1, code_width + 1, rows=2)
    for i, c in enumerate(columns, code_width + 2):
        if c not in groups:
            sheet.merge(first, i, i, rows=2)
    for group in table.get("column_groups", []):
        start = code_width + 2 + columns.index(group["columns"][0])
        sheet.merge(first, start, start + len(group["columns"]) - 1)
    for row in table["rows"]:
        code = row["code"]
        parts = [code[:3], code[3:5], code[5:7]] if split else [code]
        sheet.append([*parts, row["name"], *[_amount(row["cells"].get(c)) for c in columns]])
    for _ in range(table.get("blank_rows_printed", 0)):
        sheet.append([None] * len(top))
    sheet.finish(len(top))


def _panels(sheet: TableSheet, table: dict) -> None:
    """人员经费 on the left, 公用经费 on the right, each with code, name and amount."""
    panels = ["人员经费", "公用经费"]
    first = sheet.append([panels[0], "", "", panels[1], "", ""])
    sheet.merge(first, 1, 3)
    sheet.merge(first, 4, 6)
    sheet.append(["经济分类科目编码", "科目名称", "决算数"] * 2)
    by_line = {(r["panel"], r["line"]): r for r in table["rows"]}
    for line in range(1, max(r["line"] for r in table["rows"]) + 1):
        cells = []
        for panel in panels:
            row = by_line.get((panel, line))
            cells += (
                [row["code"] or None, row["name"], _amount(row["cells"].get("决算数"))]
                if row
                else [None, None, None]
            )
        sheet.append(cells)
    sheet.finish(6)


def _transposed(sheet: TableSheet, table: dict) -> None:
    """Items across the page (合计, 出国, 用车 [小计, 购置, 运行], 接待), one row of figures."""
    measures = table["columns"]
    top, second, values = [], [], []
    for row in table["rows"]:
        group = row.get("parent") or row["name"]
        sub = row["name"] if row.get("parent") else row.get("printed_subheading", "")
        top += [group] * len(measures)
        second += [sub] * len(measures)
        values += [_amount(row["cells"].get(c)) for c in measures]
    first = sheet.append(top)
    sheet.append(second)
    col = 1
    while col <= len(top):
        end = col
        while end < len(top) and top[end] == top[col - 1]:
            end += 1
        if not second[col - 1]:
            sheet.merge(first, col, end, rows=2)  # an item without sub-items
        else:
            sheet.merge(first, col, end)
            for sub_start in range(col, end + 1, len(measures)):
                sheet.merge(first + 1, sub_start, sub_start + len(measures) - 1)
        col = end + 1
    sheet.append(measures * len(table["rows"]))
    sheet.append(values)
    sheet.finish(len(top))
