"""What an .xlsx may contain: no macros, no member outside the archive, no DTD in its XML.

Checked after the sizes (readers.check_archive) and before openpyxl opens the workbook. A
workbook saved by Excel or WPS never has any of these; a file that does was made by hand.
openpyxl parses through defusedxml, which refuses entity definitions; a DOCTYPE that only
names an external DTD passes defusedxml (and is never fetched), and is refused here.
"""

import re
import zipfile

from .records import ImportFileError

MACRO = "该文件含有宏（VBA），已拒绝：请另存为不含宏的 .xlsx（Excel 工作簿）后再导入。"
TRAVERSAL = "该 Excel 文件中有可疑的路径“{name}”，已拒绝：请在 Excel 中另存为新的 .xlsx 后再导入。"
DTD = (
    "该 Excel 文件含有不安全的 XML 内容（DOCTYPE 声明），已拒绝："
    "请在 Excel 中另存为新的 .xlsx 后再导入。"
)
PROLOG_BYTES = 64 * 1024  # a DOCTYPE comes before the root element, in the first bytes
MACRO_TYPE = b"macroEnabled"
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_members(archive: zipfile.ZipFile) -> None:
    for member in archive.infolist():
        name = member.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts or "\\" in name:
            raise ImportFileError(TRAVERSAL.format(name=name[:80]))
        if name.lower().endswith("vbaproject.bin"):
            raise ImportFileError(MACRO)
    for member in archive.infolist():
        if member.filename.lower().endswith((".xml", ".rels")):
            prolog = _head(archive, member)
            if b"<!DOCTYPE" in prolog.upper():
                raise ImportFileError(DTD)
            if member.filename == "[Content_Types].xml" and MACRO_TYPE in prolog:
                raise ImportFileError(MACRO)


def _head(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(member) as stream:
            return stream.read(PROLOG_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportFileError("无法打开该 Excel 文件：请确认没有损坏。") from exc
