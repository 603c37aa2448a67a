"""Read a clerk's file into records: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX.

Files are streamed (a csv reader over a text wrapper; openpyxl in read-only mode), so memory
does not grow with the number of rows. The layout of an XLSX is recognised by its sheets: a
sheet whose first row carries the long layout's headers, or one sheet per public table.
"""

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from defusedxml import DefusedXmlException

from .archives import check_members
from .records import ImportFileError, Record, header_fields

# The longest cell a CSV may hold: csv's default limit (131,072 characters), far above any real
# name or explanation.
MAX_CSV_FIELD = 131_072

logger = logging.getLogger(__name__)
ENCODING_ERROR = "无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。"
SAMPLE = 1 << 16
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# An .xlsx is a zip of XML files: a small upload can unpack to gigabytes (a zip bomb) or define
# XML entities that expand exponentially (billion laughs, XXE). openpyxl parses through defusedxml
# when it is installed (pyproject.toml), which refuses entity definitions; the archive's sizes
# are checked here before openpyxl opens it. A real agency's workbook unpacks to a few MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed, for a member larger than RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
UNSAFE_XML = (
    "该 Excel 文件含有不安全的 XML 内容（实体定义或外部引用），已拒绝："
    "请在 Excel 中另存为新的 .xlsx 后再导入。"
)


def open_binary(file) -> BinaryIO:
    """A path, bytes or a binary file object, as a seekable binary stream."""
    if isinstance(file, (str, Path)):
        return open(file, "rb")  # noqa: SIM115 - the caller's `with` closes it
    if isinstance(file, (bytes, bytearray)):
        return io.BytesIO(file)
    return file


def sniff(stream: BinaryIO) -> str:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise ImportFileError("不支持旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后再导入。")
    return "csv"


def detect_encoding(sample: bytes) -> str:
    """BOM → utf-8-sig; else strict UTF-8; else strict GB18030; else a Chinese error.

    The sample may end inside a character, so it is decoded incrementally (final=False).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        raise ImportFileError(ENCODING_ERROR)
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)(errors="strict").decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(ENCODING_ERROR)


def csv_records(stream: BinaryIO) -> Iterator[Record]:
    encoding = detect_encoding(stream.read(SAMPLE))
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("文件是空的。")
        fields = header_fields(header)
        width, every_column_named = len(fields), all(fields)
        for cells in reader:
            joined = "".join(cells)
            # csv's own limit is process-wide and other libraries raise it (frictionless sets
            # it to the maximum when imported): the import keeps its own. No cell is longer
            # than the row joined, so the cells are looked at only for a long row (looking at
            # each cell of each row cost 8 % of a large import).
            if len(joined) > MAX_CSV_FIELD and any(len(cell) > MAX_CSV_FIELD for cell in cells):
                raise ImportFileError(_too_long(reader.line_num - 1))
            if "\x00" in joined:  # Python's csv passes NUL through since 3.11
                raise ImportFileError(f"第 {reader.line_num} 行含有空字符（NUL），{ENCODING_ERROR}")
            if not joined.strip():
                continue
            if len(cells) > width and "".join(cells[width:]).strip():
                raise ImportFileError(f"第 {reader.line_num} 行的列数多于表头。")
            if every_column_named:
                values = dict(zip(fields, cells, strict=False))
            else:
                values = {f: c for f, c in zip(fields, cells, strict=False) if f}
            yield Record(row=reader.line_num, values=values)
    except UnicodeDecodeError:
        raise ImportFileError(f"第 {reader.line_num + 1} 行附近{ENCODING_ERROR}") from None
    except csv.Error as exc:
        raise ImportFileError(_csv_error(reader.line_num, exc)) from None
    finally:
        text.detach()


def _too_long(line: int) -> str:
    return (
        f"第 {line + 1} 行附近有单元格过长（超过 {MAX_CSV_FIELD:,} 个字符）："
        "请检查文件是否按导入模板填写。"
    )


def _csv_error(line: int, exc: csv.Error) -> str:
    """csv's own messages are English; the ones a file can cause, in Chinese."""
    text = str(exc)
    if "field larger than field limit" in text:
        return _too_long(line)
    if "NUL" in text:
        return f"第 {line + 1} 行附近含有空字符（NUL），{ENCODING_ERROR}"
    return (
        f"第 {line + 1} 行附近不是有效的 CSV（引号或分隔符不成对）："
        "请用 Excel 另存为 CSV 后再导入。"
    )


