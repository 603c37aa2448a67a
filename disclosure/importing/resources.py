"""django-import-export, configured strictly: the admin's import and export of figures.

Export: the long layout, the same columns and text as the public CSV (README, "CSV"), so an
export re-imports. Import: django-import-export drives the admin (formats, upload, dry-run
preview, confirm, permissions), and every resource hands the whole file to the one import
service (disclosure.importing) that the command line uses too. Its validation is each model
field's own validators and each model's rules, done in one pass over the file, and it writes
only when no row has an error, in one transaction: django-import-export's row loop (a query and
a save per row, 384 rows/s measured here) would import valid rows around a bad one unless told
otherwise, and is too slow for bulk loads. So FiguresResource.import_data replaces that loop,
and none of its options (import_id_fields, clean_model_instances, skip_unchanged,
report_skipped, use_transactions, rollback_on_validation_errors) is set here: none would be
read. How rows are matched to stored figures is the service's (sync.py). The target agency and
year come from the import form, never from the file.
"""

import csv
import io
from decimal import Decimal

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from disclosure.core.csv import neutralise
from disclosure.core.money import format_wan, format_yuan
from disclosure.exports import rows as exports
from disclosure.exports import xlsx
from disclosure.importing import ImportFileError, Record, disclosure_import_records
from disclosure.importing.caps import FileBudget
from disclosure.importing.service import UNCHECKED
from disclosure.models import (
    COUNT_FIELDS,
    Cell,
    DocumentKind,
    ExpenditureLine,
    Statement,
    ThreePublicExpense,
    ThreePublicItem,
)

from .kinds import detected_kind
from .parsing import WAN, YUAN, parse_amount, unstated
from .readers import read_records
from .records import header_fields

# ---------------------------------------------------------------- widgets


class AmountWidget(widgets.Widget):
    """Exact 元 in the database; 万元 (rounded half up, as documents print) or 元 in files.

    Parsing is the import service's: no float, "1,234.56", full-width digits, a stated unit;
    anything else (text, negative, finer than a fen) raises ValueError, never a guess.
    """

    def __init__(self, unit: str, **kwargs):
        self.unit = unit
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parse_amount(value, unit=self.unit)

    def render(self, value, obj=None, **kwargs):
        return format_wan(value) if self.unit == WAN else format_yuan(value)


class TextWidget(widgets.CharWidget):
    """Text a spreadsheet would run as a formula gets an apostrophe (CSV injection)."""

    def clean(self, value, row=None, **kwargs):
        return unstated(str(value or "").strip())

    def render(self, value, obj=None, **kwargs):
        return neutralise("" if value is None else str(value))


