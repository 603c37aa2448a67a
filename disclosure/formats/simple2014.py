"""The 2014 format: statements of lines with "其中" parents, 三公 records carrying the amounts.

The change on last year is computed here from the previous year's published disclosure of the
same agency, line by line and item by item, for the page (templates only display it).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)

from disclosure.core.csv import csv_fields, neutralise, sql_literal, sql_quoted, sql_text_cell
from disclosure.core.money import is_material, percent, sql_wan, sql_yuan, wan_text
from disclosure.models import (
    ExpenditureLine,
    Statement,
    ThreePublicExpense,
    ThreePublicItem,
)

from . import chart_figures
from . import sentences as narrative
from .base import (
    EXPORT_CHUNK,
    MONEY,
    NO_COUNTS_CSV,
    ONE_KIND_EXPORT_ORDER,
    Change,
    ExportFigure,
    Format,
    register,
    this_and_last_year,
)
from .printed import simple_tables

BASIC_NAME = "基本支出"  # the economic statement's basic line; its other top lines are projects
FINAL = "决算数"

# Which classification a statement's codes are of (income lines carry no codes): the admin fills
# a line's 科目 and name from its code with it.
STATEMENT_SCHEMES = {
    Statement.EXPENDITURE: "functional",
    Statement.FUNCTIONAL: "functional",
    Statement.ECONOMIC: "economic",
}

# The lines every 2014 document prints, laid out on a new disclosure's page so the clerk types
# amounts instead of adding rows: (statement, code, name, parent's code or name).
STANDARD_LINES = [
    (Statement.INCOME, "", "财政拨款收入", ""),
    (Statement.EXPENDITURE, "", "财政拨款支出", ""),
    (Statement.ECONOMIC, "", BASIC_NAME, ""),
    (Statement.ECONOMIC, "301", "工资福利支出", BASIC_NAME),
    (Statement.ECONOMIC, "302", "商品和服务支出", BASIC_NAME),
    (Statement.ECONOMIC, "303", "对个人和家庭的补助", BASIC_NAME),
    (Statement.ECONOMIC, "", "项目支出", ""),
    (Statement.FUNCTIONAL, "201", "一般公共服务支出", ""),
    (Statement.FUNCTIONAL, "221", "住房保障支出", ""),
]


def line_layout(source) -> list[tuple]:
    """The lines laid out on a new 2014 disclosure's page, as STANDARD_LINES: those of the
    disclosure it starts from (`base.structure_source`), else the usual ones."""
    if source is None:
        return STANDARD_LINES
    lines = list(
        ExpenditureLine.objects.filter(disclosure=source)
        .select_related("parent")
        .order_by(STATEMENT_RANK, "order", "pk")
    )
    if not lines:
        return STANDARD_LINES
    return [
        (
            line.statement,
            line.code,
            line.name,
            (line.parent.code or line.parent.name) if line.parent_id else "",
        )
        for line in lines
    ]


STATEMENT_RANK = Case(
    *[When(statement=s.value, then=Value(i)) for i, s in enumerate(Statement)],
    output_field=IntegerField(),
)


@dataclass
class StatementTable:
    key: str
    label: str
    lines: list  # top-level lines, each with .child_lines and .change
    total_yuan: Decimal


@dataclass
class SimplePage:
    statements: list[StatementTable]
    three_public_total_yuan: Decimal
    basic_sentence: str = ""
    accounts_sentences: list[str] = field(default_factory=list)
    three_public_sentences: list[str] = field(default_factory=list)
    previous_year: int | None = None  # set when last year's published disclosure was found
    three_public_total_change: Change = field(default_factory=Change)


def statement_tables(lines) -> list[StatementTable]:
    """Group lines by statement, in document order, with "其中" children under their parent."""
    by_statement: dict[str, list] = defaultdict(list)
    children: dict[int, list] = defaultdict(list)
    for line in lines:
        if line.parent_id is None:
            by_statement[line.statement].append(line)
        else:
            children[line.parent_id].append(line)
    tables = []
    for statement in Statement:
        top = by_statement.get(statement.value, [])
        for line in top:
            line.child_lines = children.get(line.pk, [])
        if top:
            total = sum((x.amount_yuan for x in top), Decimal(0))
            tables.append(StatementTable(statement.value, statement.label, top, total))
    return tables


def change(now: Decimal | None, then: Decimal | None) -> Change:
    """As the engine's change_on_last_year rule reads it: no rate on a zero base."""
    if now is None or then is None:
        return Change(prior=then)
    diff = now - then
    return Change(then, diff, percent(diff, then), bool(then) and is_material(diff, then))


