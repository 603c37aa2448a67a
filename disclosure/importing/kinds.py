"""Which document a file holds, 部门预算 or 部门决算, when the user does not say: from its
printed tables' titles (2026年部门财务收支预算总表 …, 公开01表 收入支出决算总表 …)."""

import re

from disclosure.models import DocumentKind

from .parsing import cell_text
from .readers import check_archive, open_binary, sniff

BUDGET_WORDS = re.compile(r"预算总表|预算表|部门预算")
FINAL_WORDS = re.compile(r"决算")
KIND_NAMES = {
    "预算": DocumentKind.BUDGET,
    "决算": DocumentKind.FINAL,
    DocumentKind.BUDGET.value: DocumentKind.BUDGET,
    DocumentKind.FINAL.value: DocumentKind.FINAL,
}
UNKNOWN_KIND = "文件类型应为“预算”或“决算”，不是“{}”。"


def kind_named(text: str) -> str:
    """The kind a user names (预算/决算, or budget/final); ValueError in Chinese otherwise."""
    try:
        return KIND_NAMES[text.strip()]
    except KeyError:
        raise ValueError(UNKNOWN_KIND.format(text)) from None


def detected_kind(file) -> str:
    """预算 when the workbook's sheets are titled as budget tables and none as a 决算; else
    决算 (a CSV, the long layout and every older file)."""
    stream = open_binary(file)
    try:
        stream.seek(0)
        if sniff(stream) != "xlsx":
            return DocumentKind.FINAL
        check_archive(stream)  # a bomb or a macro book is refused before it is opened
        from openpyxl import load_workbook

        book = load_workbook(stream, read_only=True, data_only=True)
        try:
            texts = []
            for ws in book.worksheets:
                texts.append(ws.title)
                for row in ws.iter_rows(max_row=3, values_only=True):
                    texts += [cell_text(v) for v in row if isinstance(v, str)]
        finally:
            book.close()
    except Exception:  # noqa: BLE001 — an unreadable file is the import's to refuse, in Chinese
        return DocumentKind.FINAL
    finally:
        stream.seek(0)
        if stream is not file:
            stream.close()
    budget = any(BUDGET_WORDS.search(t) for t in texts)
    final = any(FINAL_WORDS.search(t) for t in texts)
    return DocumentKind.BUDGET if budget and not final else DocumentKind.FINAL