class LabelWidget(widgets.Widget):
    """A choice by its Chinese label (收入决算, 公务接待费), as the documents name it."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices.choices)
        self.values = {label: value for value, label in self.labels.items()}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text not in self.values:
            raise ValueError(f"应为：{'、'.join(self.labels.values())}。")
        return self.values[text]

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "")


class CountWidget(widgets.IntegerWidget):
    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def _text(attribute: str | None, column: str, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget(), **kwargs)


def _amount(unit: str) -> fields.Field:
    column = "金额（万元）" if unit == WAN else "金额（元）"
    return fields.Field(attribute="amount_yuan", column_name=column, widget=AmountWidget(unit))


def _count(name: str) -> fields.Field:
    return fields.Field(
        attribute=name,
        column_name=exports.FIGURE_HEADER[9 + COUNT_FIELDS.index(name)],
        widget=CountWidget(),
    )


# ---------------------------------------------------------------- formats


class FiguresDataset(tablib.Dataset):
    """The file's records, read by the import service's readers, shown as rows for the admin."""

    def __init__(self, records: list[Record], budget: FileBudget | None = None, kind="final"):
        super().__init__(headers=["位置", "报表", "科目编码", "项目", "上级项目", "栏目"])
        self.records = records
        self.budget = budget  # the file's allowance, started when its reading started
        self.kind = kind  # the document the file's tables are (预算/决算), read from its titles
        for r in records:
            v = r.values
            where = f"{r.sheet} 第 {r.row} 行" if r.sheet else f"第 {r.row} 行"
            self.append(
                [
                    where,
                    *(str(v.get(k) or "") for k in ("table", "code", "name", "context", "column")),
                ]
            )


def _read(in_stream, file_name: str) -> FiguresDataset:
    """The file's records, refused past the per-file caps while they are read (the preview
    holds them all in memory); `file_name`, the upload's, names the file in a refusal. The
    admin's form names the agency and year; the file's tables say whether it is the year's 预算
    or its 决算 (importing.kinds)."""
    if isinstance(in_stream, (bytes, bytearray)):
        in_stream = io.BytesIO(in_stream)
    kind = detected_kind(in_stream)
    budget = FileBudget(file_name)
    records = list(budget.capped(read_records(in_stream, kind)))
    if not records:  # said here: django-import-export's own message is English
        raise ImportFileError("文件中没有数据行。")
    return FiguresDataset(records, budget, kind)


class _Named:
    # The admin sets `file_name` on the format it reads an upload with (admin/importing.py).
    file_name = ""


class FiguresCSV(_Named, base_formats.CSV):
    """CSV in UTF-8 (with or without BOM) or GB18030/GBK, read as bytes to detect which;
    written as the public CSV is: UTF-8 with BOM, CRLF."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return _read(in_stream, self.file_name)

    def export_data(self, dataset, **kwargs):
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(dataset.headers)
        writer.writerows(dataset)
        return ("\ufeff" + out.getvalue()).encode()


class FiguresXLSX(_Named, base_formats.XLSX):
    """XLSX in the long layout (one sheet) or one sheet per public table.

    Written as the public downloads are (disclosure.exports.xlsx): amounts and counts as
    numbers (万元 and 元 with the number format #,##0.00), never text; text as the CSV has it,
    in string cells. The import reads numbers and text alike, so the export re-imports.
    """

    def create_dataset(self, in_stream):
        return _read(in_stream, self.file_name)

    def export_data(self, dataset, **kwargs):
        kinds = [_xlsx_kind(header) for header in dataset.headers]
        rows = [[_native(v, k) for v, k in zip(row, kinds, strict=True)] for row in dataset]
        grid = xlsx.Grid(list(dataset.headers), kinds, rows)
        return xlsx.workbook_bytes([xlsx.Sheet(dataset.title or "导出数据", grids=[grid])])


def _xlsx_kind(header: str) -> str:
    if header == "金额（万元）":
        return xlsx.WAN
    if header == "金额（元）":
        return xlsx.YUAN
    if header == "年度" or header in exports.FIGURE_HEADER[9:]:
        return xlsx.INTEGER
    return xlsx.TEXT


def _native(value, kind: str):
    """A rendered value as the cell's type: the widgets render text (the CSV's)."""
    if value is None or value == "":
        return None
    if kind in (xlsx.WAN, xlsx.YUAN):
        return Decimal(str(value))
    if kind == xlsx.INTEGER:
        return int(value)
    return str(value)


FORMATS = [FiguresCSV, FiguresXLSX]

# ---------------------------------------------------------------- resources


