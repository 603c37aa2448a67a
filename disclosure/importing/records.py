"""The plain row record both layouts are normalised into, and the errors found in rows.

A record is one figure (or one printed row without a figure) in the long layout's terms: the
columns of the CSV export (README, "CSV"). The per-table XLSX reader produces the same records,
so everything after reading is one path.
"""

from dataclasses import dataclass

from disclosure.exports.columns import CONTEXT_COLUMNS
from disclosure.exports.rows import FIGURE_HEADER
from disclosure.models import COUNT_FIELDS

from .parsing import label_key

# Long-layout columns: our field name → the header names a file may use (the first is ours).
COLUMNS = {
    "agency": ("单位", "单位名称", "部门", "部门名称"),
    "year": ("年度",),
    "table": ("报表", "公开表", "表名"),
    "code": ("科目编码", "编码"),
    "name": ("项目", "项目名称", "科目名称"),
    "context": ("上级项目",),
    "column": ("栏目",),
    "amount_wan": ("金额（万元）",),
    "amount_yuan": ("金额（元）",),
    "amount": ("金额",),
    "unit": ("金额单位", "计量单位"),
    "id": ("编号", "id"),
}
COUNT_HEADERS = dict(zip(COUNT_FIELDS, FIGURE_HEADER[9:], strict=True))
for _field, _header in COUNT_HEADERS.items():
    COLUMNS[_field] = (_header,)
# The export's columns since 0.2.0 (文件类型, 状态, 修订版本, 发布时间, 说明, 同比情况) describe the
# published document: an export re-imports with them, and the import reads none of them (the
# target is the form's, and 说明/同比情况 are kept, as the README says).
IGNORED = {f"_{c.name}": (c.name,) for c in CONTEXT_COLUMNS}
COLUMNS.update(IGNORED)
BY_HEADER = {label_key(name): key for key, names in COLUMNS.items() for name in names}
REQUIRED = ("table", "name")
AMOUNTS = ("amount_wan", "amount_yuan", "amount")


@dataclass(slots=True)
class Record:
    """One row of the long layout, values as read (text, or a spreadsheet's number)."""

    row: int  # the row number a clerk sees in Excel (the header is row 1)
    values: dict
    sheet: str = ""
    # Where a value came from when it is not the layout's own column (per-table sheets):
    # field → a label such as "E 列（合计）".
    origins: dict | None = None  # None, not {}: a long-layout record has none
    ordinal: str | None = None  # 一、二… printed before a name in the per-table layout
    unit: str | None = None  # the unit a per-table sheet states (单位：万元)

    def get(self, key: str):
        return self.values.get(key)


@dataclass(slots=True)
class RowError:
    row: int | None
    column: str
    message: str
    sheet: str = ""

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列" if "列" not in self.column else self.column)
        return "".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}：{self.message}" if where else self.message


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, layout, headers); nothing row-specific."""


def column_label(record: Record, key: str) -> str:
    """The column a clerk should look at for `key` in this record."""
    if record.origins and key in record.origins:
        return record.origins[key]
    return COLUMNS[key][0] if key in COLUMNS else key


def header_fields(headers: list) -> list[str | None]:
    """Map a header row to our fields; raises ImportFileError on unknown or repeated columns."""
    fields, unknown, seen = [], [], {}
    for position, header in enumerate(headers, 1):
        text = "" if header is None else str(header).strip()
        key = BY_HEADER.get(label_key(text)) if text else None
        if text and key is None:
            unknown.append(text)
        if key is not None and key in seen:
            raise ImportFileError(f"第 {position} 列“{text}”与第 {seen[key]} 列重复。")
        if key is not None:
            seen[key] = position
        fields.append(key)
    if unknown:
        raise ImportFileError(
            "无法识别的列：" + "、".join(unknown[:10]) + "。请使用导入模板的列名（见模板第一行）。"
        )
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in seen]
    if not any(k in seen for k in AMOUNTS):
        missing.append("金额（万元）或金额（元）")
    if missing:
        raise ImportFileError("缺少必需的列：" + "、".join(missing) + "。")
    return fields
