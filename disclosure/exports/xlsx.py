"""XLSX as our downloads write it: amounts as numbers, text as text, one grid per sheet.

- Amounts are number cells (Decimal, never float text) in 万元, rounded half up to two decimals
  as the documents print them, with the number format `#,##0.00`, and their header says
  （万元）; 元 columns are exact to the fen. Percentages are numbers shown as `0.00%`.
- Text is a string cell, never a formula: text a spreadsheet would run as a formula (starting
  with `= + - @`, tab or CR, see core.csv) is stored as is with Excel's quote prefix, the XLSX
  equivalent of the CSV's apostrophe, so it shows unchanged and stays text when edited.
- Workbooks are written by openpyxl in write-only mode (rows go to a temporary file, memory
  stays flat), then sent whole: an XLSX is a zip, it cannot be streamed as it is written.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from disclosure.core.csv import FORMULA_PREFIXES
from disclosure.core.money import FEN, wan_amount
from disclosure.formats.printed import AMOUNT, NUMBER, PERCENT, TEXT

# Kinds beyond the printed tables': a Decimal already in 万元 (as the CSV writes it), exact 元,
# integers (years, counts).
WAN, YUAN, INTEGER = "wan", "yuan", "integer"
WAN_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31  # Excel's limit
FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
BOLD = Font(bold=True)
MAX_WIDTH, MIN_WIDTH = 60, 8


@dataclass
class Grid:
    """A header and rows of typed values (`kinds` per column: printed.TEXT, AMOUNT …)."""

    header: list[str]
    kinds: list[str]
    rows: Iterable[list]
    title: str = ""  # a caption row above the header (a side or panel, and the unit)


@dataclass
class Sheet:
    name: str
    title: str = ""
    grids: list[Grid] = field(default_factory=list)
    notes: Iterable[str] = field(default_factory=list)
    widths: list[int] | None = None  # characters per column; else measured from the grids


def header_text(name: str, kind: str) -> str:
    if kind in (AMOUNT, WAN) and "万元" not in name:
        return f"{name}（万元）"
    if kind == YUAN and "元" not in name:
        return f"{name}（元）"
    return name


def _cell(ws, value, kind: str) -> WriteOnlyCell:
    if value is None or value == "":
        return WriteOnlyCell(ws, value=None)
    if kind == AMOUNT:
        cell = WriteOnlyCell(ws, value=wan_amount(value))
        cell.number_format = WAN_FORMAT
    elif kind in (WAN, YUAN):
        cell = WriteOnlyCell(ws, value=value.quantize(FEN))
        cell.number_format = WAN_FORMAT
    elif kind == PERCENT:
        cell = WriteOnlyCell(ws, value=value / 100)
        cell.number_format = PERCENT_FORMAT
    elif kind in (NUMBER, INTEGER):
        cell = WriteOnlyCell(ws, value=value)
    else:
        cell = text_cell(ws, str(value))
    return cell


def text_cell(ws, text: str, *, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=None)
    # Assigned past openpyxl's value binding, which reads "=…" as a formula.
    cell._value, cell.data_type = text, "s"
    if text.startswith((*FORMULA_PREFIXES, "'")):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def display_width(value) -> int:
    """Columns as wide as their text: a CJK character takes two."""
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}")
    text = str(value or "")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def measured_widths(grids: list[Grid]) -> list[int]:
    widths: list[int] = []
    for grid in grids:
        rows = grid.rows if isinstance(grid.rows, list) else []
        for row in [grid.header, *rows[:200]]:
            for i, value in enumerate(row):
                if i >= len(widths):
                    widths.append(MIN_WIDTH)
                widths[i] = max(widths[i], min(display_width(value) + 2, MAX_WIDTH))
    return widths


def sheet_name(name: str, taken: set[str]) -> str:
    base = name.translate(FORBIDDEN)[:SHEET_NAME_MAX] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"（{n}）"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def write_sheet(book: Workbook, sheet: Sheet, taken: set[str]) -> None:
    ws = book.create_sheet(sheet_name(sheet.name, taken))
    for i, width in enumerate(sheet.widths or measured_widths(sheet.grids), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if sheet.title:
        ws.append([text_cell(ws, sheet.title, font=BOLD)])
    for grid in sheet.grids:
        if grid.title:
            ws.append([text_cell(ws, grid.title)])
        header = [
            text_cell(ws, header_text(h, k), font=BOLD)
            for h, k in zip(grid.header, grid.kinds, strict=True)
        ]
        for cell, kind in zip(header, grid.kinds, strict=True):
            if kind != TEXT:
                cell.alignment = Alignment(horizontal="right")
        ws.append(header)
        for row in grid.rows:
            ws.append([_cell(ws, v, k) for v, k in zip(row, grid.kinds, strict=True)])
    for note in sheet.notes:
        ws.append([text_cell(ws, note)])


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        write_sheet(book, sheet, taken)
    if not taken:
        write_sheet(book, Sheet("空"), taken)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