class FiguresResource(resources.ModelResource):
    """Import: the whole file into the form's agency and year. Export: long-layout rows."""

    def __init__(self, *, agency=None, fiscal_year=None, expected_version=UNCHECKED, **kwargs):
        super().__init__(**kwargs)
        self.agency, self.fiscal_year = agency, fiscal_year
        self.expected_version = expected_version  # the preview's, at the confirmation

    def import_data(self, dataset, dry_run=False, **kwargs):
        # The service's one transaction and all-or-nothing rule, whatever the admin passes.
        result = self.get_result_class()()
        result.diff_headers = ["位置", "科目编码", "项目", "栏目", "说明"]
        if self.agency is None or self.fiscal_year is None:
            result.append_base_error(Error(ValueError("请选择导入的单位和年度。")))
            return result
        try:
            report = disclosure_import_records(
                agency=self.agency,
                fiscal_year=self.fiscal_year,
                records=_records(dataset),
                by=kwargs.get("user"),
                dry_run=dry_run,
                collect_rows=True,
                expected_version=self.expected_version,
                budget=_budget(dataset, kwargs.get("file_name")),
                kind=getattr(dataset, "kind", DocumentKind.FINAL),
            )
        except (PermissionDenied, ImportFileError) as exc:
            result.append_base_error(Error(exc))
            return result
        _fill(result, report)
        return result

    def get_export_headers(self, selected_fields=None):
        return list(exports.FIGURE_HEADER)


def _budget(dataset, file_name: str | None) -> FileBudget:
    """The allowance the file's reading started, else (a dataset built otherwise) one now."""
    budget = getattr(dataset, "budget", None) or FileBudget()
    budget.name = budget.name or file_name or ""
    return budget


def _records(dataset) -> list[Record]:
    if isinstance(dataset, FiguresDataset):
        return dataset.records
    keys = header_fields(dataset.headers)
    return [
        Record(row=i, values={k: v for k, v in zip(keys, row, strict=False) if k})
        for i, row in enumerate(dataset, 2)
    ]


def _where(row, sheet: str) -> str:
    if row is None:
        return ""
    return f"{sheet} 第 {row} 行" if sheet else f"第 {row} 行"


def _fill(result: Result, report) -> None:
    """The service's report as django-import-export's result (preview rows, row errors)."""
    result.total_rows = report.rows
    by_row: dict = {}
    for error in report.errors:
        if error.row is None:
            result.append_base_error(Error(ImportFileError(error.message)))
            continue
        key = (error.sheet, error.row)
        by_row.setdefault(key, {}).setdefault(error.column or "行", []).append(error.message)
    for (sheet, row), messages in by_row.items():
        result.append_invalid_row(
            _where(row, sheet), {}, ValidationError({k: v for k, v in messages.items()})
        )
        result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
    if report.error_count > len(report.errors):
        hidden = report.error_count - len(report.errors)
        result.append_base_error(Error(ImportFileError(f"另有 {hidden} 处错误未列出。")))
    if report.errors:
        return
    for kind, row, sheet, values, note in report.outcomes or []:
        row_result = RowResult()
        row_result.import_type = kind
        row_result.diff = [_where(row, sheet), *[str(v) for v in values], note]
        result.append_row_result(row_result)
        result.totals[kind] += 1
    result.report = report


STATEMENT_RANK = Case(
    *[When(statement=s.value, then=Value(i)) for i, s in enumerate(Statement)],
    output_field=IntegerField(),
)
ITEM_RANK = Case(
    *[When(item=v.value, then=Value(i)) for i, v in enumerate(ThreePublicItem)],
    output_field=IntegerField(),
)


class ExpenditureLineResource(FiguresResource):
    agency = _text("disclosure__agency__name", "单位", readonly=True)
    year = fields.Field(
        attribute="disclosure__fiscal_year__year", column_name="年度", readonly=True
    )
    statement = fields.Field(
        attribute="statement", column_name="报表", widget=LabelWidget(Statement)
    )
    code = fields.Field(attribute="code", column_name="科目编码")
    name = _text("name", "项目")
    parent = _text("parent__name", "上级项目")
    column = fields.Field(column_name="栏目", readonly=True)
    amount_wan = _amount(WAN)
    amount_yuan = _amount(YUAN)

    class Meta:
        model = ExpenditureLine
        fields = (
            "agency",
            "year",
            "statement",
            "code",
            "name",
            "parent",
            "column",
            "amount_wan",
            "amount_yuan",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.select_related("disclosure__agency", "disclosure__fiscal_year", "parent")
            .annotate(statement_rank=STATEMENT_RANK)
            .order_by(*exports.DISCLOSURE_ORDER, "statement_rank", "order", "pk")
        )

    def dehydrate_column(self, line):
        return exports.FINAL

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return super().export_resource(instance, selected_fields, **kwargs) + [""] * len(
            COUNT_FIELDS
        )