def check_archive(stream: BinaryIO, *, what: str = "该 Excel 文件") -> None:
    """Refuse a zip whose members would unpack too large, before anything unpacks them."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_sizes(members, what)
            check_members(archive)  # macros, paths, DTDs (archives.py)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"无法打开{what}：请确认没有损坏。") from exc
    finally:
        stream.seek(0)


def _check_sizes(members: list[zipfile.ZipInfo], what: str) -> None:
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"{what}解压后有 {unpacked // 2**20} MB，超过上限 {MAX_UNPACKED_BYTES // 2**20} MB，"
            "已拒绝（可能是压缩炸弹）：请拆分后再导入。"
        )
    for m in members:
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ImportFileError(
                f"{what}中的“{m.filename}”压缩比异常（{m.compress_size} 字节解压为 "
                f"{m.file_size} 字节），已拒绝（可能是压缩炸弹）。"
            )


def xlsx_records(stream: BinaryIO, kind: str = "final") -> Iterator[Record]:
    check_archive(stream)
    try:
        yield from _xlsx_records(stream, kind)
    except ImportFileError:
        raise
    except DefusedXmlException as exc:
        raise ImportFileError(UNSAFE_XML) from exc
    except Exception as exc:
        # openpyxl reads the sheets lazily: damaged XML or a member that is not what it says
        # (ParseError, BadZipFile "Bad CRC-32", zlib.error, KeyError …) surfaces mid-file.
        if _refused_xml(exc):
            raise ImportFileError(UNSAFE_XML) from exc
        logger.info("unreadable workbook: %r", exc)
        raise ImportFileError(
            "无法打开该 Excel 文件：其中的内容已损坏，请在 Excel 中另存后再导入。"
        ) from exc


def _refused_xml(exc: BaseException | None) -> bool:
    """defusedxml's refusal, which openpyxl wraps in a ValueError of its own."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _xlsx_records(stream: BinaryIO, kind: str = "final") -> Iterator[Record]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if _refused_xml(exc):
            raise ImportFileError(UNSAFE_XML) from exc
        raise ImportFileError("无法打开该 Excel 文件：请确认是 .xlsx 格式且没有损坏。") from exc
    try:
        long_sheets = [ws for ws in book.worksheets if _is_long(ws)]
        for ws in long_sheets:
            yield from _long_sheet(ws)
    finally:
        book.close()
    if not long_sheets:
        # One sheet per public table: small, read whole so that merged header cells are known.
        from .sheets import table_sheet_records

        stream.seek(0)
        book = load_workbook(stream, data_only=True)
        try:
            yield from table_sheet_records(book, kind)
        finally:
            book.close()


def _first_row(ws) -> list:
    for row in ws.iter_rows(min_row=1, max_row=1, values_only=True):
        return list(row)
    return []


def _is_long(ws) -> bool:
    try:
        header_fields(_first_row(ws))
    except ImportFileError:
        return False
    return True


def _long_sheet(ws) -> Iterator[Record]:
    rows = ws.iter_rows(values_only=True)
    fields = header_fields(list(next(rows)))
    sheet = ws.title if len(ws.parent.worksheets) > 1 else ""
    for number, cells in enumerate(rows, 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values = {f: c for f, c in zip(fields, cells, strict=False) if f}
        yield Record(row=number, values=values, sheet=sheet)


def read_records(file, kind: str = "final") -> Iterator[Record]:
    """Every record of the file, streamed; ImportFileError when the file cannot be read.
    `kind`: the document its printed tables are read as (决算 "final" or 预算 "budget")."""
    stream = open_binary(file)
    try:
        if sniff(stream) == "xlsx":
            yield from xlsx_records(stream, kind)
        else:
            yield from csv_records(stream)
    finally:
        if stream is not file:
            stream.close()
