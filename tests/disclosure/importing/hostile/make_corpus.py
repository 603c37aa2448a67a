"""A corpus of hostile and broken import files, built by code (issue 15, item 6).

    python tests/disclosure/importing/hostile/make_corpus.py OUTDIR   # writes the files

Each case is a file a clerk or an attacker could upload, with a fragment of the Chinese
message it must be refused with. test_corpus.py builds them into a temporary folder and
feeds every one to both import paths (the admin's upload and `import_disclosures`). Nothing
here is checked in as a binary: the files are a few bytes to a few MB, made in well under a
second each.
"""

import codecs
import csv
import io
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

AGENCY, YEAR = "溧阳市信访局", "2014"
HEADER = [
    "单位",
    "年度",
    "报表",
    "科目编码",
    "项目",
    "上级项目",
    "栏目",
    "金额（万元）",
    "金额（元）",
]
GOOD = [AGENCY, YEAR, "收入决算", "", "财政拨款收入", "", "决算数", "195.82", ""]

ENCODING = "无法识别文件编码"
UNSAFE = "不安全的 XML 内容"
UNREADABLE = "无法打开该 Excel 文件"
BOMB = "可能是压缩炸弹"
MACRO = "含有宏"
TRAVERSAL = "可疑的路径"
EMPTY = "文件是空的"
NO_ROWS = "文件中没有数据行"
HEADERS = "的列"
XLS = "不支持旧版 Excel"
AMOUNT = "金额"
TOO_WIDE = "列数多于表头"
FIELD = "单元格过长"


@dataclass(frozen=True)
class Case:
    name: str  # the file's name, its extension as uploaded
    build: Callable[[], bytes]
    expect: str  # a fragment of the refusal


