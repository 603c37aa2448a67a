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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    rows = iter(rows)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no rows: the header alone
        yield buffer.getvalue()


def csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
