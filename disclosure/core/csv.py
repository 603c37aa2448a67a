"""CSV as our exports write it: UTF-8 with BOM, CRLF, formula-like text neutralised.

Every CSV the product serves (figures, findings) goes through here, so the conventions the README
documents hold for all of them.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from django.http import StreamingHttpResponse

# Excel and LibreOffice run a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# Each is one character: a set lookup of the first one is the export's cheapest test (it runs
# for every text cell of a national export).
_NEUTRALISED_FIRST = frozenset("".join(FORMULA_PREFIXES) + "'")


def neutralise(text: str) -> str:
    """Prefix a text cell that a spreadsheet would evaluate with an apostrophe.

    Text that already starts with one gets another, so that an import strips exactly one and
    every exported text re-imports unchanged.
    """
    if text and text[0] in _NEUTRALISED_FIRST:
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """UTF-8 with BOM (so Excel on Chinese Windows reads it), CRLF line ends, header first."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


ROWS_PER_CHUNK = 500


def csv_chunks(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The text of csv_lines, ROWS_PER_CHUNK rows per piece: a streamed response writes each
    piece to the socket, and one write per row cost a fifth of a large export's time."""
    head = "\ufeff" + csv.writer(_Echo()).writerow(header)
    chunks = row_chunks(rows)
    yield head + next(chunks, "")  # no rows: the header alone
    yield from chunks


def row_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as csv.writer writes them, ROWS_PER_CHUNK rows per piece, without a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows = iter(rows)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the same cells written by PostgreSQL ---------------------------------------------------------
# A national export's rows are joined as text by the database (exports.rows, figure_csv): these
# SQL expressions write a cell exactly as neutralise and csv.writer (QUOTE_MINIMAL, CRLF) do, so
# both paths give the same bytes (tests/disclosure/exports/test_sql_csv.py compares them).

# csv.writer quotes a field holding its delimiter, its quote or a character of its line end.
_QUOTED = '[",\r\n]'
# A character neutralise() puts an apostrophe before, at the start ("-" last in the brackets).
_NEUTRALISED = "^[" + "".join(sorted(_NEUTRALISED_FIRST - {"-"})) + "-]"


def _sql_pattern(pattern: str) -> str:
    """A regular expression as an SQL E'' literal (for a statement run with parameters)."""
    for plain, escaped in (("\\", "\\\\"), ("'", "\\'"), ("\t", "\\t"), ("\r", "\\r")):
        pattern = pattern.replace(plain, escaped)
    return "E'" + pattern.replace("\n", "\\n").replace("%", "%%") + "'"


def sql_quoted(expression: str) -> str:
    """The SQL text of a cell as csv.writer writes it: in quotes, with quotes doubled, when it
    holds a comma, a quote or a line break. `expression` is SQL of type text, never NULL."""
    return (
        f"CASE WHEN ({expression}) ~ {_sql_pattern(_QUOTED)} "
        f"""THEN '"' || replace({expression}, '"', '""') || '"' ELSE ({expression}) END"""
    )


def sql_neutralised(expression: str) -> str:
    """neutralise() in SQL: an apostrophe before text a spreadsheet would evaluate."""
    return (
        f"CASE WHEN ({expression}) ~ {_sql_pattern(_NEUTRALISED)} "
        f"THEN '''' || ({expression}) ELSE ({expression}) END"
    )


def sql_text_cell(expression: str) -> str:
    """A text cell of an export: neutralised, then quoted as csv.writer quotes it. Most text
    needs neither: one regular expression tells, for each cell of a national export."""
    either = _sql_pattern(f"{_NEUTRALISED}|{_QUOTED}")
    return (
        f"CASE WHEN ({expression}) !~ {either} THEN ({expression}) "
        f"ELSE {sql_quoted(sql_neutralised(expression))} END"
    )


def csv_fields(values: Iterable[str]) -> str:
    """Cells as csv.writer writes them, joined by commas, without the line end: the parts of a
    row that Python computes once (a disclosure's name and document) for SQL to repeat."""
    values = list(values)
    if len(values) == 1 and values[0] == "":
        return ""  # csv.writer writes a row of one empty cell as "" (a field, not a blank line)
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue().removesuffix("\r\n")


def sql_literal(text: str) -> str:
    """A constant of the code (a label) as an SQL string literal, for a statement executed with
    parameters (so a % is doubled)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"