def text_csv(rows, encoding="utf-8-sig", header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(**changes) -> list[str]:
    values = dict(zip(HEADER, GOOD, strict=True)) | changes
    return [values[h] for h in HEADER]


def xlsx(rows=(GOOD,), header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, edit=None, add=(), drop=(), rename=None) -> bytes:
    """The archive with members edited (name → bytes → bytes), added, dropped or renamed."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            body = source.read(info)
            if edit and info.filename in edit:
                body = edit[info.filename](body)
            name = (rename or {}).get(info.filename, info.filename)
            target.writestr(name, body)
        for name, body in add:
            target.writestr(name, body)
    return out.getvalue()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PARAM = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">'
QUADRATIC = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "' + "a" * 10000 + '">]>'


def with_doctype(doctype: str, entity: str | None):
    def edit(body: bytes) -> bytes:
        text = body.decode()
        text = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
        if entity and "<t>" in text:
            text = text.replace("<t>", f"<t>&{entity};", 1)
        elif entity:
            text = text.replace(">", f">&{entity};", 1)
        return (doctype + text).encode()

    return edit


def xml_attack(member: str, doctype: str, entity: str | None) -> Callable[[], bytes]:
    return lambda: rezip(xlsx(), edit={member: with_doctype(doctype, entity)})


def zero_member(size: int) -> Callable[[], bytes]:
    """A workbook plus `size` zero bytes, which deflate about 1000 : 1."""
    return lambda: rezip(xlsx(), add=[("xl/media/zeros.bin", b"\0" * size)])


def declared_size(size: int) -> bytes:
    """A small workbook whose central directory claims a member of `size` bytes."""
    data = bytearray(xlsx())
    at = data.rfind(b"PK\x01\x02")  # the last member's central directory entry
    data[at + 24 : at + 28] = struct.pack("<I", size)
    return bytes(data)


def lying_member() -> bytes:
    """The sheet says it unpacks to 100 bytes; it unpacks to more (zipfile stops there)."""
    data = bytearray(xlsx())
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while data[at + name_at : at + name_at + len(name)] != name:
            at = data.find(signature, at + 4)
        data[at + offset : at + offset + 4] = struct.pack("<I", 100)
    return bytes(data)


def macro_workbook() -> bytes:
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

    def types(body: bytes) -> bytes:
        plain = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        return body.replace(plain, macro.encode())

    return rezip(
        xlsx(),
        edit={"[Content_Types].xml": types},
        add=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")],
    )


def ole(payload: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + payload


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def _utf16(bom: bytes, codec: str) -> Callable[[], bytes]:
    return lambda: bom + text_csv([GOOD], encoding="utf-8").decode("utf-8-sig").encode(codec)


def many_rows(count: int) -> list[list[str]]:
    return [row(项目=f"收入{i}") for i in range(count)]


def late_bad_bytes() -> bytes:
    """Clean UTF-8 for 100 KB, then a byte no encoding we accept has."""
    body = text_csv(many_rows(1200), encoding="utf-8")
    return body + b"\xff\xfe\xfd," + ",".join(GOOD[1:]).encode() + b"\r\n"


CASES = [
    # --- encodings ------------------------------------------------------------------------------
    Case("utf16-le.csv", _utf16(codecs.BOM_UTF16_LE, "utf-16-le"), ENCODING),
    Case("utf16-be.csv", _utf16(codecs.BOM_UTF16_BE, "utf-16-be"), ENCODING),
    Case("utf16-no-bom.csv", lambda: text_csv([GOOD], encoding="utf-16-le"), ENCODING),
    Case("utf32.csv", lambda: text_csv([GOOD], encoding="utf-32"), ENCODING),
    Case("latin1-bytes.csv", lambda: b"\x80\x80\x80\x80,\xff\xfe\r\n" * 5, ENCODING),
    Case("bad-bytes-after-64k.csv", late_bad_bytes, ENCODING),
    Case("bom-then-gbk.csv", lambda: codecs.BOM_UTF8 + text_csv([GOOD], encoding="gbk"), ENCODING),
    Case("png-named.csv", lambda: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64, ENCODING),
    Case("nul-in-first-line.csv", lambda: b"\xe5\x8d\x95\0\xe4\xbd\x8d,x\r\n", ENCODING),
    Case("nul-after-64k.csv", lambda: text_csv(many_rows(1200)) + b"a\0b,c\r\n", ENCODING),
    # --- truncated and damaged ------------------------------------------------------------------
    Case("truncated-half.xlsx", lambda: (b := xlsx())[: len(b) // 2], UNREADABLE),
    Case("truncated-100-bytes.xlsx", lambda: xlsx()[:100], UNREADABLE),
    Case("zip-magic-only.xlsx", lambda: b"PK\x03\x04", UNREADABLE),
    Case("no-workbook-member.xlsx", lambda: rezip(xlsx(), drop={"xl/workbook.xml"}), UNREADABLE),
    Case("no-content-types.xlsx", lambda: rezip(xlsx(), drop={"[Content_Types].xml"}), UNREADABLE),
    Case("zip-of-text.xlsx", lambda: zip_of({"readme.txt": "你好".encode()}), UNREADABLE),
    Case("docx-named.xlsx", lambda: zip_of({"word/document.xml": b"<w:document/>"}), UNREADABLE),
    Case(
        "garbled-sheet-xml.xlsx",
        lambda: rezip(xlsx(), edit={"xl/worksheets/sheet1.xml": lambda b: b[: len(b) // 2]}),
        UNREADABLE,
    ),
    Case("empty-zip.xlsx", lambda: zip_of({}), UNREADABLE),
    # --- bombs ----------------------------------------------------------------------------------
    Case("declares-3-gib.xlsx", lambda: declared_size(3 * 2**30), BOMB),
    Case("declares-300-mb.xlsx", lambda: declared_size(300 * 2**20), BOMB),
    Case("ratio-bomb.xlsx", zero_member(12 * 2**20), BOMB),
    Case("lying-member.xlsx", lying_member, UNREADABLE),
    # --- XML: entities, external references -----------------------------------------------------
    Case("laughs-sheet.xlsx", xml_attack("xl/worksheets/sheet1.xml", LAUGHS, "lol3"), UNSAFE),
    Case("laughs-workbook.xlsx", xml_attack("xl/workbook.xml", LAUGHS, None), UNSAFE),
    Case("laughs-content-types.xlsx", xml_attack("[Content_Types].xml", LAUGHS, None), UNSAFE),
    Case("laughs-styles.xlsx", xml_attack("xl/styles.xml", LAUGHS, None), UNSAFE),
    Case("xxe-sheet.xlsx", xml_attack("xl/worksheets/sheet1.xml", XXE, "xxe"), UNSAFE),
    Case("xxe-workbook.xlsx", xml_attack("xl/workbook.xml", XXE, None), UNSAFE),
    Case("xxe-rels.xlsx", xml_attack("xl/_rels/workbook.xml.rels", XXE, None), UNSAFE),
    Case("parameter-entity.xlsx", xml_attack("xl/worksheets/sheet1.xml", PARAM, None), UNSAFE),
    Case("external-dtd.xlsx", xml_attack("xl/worksheets/sheet1.xml", EXTERNAL_DTD, None), UNSAFE),
    Case("quadratic.xlsx", xml_attack("xl/worksheets/sheet1.xml", QUADRATIC, "a"), UNSAFE),
    # --- macros and other Office files ----------------------------------------------------------
    Case("macro.xlsm", macro_workbook, MACRO),
    Case("macro-renamed.xlsx", macro_workbook, MACRO),
    Case("vba-member-only.xlsx", lambda: rezip(xlsx(), add=[("xl/vbaProject.bin", b"x")]), MACRO),
    Case("old-binary.xls", ole, XLS),
    Case("old-binary-named.xlsx", ole, XLS),
    Case("old-binary-named.csv", lambda: ole(b"=cmd|' /C calc'!A0"), XLS),
    # --- traversal names ------------------------------------------------------------------------
    Case("dotdot-member.xlsx", lambda: rezip(xlsx(), add=[("../../evil.xml", b"<x/>")]), TRAVERSAL),
    Case(
        "absolute-member.xlsx", lambda: rezip(xlsx(), add=[("/etc/evil.xml", b"<x/>")]), TRAVERSAL
    ),
    Case(
        "backslash-member.xlsx",
        lambda: rezip(xlsx(), add=[("..\\..\\evil.xml", b"<x/>")]),
        TRAVERSAL,
    ),
    # --- huge rows and fields -------------------------------------------------------------------
    Case("field-over-128k.csv", lambda: text_csv([row(项目="款" * 140000)]), FIELD),
    Case("one-5mb-line.csv", lambda: text_csv([]) + b"a" * (5 * 2**20), FIELD),
    Case("ten-thousand-columns.csv", lambda: text_csv([GOOD + ["9"] * 10000]), TOO_WIDE),
    Case("long-name.csv", lambda: text_csv([row(项目="名" * 5000)]), "不超过 100"),
    # --- formulas: never evaluated; in an amount they are not a number --------------------------
    Case("formula-amount.csv", lambda: text_csv([row(**{"金额（万元）": "=1+1"})]), AMOUNT),
    Case(
        "dde-amount.csv", lambda: text_csv([row(**{"金额（万元）": "=cmd|' /C calc'!A0"})]), AMOUNT
    ),
    Case("plus-formula.csv", lambda: text_csv([row(**{"金额（万元）": "+SUM(1,2)"})]), AMOUNT),
    Case("formula-amount.xlsx", lambda: xlsx([row(**{"金额（万元）": "=1+1"})]), AMOUNT),
    Case(
        "hyperlink-formula.xlsx",
        lambda: xlsx([row(**{"金额（万元）": '=HYPERLINK("http://x","1")'})]),
        AMOUNT,
    ),
    # --- amounts that are not amounts -----------------------------------------------------------
    Case("exponent.csv", lambda: text_csv([row(**{"金额（万元）": "1e309"})]), AMOUNT),
    Case("nan.csv", lambda: text_csv([row(**{"金额（万元）": "NaN"})]), AMOUNT),
    Case("negative.csv", lambda: text_csv([row(**{"金额（万元）": "-5"})]), AMOUNT),
    Case(
        "three-decimals-yuan.csv",
        lambda: text_csv([row(**{"金额（万元）": "", "金额（元）": "1.005"})]),
        AMOUNT,
    ),
    # --- empty, header-only, wrong headers ------------------------------------------------------
    Case("empty.csv", lambda: b"", EMPTY),
    Case("bom-only.csv", lambda: codecs.BOM_UTF8, EMPTY),
    Case("header-only.csv", lambda: text_csv([]), NO_ROWS),
    Case("header-only.xlsx", lambda: xlsx([]), NO_ROWS),
    Case("blank-lines.csv", lambda: b"\r\n\r\n  \r\n", HEADERS),
    Case("unknown-header.csv", lambda: text_csv([["1", "2"]], header=["甲", "乙"]), HEADERS),
    Case("excel-sep-hint.csv", lambda: b"sep=;\r\n" + text_csv([GOOD]), HEADERS),
    Case("json-named.csv", lambda: '{"单位": "溧阳市信访局"}'.encode(), HEADERS),
    Case(
        "html-named.xlsx",
        lambda: "<html><table><tr><td>单位</td></tr></table></html>".encode(),
        HEADERS,
    ),
    Case(
        "pdf-named.xlsx", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", HEADERS
    ),
]


def write_corpus(folder: Path) -> list[tuple[Case, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        path = folder / case.name
        path.write_bytes(case.build())
        written.append((case, path))
    return written


if __name__ == "__main__":
    for case, path in write_corpus(Path(sys.argv[1])):
        print(f"{path.stat().st_size:>10}  {path.name}  →  {case.expect}")