def _changes(part: SimplePage, own: list, old: list, records: list, old_amounts: dict) -> None:
    old_names = {x.pk: x.name for x in old}
    old_by_key = {line_key(x, old_names): x.amount_yuan for x in old}
    names = {x.pk: x.name for x in own}
    for line in own:  # "其中" lines too, matched under their parent's name
        line.change = change(line.amount_yuan, old_by_key.get(line_key(line, names)))
    for record in records:
        record.change = change(record.amount_yuan, old_amounts.get(record.item))
    if old_amounts:
        then = sum((v for v in old_amounts.values() if v is not None), Decimal(0))
        part.three_public_total_change = change(part.three_public_total_yuan, then)


def line_key(line, names_by_id: dict[int, str]) -> tuple:
    """A line across years: its statement, code (else name) and its "其中" parent's name."""
    return line.statement, line.code or line.name, names_by_id.get(line.parent_id, "")


def _sum(rows):
    """The sum of `amount_yuan` over one disclosure's rows, as a subquery (NULL when none)."""
    total = rows.values("disclosure").annotate(total=Sum("amount_yuan")).values("total")[:1]
    return Subquery(total, output_field=MONEY)


class Simple2014(Format):
    key = "2014"
    template = "disclosure/_simple_2014.html"

    def total_expressions(self) -> dict:
        top = ExpenditureLine.objects.filter(disclosure=OuterRef("pk"), parent__isnull=True)
        economic = top.filter(statement=Statement.ECONOMIC)
        records = ThreePublicExpense.objects.filter(disclosure=OuterRef("pk"))
        return {
            "income": _sum(top.filter(statement=Statement.INCOME)),
            "expenditure": _sum(top.filter(statement=Statement.EXPENDITURE)),
            # 基本支出 by name; the statement's other uncoded top lines (项目支出, 项目专项经费 …)
            # are project expenditure (coded lines are economic classes, not the split).
            "basic": _sum(economic.filter(name=BASIC_NAME)),
            "project": _sum(economic.filter(code="").exclude(name=BASIC_NAME)),
            "three_public": _sum(records),
            **{item.value: _sum(records.filter(item=item.value)) for item in ThreePublicItem},
        }

    def lines(self):
        return ExpenditureLine.objects.filter(disclosure__fiscal_year__disclosure_format=self.key)

    def class_expression(self, code: str):
        # 支出按功能分类's top line of the 类 (a line's "其中" children are never a 类).
        functional = ExpenditureLine.objects.filter(
            disclosure=OuterRef("pk"), statement=Statement.FUNCTIONAL, parent__isnull=True
        )
        return _sum(functional.filter(code=code))

    def operating_expression(self):
        # The 2014 documents do not state 机关运行经费 (the 2016 rules added it).
        return None

    def page_part(self, *, disclosure, records, last_year_records, common) -> SimplePage:
        # Last year's published lines come with this year's: no query more for the change.
        lines = list(
            ExpenditureLine.objects.filter(this_and_last_year(disclosure)).order_by("order", "pk")
        )
        own = [x for x in lines if x.disclosure_id == disclosure.pk]
        old = [x for x in lines if x.disclosure_id != disclosure.pk]
        tables = statement_tables(own)
        total = sum((r.amount_yuan for r in records if r.amount_yuan is not None), Decimal(0))
        part = SimplePage(statements=tables, three_public_total_yuan=total)
        if old or last_year_records:
            part.previous_year = disclosure.fiscal_year.year - 1
        _changes(part, own, old, records, {r.item: r.amount_yuan for r in last_year_records})
        part.basic_sentence = narrative.basic_situation(
            agency=disclosure.agency,
            quota=common.quota,
            actual=common.actual,
            head_name=disclosure.head_name,
            head_posts=disclosure.head_posts,
        )
        by_key = {t.key: t.lines for t in tables}
        part.accounts_sentences = narrative.accounts(
            income=by_key.get(Statement.INCOME, []),
            expenditure=by_key.get(Statement.EXPENDITURE, []),
            economic=by_key.get(Statement.ECONOMIC, []),
            functional=by_key.get(Statement.FUNCTIONAL, []),
        )
        part.three_public_sentences = narrative.three_public(records=records, total_yuan=total)
        return part

    def printed_tables(self, page) -> list:
        return simple_tables(page)

    def spending_by_class(self, page):
        return chart_figures.simple_spending(page)

    def budget_against_final(self, page) -> list:
        return []  # the 2014 document prints final figures only, no 预算数

    def three_public_places(self) -> tuple[str, dict[str, str]]:
        return chart_figures.simple_three_public()

    def export_figures(self, disclosure_ids, *, using):
        lines = (
            ExpenditureLine.objects.using(using)
            .filter(disclosure_id__in=disclosure_ids)
            .annotate(statement_rank=STATEMENT_RANK)
            .order_by(*ONE_KIND_EXPORT_ORDER, "statement_rank", "order", "pk")
            .values_list(
                "disclosure_id", "statement", "code", "name", "parent__name", "amount_yuan"
            )
        )
        labels = dict(Statement.choices)
        for disclosure_id, statement, code, name, parent, amount in lines.iterator(EXPORT_CHUNK):
            yield ExportFigure(
                disclosure_id, labels[statement], code, name, parent or "", FINAL, amount
            )

    def export_csv_sql(self, disclosure_ids):
        # export_figures as text: the statement's label and rank as CASEs (in Statement's
        # order, as STATEMENT_RANK), the "其中" parent's name, no explanation (notes: two
        # empty cells). The parent is looked up among the batch's lines (a join on the table
        # hashed all of a nation's lines for each batch); one elsewhere, which clean()
        # forbids, by its id.
        labels = " ".join(
            f"WHEN {sql_literal(s.value)} THEN {sql_literal(csv_fields([neutralise(s.label)]))}"
            for s in Statement
        )
        ranks = " ".join(f"WHEN {sql_literal(s.value)} THEN {i}" for i, s in enumerate(Statement))
        lines = ExpenditureLine._meta.db_table
        parent = (
            "CASE WHEN l.parent_id IS NULL THEN '' WHEN p.id IS NOT NULL THEN p.name "
            f"ELSE (SELECT q.name FROM {lines} q WHERE q.id = l.parent_id) END"
        )
        sql = f"""
            WITH l AS MATERIALIZED (
                SELECT id, disclosure_id, statement, "order", code, name, parent_id, amount_yuan
                  FROM {lines}
                 WHERE disclosure_id = ANY(%s)
            )
            SELECT l.disclosure_id, CASE l.statement {ranks} END, l."order", l.id, 0,
                   CASE l.statement {labels} END
                   || ',' || {sql_quoted("l.code")}
                   || ',' || {sql_text_cell("l.name")}
                   || ',' || {sql_text_cell("l.parent")}
                   || ',' || {sql_literal(csv_fields([neutralise(FINAL)]))}
                   || ',' || {sql_wan("l.amount_yuan")}
                   || ',' || {sql_yuan("l.amount_yuan")}
                   || {sql_literal(NO_COUNTS_CSV)},
                   ','
              FROM (
                -- OFFSET 0: the parent once per line, not once per mention in the cell's CASE
                SELECT l.*, {parent} AS parent
                  FROM l
                  LEFT JOIN l p ON p.id = l.parent_id
                OFFSET 0
              ) l
        """
        return sql, [list(disclosure_ids)]

    def copy_figures(self, *, original, draft, copy) -> None:
        copy.levels(list(ExpenditureLine.objects.filter(disclosure=original)))

    def copy_structure(self, *, source, draft, copy) -> None:
        # A line is its amount (the column is required): last year's lines are laid out on the
        # new draft's page instead (line_layout), and only those given an amount are saved.
        return None

    def correction_figures(self, ids: list[int]) -> dict:
        figures: dict[int, dict] = defaultdict(dict)
        lines = ExpenditureLine.objects.filter(disclosure__in=ids).values_list(
            "disclosure_id", "statement", "code", "name", "amount_yuan"
        )
        for disclosure_id, statement, code, name, amount in lines.order_by(
            "statement", "order", "pk"
        ):
            label = f"{Statement(statement).label}：{f'{code} ' if code else ''}{name}"
            figures[disclosure_id][("line", statement, code, name)] = (label, wan_text(amount))
        return figures

    def reconciliation_parts(self, ids: list[int], *, kinds) -> dict[int, dict]:
        parts: dict[int, dict] = defaultdict(lambda: {"lines": [], "three_public": []})
        for row in ExpenditureLine.objects.filter(disclosure_id__in=ids).order_by("order", "pk"):
            line = kinds.Line(
                row.pk, row.statement, row.name, row.amount_yuan, row.code, row.parent_id
            )
            parts[row.disclosure_id]["lines"].append(line)
        for record in ThreePublicExpense.objects.filter(disclosure_id__in=ids):
            parts[record.disclosure_id]["three_public"].append(
                kinds.ThreePublic(
                    record.item,
                    record.amount_yuan,
                    bool(record.explanation or record.yoy_remark),
                    record.yoy_remark,
                )
            )
        return parts


register(Simple2014())
