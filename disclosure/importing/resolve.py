"""Resolve records against the target disclosure: which statement, table, row and column, and
the exact amount. Pure functions over a Target built once per import (no per-row queries).

A record becomes a LineFigure (2014 statements), a CellFigure (standard-format tables) or a
ThreePublicFigure, or a list of row errors (column, Chinese message).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator

from disclosure.core.money import FEN, YUAN_PER_WAN
from disclosure.exports.rows import FINAL, THREE_PUBLIC_LABEL
from disclosure.formats.base import format_for
from disclosure.models import (
    COUNT_FIELDS,
    COUNTS_BY_ITEM,
    ClassificationCode,
    ExpenditureLine,
    ReportRow,
    RowSource,
    Statement,
    TableSpec,
    ThreePublicItem,
)

from .parsing import (
    WAN,
    YUAN,
    cell_text,
    label_key,
    normalise,
    parse_amount,
    parse_code,
    parse_count,
    parse_unit,
    parse_year,
    unstated,
)
from .records import Record

TWO_PLACES = re.compile(r"^(0|[1-9][0-9]*)\.[0-9]{2}$")
# At most 13 digits before the point: never above parsing.MAX_YUAN.
EXPORTED_YUAN = re.compile(r"(?:0|[1-9][0-9]{0,12})\.[0-9]{2}\Z")
TABLE_MARK = re.compile(r"^(?:公开)?(\d{1,2})表?")
THREE_PUBLIC = {label_key(THREE_PUBLIC_LABEL), label_key("三公经费")}
FINAL_KEY = label_key(FINAL)
STATEMENTS = {label_key(s.label): s.value for s in Statement} | {
    label_key(s.value): s.value for s in Statement
}
ITEMS = {label_key(i.label): i.value for i in ThreePublicItem} | {
    label_key(i.value): i.value for i in ThreePublicItem
}
NO_COUNTS, NO_COUNTS_CSV = (None,) * len(COUNT_FIELDS), ("",) * len(COUNT_FIELDS)


@dataclass(slots=True)
class LineFigure:
    statement: str
    code: str
    name: str
    parent_name: str
    amount_yuan: Decimal
    id: str = ""


@dataclass(slots=True)
class CellFigure:
    table: "TableInfo"
    code: str
    name: str
    side: str
    panel: str
    parent_name: str
    column_id: int | None
    amount_yuan: Decimal | None
    ordinal: str | None = None
    id: str = ""

    @property
    def key(self) -> str:
        """As ReportRow.key names a row: its code, else side or panel / parent / name."""
        if self.code:
            return self.code
        return "/".join(p for p in (self.side or self.panel, self.parent_name, self.name) if p)


@dataclass(slots=True)
class ThreePublicFigure:
    item: str
    amount_yuan: Decimal | None
    counts: dict
    id: str = ""


@dataclass
class TableInfo:
    spec: TableSpec
    columns: list  # ColumnSpec
    sides: set = field(default_factory=set)
    panels: set = field(default_factory=set)
    row_specs: dict = field(default_factory=dict)  # (side, panel, parent, name) → RowSpec

    @property
    def label(self) -> str:
        return f"公开{self.spec.number}表"


class Target:
    """The disclosure being imported into and the configuration its year uses.

    `configure(fiscal_year)` gives a standard-format year's (tables, classifications): a bulk
    load reads them once for all its files (batch.py); by default they are read here."""

    def __init__(self, disclosure, configure: Callable | None = None):
        self.disclosure = disclosure
        fiscal_year = disclosure.fiscal_year
        self.agency_name = disclosure.agency.name
        self.year = fiscal_year.year
        self.standard = format_for(disclosure).has_tables
        self.statements = STATEMENTS
        self.items = ITEMS
        self.tables: dict[str, TableInfo] = {}
        self.checked: set = set()
        self.classifications: dict[tuple[str, str], int] = {}
        if self.standard:
            self.tables, self.classifications = (configure or load_configuration)(
                fiscal_year, disclosure.table_set_id
            )

    def format_name(self) -> str:
        return "标准格式" if self.standard else "2014年简式格式"


def load_configuration(fiscal_year, table_set_id=None) -> tuple[dict, dict]:
    """A standard-format year's tables (TableInfo by table number) — the document's own table
    set when given (a 预算's), else the year's — and its classification codes (id by (scheme,
    code))."""
    tables = {}
    specs = TableSpec.objects.filter(report_format_id=table_set_id or fiscal_year.report_format_id)
    for spec in specs.prefetch_related("columns", "row_specs"):
        info = TableInfo(spec=spec, columns=list(spec.columns.all()))
        info.sides = {c.side for c in info.columns if c.side}
        for r in spec.row_specs.all():
            info.row_specs.setdefault((r.side, r.panel, r.parent_name, r.name), r)
            if r.panel:
                info.panels.add(r.panel)
        tables[spec.number] = info
    classifications = {}
    if fiscal_year.code_version_id:
        codes = ClassificationCode.objects.filter(version_id=fiscal_year.code_version_id)
        for pk, scheme, code in codes.values_list("pk", "scheme", "code"):
            classifications[(scheme, code)] = pk
    return tables, classifications


def _clean(model, name: str, value, errors: list, column: str):
    """The model field's own validators (format, max length, digits, minimum), as full_clean
    runs them; the values are already of the field's type, so to_python is not needed."""
    if value in (None, ""):
        return value  # as Field.run_validators: blank values are the field's blank= rule
    passes = _passes(model, name)
    if passes is not None and passes(value):
        return value
    try:
        for validator in _validators(model, name):
            validator(value)
    except ValidationError as exc:
        errors.append((column, "".join(exc.messages)))
    return value


@cache
def _validators(model, name: str) -> tuple:
    return tuple(model._meta.get_field(name).validators)


@cache
def _passes(model, name: str):
    """A quick yes for a text value that the field's validators accept, built from those same
    validators (their length limit and pattern), or None when a validator is of another kind.
    Only a yes is trusted: anything else runs the validators themselves for their message.
    (A Django validator builds its message's parameters, and reaches its pattern through a
    lazy object, on every call: 200,000 calls for an import of 100,000 rows.)"""
    limit, patterns = None, []
    for validator in _validators(model, name):
        if type(validator) is MaxLengthValidator and isinstance(validator.limit_value, int):
            limit = validator.limit_value if limit is None else min(limit, validator.limit_value)
        elif type(validator) is RegexValidator and not validator.inverse_match:
            patterns.append(re.compile(validator.regex.pattern, validator.regex.flags))
        else:
            return None

    limit = 2**63 if limit is None else limit
    if not patterns:
        return lambda value: value.__class__ is str and len(value) <= limit
    if len(patterns) == 1:
        search = patterns[0].search
        return lambda value: value.__class__ is str and len(value) <= limit and bool(search(value))
    return lambda value: (
        value.__class__ is str and len(value) <= limit and all(p.search(value) for p in patterns)
    )


def _text(record: Record, key: str) -> str:
    value = record.values.get(key)
    if value.__class__ is str:
        return unstated(value.strip())
    if value is None:
        return ""
    return cell_text(value)


@lru_cache(maxsize=1024)
def _label(text: str) -> tuple[str, str]:
    """A table or column name as written (normalised) and as compared (label_key): the few
    distinct names of a file, so cached."""
    return normalise(text), label_key(text)


def resolve(record: Record, target: Target):
    """(figure or None, [(column key, message)])."""
    errors: list[tuple[str, str]] = []
    _check_target(record, target, errors)
    table, key = _label(_text(record, "table"))
    if not table:
        errors.append(("table", "请填写报表。"))
        return None, errors
    if key in THREE_PUBLIC:
        return _three_public(record, target, errors)
    if target.standard:
        return _cell(record, target, key, errors)
    return _line(record, target, key, errors)


def _check_target(record: Record, target: Target, errors: list) -> None:
    raw_agency, raw_year = record.get("agency"), record.get("year")
    if (raw_agency, raw_year) in target.checked:
        return  # the same agency and year as a row already found right: most rows
    agency = _text(record, "agency")
    if agency and agency != target.agency_name:
        message = f"单位“{agency}”不是本次导入的单位“{target.agency_name}”：只能导入本单位的数字。"
        errors.append(("agency", message))
    try:
        year = parse_year(record.get("year"))
    except ValueError as exc:
        errors.append(("year", str(exc)))
        return
    if year is not None and year != target.year:
        errors.append(("year", f"年度 {year} 不是本次导入的 {target.year} 年度。"))
    if not errors and isinstance(raw_agency, (str, type(None))):
        target.checked.add((raw_agency, raw_year))


def _amount(record: Record, errors: list, *, required: bool) -> Decimal | None:
    """金额（元） is exact; 金额（万元） may be the export's rounding of it, or exact on its own."""
    v = record.values
    yuan, wan = v.get("amount_yuan"), v.get("amount_wan")
    if (
        yuan.__class__ is str
        and EXPORTED_YUAN.match(yuan)
        and (not wan or (wan.__class__ is str and TWO_PLACES.match(wan)))
        and not v.get("amount")
        and not v.get("unit")
        and record.unit is None
    ):
        # What our CSV export writes (most imported rows): "1234.56" 元 and its 万元
        # rounding. The general path below gives the same answer, more slowly: here the
        # 万元 figure is checked in whole fen (0.01 万元 = 10,000 fen, rounded half up).
        if wan:
            hundredths = (int(yuan[:-3] + yuan[-2:]) + 5000) // 10000
            if f"{hundredths // 100}.{hundredths % 100:02d}" != wan:
                errors.append(("amount_wan", "金额（万元）与金额（元）不一致。"))
                return None
        return Decimal(yuan)
    try:
        unit = parse_unit(record.get("unit")) or record.unit
    except ValueError as exc:
        errors.append(("unit", str(exc)))
        return None
    given = {k: record.get(k) for k in ("amount_yuan", "amount_wan", "amount")}
    given = {k: v for k, v in given.items() if v is not None and not _blank(v)}
    units = {"amount_yuan": YUAN, "amount_wan": WAN, "amount": unit}
    if "amount" in given and len(given) > 1:
        errors.append(("amount", "“金额”与“金额（万元）”“金额（元）”只能填一种。"))
        return None
    # With 元 given, 万元 is only checked against it: the export rounds 万元 to two places.
    first = "amount_yuan" if "amount_yuan" in given else next(iter(given), None)
    if first is None:
        if required:
            errors.append(("amount_wan", "请填写金额。"))
        return None
    try:
        amount = parse_amount(given[first], unit=units[first])
    except ValueError as exc:
        errors.append((first, str(exc)))
        return None
    if first == "amount_yuan" and "amount_wan" in given:
        try:
            consistent = _rounds_to(amount, given["amount_wan"])
        except ValueError as exc:
            errors.append(("amount_wan", str(exc)))
            return None
        if not consistent:
            errors.append(("amount_wan", "金额（万元）与金额（元）不一致。"))
            return None
    return amount


def _blank(value) -> bool:
    return isinstance(value, str) and not value.strip()


def _rounds_to(yuan: Decimal, wan_value) -> bool:
    """Is the written 万元 figure the 元 amount rounded half up to as many places?"""
    from .parsing import _number

    if isinstance(wan_value, str) and TWO_PLACES.match(wan_value):
        # What our exports write (format_wan): compare as text, the common case.
        return str((yuan / YUAN_PER_WAN).quantize(FEN, rounding=ROUND_HALF_UP)) == wan_value
    text = normalise(cell_text(wan_value)).removesuffix("万元")
    written = _number(text)
    places = Decimal(1).scaleb(min(written.as_tuple().exponent, 0))
    return (yuan / YUAN_PER_WAN).quantize(places, rounding=ROUND_HALF_UP) == written


def _no_counts(record: Record, errors: list) -> None:
    values = record.values
    given = tuple(map(values.get, COUNT_FIELDS))
    if given == NO_COUNTS_CSV or given == NO_COUNTS:
        return  # the common case, at C speed: every count column empty, or none of them
    for name, value in zip(COUNT_FIELDS, given, strict=True):
        if value not in (None, "") and _text(record, name):
            errors.append((name, "数量只适用于“三公”经费行。"))


def _line(record: Record, target: Target, key: str, errors: list):
    statement = target.statements.get(key)
    if statement is None:
        labels = "、".join(s.label for s in Statement)
        errors.append(
            ("table", f"{target.year}年度使用2014年简式格式，报表应为：{labels}或“三公”经费。")
        )
    column = _text(record, "column")
    if column and _label(column)[1] != FINAL_KEY:
        errors.append(("column", f"2014年简式格式只有“{FINAL}”一栏。"))
    _no_counts(record, errors)
    code = _clean(ExpenditureLine, "code", parse_code(record.get("code")), errors, "code")
    name = _name(record, ExpenditureLine, errors)
    parent = _text(record, "context")
    amount = _amount(record, errors, required=True)
    if errors:
        return None, errors
    # parse_amount() already enforces the amount field's validators (15 digits, 2 places, ≥ 0).
    figure = LineFigure(statement, code, name, parent, amount, _text(record, "id"))
    return figure, errors


def _name(record: Record, model, errors: list) -> str:
    name = _text(record, "name")
    if not name:
        errors.append(("name", "请填写项目名称。"))
        return name
    return _clean(model, "name", name, errors, "name")


def _three_public(record: Record, target: Target, errors: list):
    name = _text(record, "name")
    item = target.items.get(label_key(name))
    if item is None:
        labels = "、".join(i.label for i in ThreePublicItem)
        errors.append(("name", f"“三公”经费的项目应为：{labels}。"))
    if _text(record, "code"):
        errors.append(("code", "“三公”经费行不填科目编码。"))
    amount = _amount(record, errors, required=not target.standard)
    if target.standard and amount is not None:
        errors.append(("amount_wan", "标准格式的“三公”经费金额填在公开07表中，这里只填数量。"))
    counts = {}
    for field_name in COUNT_FIELDS:
        try:
            counts[field_name] = parse_count(record.get(field_name))
        except ValueError as exc:
            errors.append((field_name, str(exc)))
    if item is not None:
        allowed = COUNTS_BY_ITEM[item]
        label = ThreePublicItem(item).label
        for field_name, value in counts.items():
            if value is not None and field_name not in allowed:
                errors.append((field_name, f"该数量不适用于{label}。"))
    if errors:
        return None, errors
    return ThreePublicFigure(item, amount, counts, _text(record, "id")), errors


def _table(target: Target, key: str, errors: list) -> TableInfo | None:
    number = None
    title = key
    if match := TABLE_MARK.match(key):
        number = match[1].zfill(2)
        title = key[match.end() :]
    for info in target.tables.values():
        if number and info.spec.number != number:
            continue
        if title and label_key(info.spec.title) != title:
            if number:
                errors.append(("table", f"{info.label}的表名是“{info.spec.title}”。"))
                return None
            continue
        return info
    names = "、".join(f"{i.label} {i.spec.title}" for i in target.tables.values())
    errors.append(("table", f"{target.year}年度的公开表中没有这张表。应为：{names}。"))
    return None


def _cell(record: Record, target: Target, key: str, errors: list):
    info = _table(target, key, errors)
    _no_counts(record, errors)
    code = _clean(ReportRow, "code", parse_code(record.get("code")), errors, "code")
    name = _name(record, ReportRow, errors)
    amount = _amount(record, errors, required=False)
    if info is None:
        return None, errors
    side, panel, parent = _context(info, _text(record, "context"), errors)
    column_id = _column(info, side, _text(record, "column"), amount, errors)
    ordinal = record.ordinal
    if ordinal:
        ordinal = _clean(ReportRow, "ordinal", ordinal, errors, "name")
    if errors:
        return None, errors
    figure = CellFigure(
        info, code, name, side, panel, parent, column_id, amount, ordinal, _text(record, "id")
    )
    return figure, errors


def _context(info: TableInfo, text: str, errors: list) -> tuple[str, str, str]:
    parts = [p.strip() for p in text.split("/")] if text else []
    side = panel = ""
    if info.sides:
        if not parts or parts[0] not in info.sides:
            sides = "或".join(sorted(info.sides))
            errors.append(("context", f"{info.label}的行须在上级项目中注明{sides}。"))
            return "", "", ""
        side = parts.pop(0)
    elif info.panels:
        if not parts or parts[0] not in info.panels:
            panels = "或".join(sorted(info.panels))
            errors.append(("context", f"{info.label}的行须在上级项目中注明{panels}。"))
            return "", "", ""
        panel = parts.pop(0)
    if len(parts) > 1:
        errors.append(("context", "上级项目只能有一层。"))
    return side, panel, "/".join(parts)


def _column(info: TableInfo, side: str, text: str, amount, errors: list) -> int | None:
    if not text:
        if amount is not None:
            errors.append(("column", "请填写栏目。"))
        return None
    key = label_key(text)
    candidates = [c for c in info.columns if not info.sides or c.side == side]
    full = [c for c in candidates if label_key("/".join(x for x in (c.group, c.label) if x)) == key]
    matches = full or [c for c in candidates if label_key(c.label) == key]
    if len(matches) == 1:
        return matches[0].pk
    labels = "、".join("/".join(x for x in (c.group, c.label) if x) for c in candidates)
    errors.append(("column", f"{info.label}{side}没有栏目“{text}”。应为：{labels}。"))
    return None


def row_source_scheme(info: TableInfo) -> str:
    return "economic" if info.spec.row_source == RowSource.ECONOMIC else "functional"