class ThreePublicExpenseResource(FiguresResource):
    agency = _text("disclosure__agency__name", "单位", readonly=True)
    year = fields.Field(
        attribute="disclosure__fiscal_year__year", column_name="年度", readonly=True
    )
    table = fields.Field(column_name="报表", readonly=True)
    code = fields.Field(column_name="科目编码", readonly=True)
    item = fields.Field(attribute="item", column_name="项目", widget=LabelWidget(ThreePublicItem))
    parent = fields.Field(column_name="上级项目", readonly=True)
    column = fields.Field(column_name="栏目", readonly=True)
    amount_wan = _amount(WAN)
    amount_yuan = _amount(YUAN)
    delegations = _count("delegations")
    outbound_persons = _count("outbound_persons")
    vehicles_purchased = _count("vehicles_purchased")
    vehicles_held = _count("vehicles_held")
    reception_batches = _count("reception_batches")
    reception_persons = _count("reception_persons")
    accompanying_persons = _count("accompanying_persons")
    foreign_reception_batches = _count("foreign_reception_batches")
    foreign_reception_persons = _count("foreign_reception_persons")

    class Meta:
        model = ThreePublicExpense
        fields = (
            "agency",
            "year",
            "table",
            "code",
            "item",
            "parent",
            "column",
            "amount_wan",
            "amount_yuan",
            *COUNT_FIELDS,
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.select_related("disclosure__agency", "disclosure__fiscal_year")
            .annotate(item_rank=ITEM_RANK)
            .order_by(*exports.DISCLOSURE_ORDER, "item_rank")
        )

    def dehydrate_table(self, record):
        return exports.THREE_PUBLIC_LABEL

    def dehydrate_code(self, record):
        return ""

    def dehydrate_parent(self, record):
        return ""

    def dehydrate_column(self, record):
        return exports.FINAL if record.amount_yuan is not None else ""


class CellResource(FiguresResource):
    """Standard-format table cells: a figure is a cell (公开01–09表)."""

    agency = _text("row__disclosure__agency__name", "单位", readonly=True)
    year = fields.Field(
        attribute="row__disclosure__fiscal_year__year", column_name="年度", readonly=True
    )
    table = fields.Field(column_name="报表", readonly=True)
    code = fields.Field(attribute="row__code", column_name="科目编码", readonly=True)
    name = _text("row__name", "项目", readonly=True)
    context = fields.Field(column_name="上级项目", readonly=True, widget=TextWidget())
    column = fields.Field(column_name="栏目", readonly=True, widget=TextWidget())
    amount_wan = _amount(WAN)
    amount_yuan = _amount(YUAN)

    class Meta:
        model = Cell
        fields = (
            "agency",
            "year",
            "table",
            "code",
            "name",
            "context",
            "column",
            "amount_wan",
            "amount_yuan",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "row__disclosure__agency",
            "row__disclosure__fiscal_year",
            "row__table",
            "row__parent",
            "column",
        ).order_by(
            "row__disclosure__fiscal_year__year",
            "row__disclosure__agency_id",
            "row__disclosure_id",
            "row__table__number",
            "row__order",
            "column__order",
        )

    def dehydrate_table(self, cell):
        return f"公开{cell.row.table.number}表 {cell.row.table.title}"

    def dehydrate_context(self, cell):
        return exports.row_context(cell.row)

    def dehydrate_column(self, cell):
        return exports.column_label(cell.column)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return super().export_resource(instance, selected_fields, **kwargs) + [""] * len(
            COUNT_FIELDS
        )
