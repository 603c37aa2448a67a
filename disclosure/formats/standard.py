"""The standard format (财预〔2016〕143号): public tables as rows × columns → cells, 情况说明
citing figures, 三公 records holding counts only (their amounts are cells of 公开07表).

Which table, row and column holds each list total is declared in `TOTALS`: a regional format
with another table set subclasses `Standard` and declares its own.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db.models import (
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from disclosure.core.csv import sql_literal, sql_quoted, sql_text_cell
from disclosure.core.money import YUAN_PER_WAN, sql_wan, sql_yuan, wan_text
from disclosure.core.rows import row_key, row_label, row_place
from disclosure.models import (
    Cell,
    ClassificationCode,
    ColumnSpec,
    DocumentKind,
    ExplanationParagraph,
    ExplanationSection,
    FigureUnit,
    NarrativeFigure,
    ReportRow,
    TableNote,
    TableSpec,
    ThreePublicExpense,
)

from . import chart_figures
from .base import (
    EXPORT_CHUNK,
    MONEY,
    NO_COUNTS_CSV,
    ONE_KIND_EXPORT_ORDER,
    ExportFigure,
    Format,
    register,
)
from .citations import count_values
from .classes import add_class_codes
from .paste import catalogue_from_tables, stated_cells
from .printed import standard_tables
from .standard_page import previous_disclosure, standard_page


@dataclass(frozen=True)
class Place:
    """Where a figure is printed: table number, row (side, "其中" parent, name), column."""

    table: str
    name: str
    column: str
    side: str = ""
    parent: str = ""

    def cell(self):
        cells = Cell.objects.filter(
            row__disclosure=OuterRef("pk"),
            row__table__number=self.table,
            row__side=self.side,
            row__name=self.name,
            column__label=self.column,
        )
        if self.parent:
            cells = cells.filter(row__parent__name=self.parent)
        else:
            cells = cells.filter(row__parent__isnull=True)
        return Subquery(cells.values("amount_yuan")[:1], output_field=MONEY)


VEHICLE = "公务用车购置及运行维护费"


class Standard(Format):
    key = "standard"
    has_tables = True
    three_public_amounts_in_tables = True
    template = "disclosure/_standard.html"
    # How the document names its tables in the exports: 公开05表 (the budget's: 预算05表).
    TABLE_PREFIX = "公开"
    # The measure of the document's own figures (a column's `measure`): what the words of its
    # 情况说明 mean when they do not say 预算 or 决算.
    OWN_MEASURE = "final"

    # Each list total: the places that print it, the first present wins (01 is the summary
    # table; 02/03 the detailed ones, which a disclosure may publish without 01).
    TOTALS: dict[str, tuple[Place, ...]] = {
        "income": (
            Place("01", "本年收入合计", "决算数", side="收入"),
            Place("02", "合计", "本年收入合计"),
        ),
        "expenditure": (
            Place("01", "本年支出合计", "决算数", side="支出"),
            Place("03", "合计", "本年支出合计"),
        ),
        "basic": (Place("03", "合计", "基本支出"),),
        "project": (Place("03", "合计", "项目支出"),),
        "three_public": (Place("07", "合计", "决算数"),),
        "outbound": (Place("07", "因公出国（境）费", "决算数"),),
        "vehicle_purchase": (Place("07", "公务用车购置费", "决算数", parent=VEHICLE),),
        "vehicle_running": (Place("07", "公务用车运行维护费", "决算数", parent=VEHICLE),),
        "reception": (Place("07", "公务接待费", "决算数"),),
    }

    # A functional 类's expenditure: its row of the table that gives 支出决算 (all funds).
    CLASS_TABLE, CLASS_COLUMN = "03", "本年支出合计"
    # 机关运行经费 is stated in 情况说明 (a NarrativeFigure in 万元) under this key.
    OPERATING_KEY = "机关运行经费"

    def owns(self, path: str = "disclosure") -> Q:
        """This format's disclosures, as a filter on `path` to them: the year's 决算 of this
        format (a 预算 of the same year is the budget format's)."""
        return Q(
            **{
                f"{path}__fiscal_year__disclosure_format": self.key,
                f"{path}__kind": DocumentKind.FINAL,
            }
        )

    def lines(self):
        return ReportRow.objects.filter(self.owns())

    def class_expression(self, code: str):
        cells = Cell.objects.filter(
            row__disclosure=OuterRef("pk"),
            row__table__number=self.CLASS_TABLE,
            row__code=code,
            column__label=self.CLASS_COLUMN,
        )
        return Subquery(cells.values("amount_yuan")[:1], output_field=MONEY)

    def operating_expression(self):
        figures = NarrativeFigure.objects.filter(
            disclosure=OuterRef("pk"), key=self.OPERATING_KEY, unit=FigureUnit.WAN
        ).annotate(yuan=ExpressionWrapper(F("value") * YUAN_PER_WAN, output_field=MONEY))
        return Subquery(figures.values("yuan")[:1], output_field=MONEY)

    def total_expressions(self) -> dict:
        expressions = {}
        for name, places in self.TOTALS.items():
            cells = [place.cell() for place in places]
            if cells:  # a table set without the total leaves it out (lists show 0)
                expressions[name] = cells[0] if len(cells) == 1 else Coalesce(*cells)
        return expressions

    def page_part(self, *, disclosure, records, last_year_records, common):
        # Last year's change comes from last year's cells (07 included), not from its records.
        part = standard_page(
            disclosure=disclosure,
            previous=previous_disclosure(disclosure),
            counts=count_values(records),
        )
        part.units = list(disclosure.units.all())
        part.glossary = list(disclosure.glossary.all())
        return part

    def printed_tables(self, page) -> list:
        return standard_tables(page)

    def spending_by_class(self, page):
        return chart_figures.standard_spending(page)

    def budget_against_final(self, page) -> list:
        return chart_figures.standard_budgets(page)

    def three_public_places(self) -> tuple[str, dict[str, str]]:
        return chart_figures.standard_three_public()

    def export_figures(self, disclosure_ids, *, using):
        """Every cell the page prints, a blank one with no amount (README, "CSV"), and the
        figures of unprinted columns (年初预算数); a table published empty with its note prints
        only the note, so its rows are not exported.

        Three queries for the batch: its rows in order (with their table's note, if any), the
        cells of those rows by row id (a lookup in the cells' (row, column) index; a join on
        the rows let the planner hash every cell of the database for each batch, a subquery
        per cell cost a probe per column), and the tables' columns; rows × columns here.
        """
        rows = list(
            ReportRow.objects.using(using)
            .filter(disclosure_id__in=disclosure_ids)
            .annotate(
                note=FilteredRelation(
                    "disclosure__table_notes",
                    condition=Q(disclosure__table_notes__table=F("table_id")),
                )
            )
            .order_by(*ONE_KIND_EXPORT_ORDER, "table__number", "order")
            .values_list(*EXPORT_ROW_FIELDS)
        )
        amounts = {
            (row, column): amount
            for row, column, amount in Cell.objects.using(using)
            .filter(row_id__in=[r[0] for r in rows])
            .values_list("row_id", "column_id", "amount_yuan")
            .iterator(EXPORT_CHUNK)
        }
        columns = defaultdict(list)
        specs = ColumnSpec.objects.using(using).filter(table_id__in={r[2] for r in rows})
        # pk after order: two columns may share an order, and export_csv_sql must agree.
        for spec in specs.order_by("order", "pk").values_list(
            "table_id", "id", "group", "label", "side", "printed"
        ):
            columns[spec[0]].append(spec[1:])
        for (_disclosure, table), table_rows in groupby(rows, key=itemgetter(1, 2)):
            yield from _table_figures(list(table_rows), columns[table], amounts, self.TABLE_PREFIX)

    def export_csv_sql(self, disclosure_ids):
        """export_figures as text: each row joined to its table's columns and its cell there,
        if any, kept as _table_figures keeps them (a cell, or a blank the table prints on the
        row's side); a table published empty with its note (no cell in its columns) left out.

        A row's text (code, name, place, explanation) is written once per row and a column's
        (table, label) once per column, not once per cell; the cells are read by their rows'
        ids, as export_figures reads them, and a row's parent among the batch's rows (a join on
        the tables let the planner hash every cell or row of a nation for each batch). The
        tables are ordered by their numbers' rank in the batch (in the database's collation,
        as export_figures orders them), so that every sort key is an integer.
        """
        rows, cells = ReportRow._meta.db_table, Cell._meta.db_table
        columns, tables = ColumnSpec._meta.db_table, TableSpec._meta.db_table
        notes = TableNote._meta.db_table
        parent = (
            "CASE WHEN r.parent_id IS NULL THEN NULL WHEN p.id IS NOT NULL THEN p.name "
            f"ELSE (SELECT q.name FROM {rows} q WHERE q.id = r.parent_id) END"
        )
        place = (
            "concat_ws('/', NULLIF(CASE WHEN r.side <> '' THEN r.side ELSE r.panel END, ''), "
            f"NULLIF({parent}, ''))"
        )
        label = (
            "CASE WHEN c.\"group\" <> '' AND c.label <> '' THEN c.\"group\" || '/' || c.label "
            'ELSE c."group" || c.label END'
        )
        sql = f"""
            WITH batch AS MATERIALIZED (
                SELECT id, disclosure_id, table_id, "order", side, panel, code, name, parent_id,
                       explanation
                  FROM {rows}
                 WHERE disclosure_id = ANY(%s)
            ), r AS MATERIALIZED (
                SELECT r.id, r.disclosure_id, r.table_id, r."order", r.side,
                       {sql_quoted("r.code")} || ',' || {sql_text_cell("r.name")}
                       || ',' || {sql_text_cell("r.place")} || ',' AS text,
                       {sql_text_cell("r.explanation")} || ',' AS notes
                  FROM (
                    -- OFFSET 0: the place once per row, not once per mention in the cell's CASE
                    SELECT r.*, {place} AS place
                      FROM batch r
                      LEFT JOIN batch p ON p.id = r.parent_id
                    OFFSET 0
                  ) r
            ), c AS MATERIALIZED (
                SELECT c.id, c.table_id, c."order", c.side, c.printed, t.two_sided,
                       dense_rank() OVER (ORDER BY t.number) AS number_rank,
                       {sql_text_cell(f"'{self.TABLE_PREFIX}' || t.number || '表 ' || t.title")}
                       || ',' AS report,
                       {sql_text_cell(label)} || ',' AS label
                  FROM {columns} c
                  JOIN {tables} t ON t.id = c.table_id
                 WHERE c.table_id IN (SELECT table_id FROM batch)
            ), x AS MATERIALIZED (
                SELECT x.row_id, x.column_id, x.amount_yuan
                  FROM {cells} x
                 WHERE x.row_id = ANY(ARRAY(SELECT id FROM batch))
            ), emptied AS (
                SELECT n.disclosure_id, n.table_id
                  FROM {notes} n
                 WHERE n.disclosure_id = ANY(%s)
                   AND NOT EXISTS (
                       SELECT 1 FROM r JOIN x ON x.row_id = r.id
                         JOIN c ON c.id = x.column_id AND c.table_id = r.table_id
                        WHERE r.disclosure_id = n.disclosure_id AND r.table_id = n.table_id)
            )
            SELECT r.disclosure_id, c.number_rank, r."order", c."order", c.id,
                   c.report || r.text || c.label || {sql_wan("x.amount_yuan")}
                   || ',' || {sql_yuan("x.amount_yuan")} || {sql_literal(NO_COUNTS_CSV)},
                   r.notes
              FROM r
              JOIN c ON c.table_id = r.table_id
              LEFT JOIN x ON x.row_id = r.id AND x.column_id = c.id
             WHERE (x.row_id IS NOT NULL OR (c.printed AND (NOT c.two_sided OR c.side = r.side)))
               AND NOT EXISTS (
                   SELECT 1 FROM emptied e
                    WHERE e.disclosure_id = r.disclosure_id AND e.table_id = r.table_id)
        """
        return sql, [list(disclosure_ids), list(disclosure_ids)]

    def copy_figures(self, *, original, draft, copy) -> None:
        for model in (NarrativeFigure, TableNote):
            copy.rows(list(model.objects.filter(disclosure=original)))
        new_rows = copy.levels(list(ReportRow.objects.filter(disclosure=original)))
        copy.remapped(Cell.objects.filter(row__disclosure=original), "row_id", new_rows)
        sections = list(ExplanationSection.objects.filter(disclosure=original))
        new_sections = copy.levels(sections)
        paragraphs = ExplanationParagraph.objects.filter(section__disclosure=original)
        copy.remapped(paragraphs, "section_id", new_sections)

    def copy_structure(self, *, source, draft, copy) -> None:
        # The tables' rows with their codes, names, sides and parents, but no cells; the
        # 情况说明's headings without paragraphs (they cite this year's figures). A row's 科目 is
        # looked up again in the new year's code version; last year's explanations of large
        # changes do not carry over.
        version = draft.fiscal_year.code_version_id
        codes = {}
        if version is not None:
            codes = {
                (scheme, code): pk
                for pk, scheme, code in ClassificationCode.objects.filter(
                    version_id=version
                ).values_list("pk", "scheme", "code")
            }
        rows = list(ReportRow.objects.filter(disclosure=source).select_related("classification"))
        for row in rows:
            old = row.classification
            row.classification_id = codes.get((old.scheme, old.code)) if old else None
            row.explanation = ""
        copy.levels(rows)
        copy.levels(list(ExplanationSection.objects.filter(disclosure=source)))

    def correction_figures(self, ids: list[int]) -> dict:
        figures: dict[int, dict] = defaultdict(dict)
        cells = Cell.objects.filter(row__disclosure__in=ids).values_list(
            "row__disclosure_id",
            "row__table__number",
            "row__side",
            "row__panel",
            "row__parent__name",
            "row__code",
            "row__name",
            "column__group",
            "column__label",
            "amount_yuan",
        )
        ordered = cells.order_by("row__table__number", "row__order", "column__order")
        for pk, number, side, panel, parent, code, name, group, column, amount in ordered:
            key = row_key(code="", name=name, side=side, panel=panel, parent=parent or "")
            row = row_label(code=code, name=name, key=key)
            measure = "/".join(p for p in (group, column) if p)
            figure = ("cell", number, side, panel, parent, code, name, group, column)
            figures[pk][figure] = (f"公开{number}表：{row}（{measure}）", wan_text(amount))
        return figures

    def reconciliation_parts(self, ids: list[int], *, kinds) -> dict[int, dict]:
        parts: dict[int, dict] = defaultdict(lambda: {"three_public": [], "tables": {}})
        titles: dict[str, str] = {}
        for pk, tables in _tables(ids, kinds, titles).items():
            parts[pk]["tables"] = tables
        # The amounts are 07's cells; the records bring the clerk's 同比 remark and reasons.
        records = defaultdict(list)
        for record in ThreePublicExpense.objects.filter(disclosure_id__in=ids):
            records[record.disclosure_id].append(record)
            parts[record.disclosure_id]["three_public"].append(
                kinds.ThreePublic(
                    record.item,
                    None,
                    bool(record.explanation or record.yoy_remark),
                    record.yoy_remark,
                )
            )
        _narrative_parts(ids, kinds, parts, titles, records, self)
        return parts


def _narrative_parts(ids, kinds, parts, titles, records, fmt: Standard) -> None:
    """The figures only the 情况说明 states, and those printed where the words name a cell
    (two queries for every disclosure together)."""
    figures = defaultdict(list)
    for f in NarrativeFigure.objects.filter(disclosure_id__in=ids).order_by("order", "pk"):
        figures[f.disclosure_id].append(f)
    paragraphs = defaultdict(list)
    for owner, text in (
        ExplanationParagraph.objects.filter(section__disclosure_id__in=ids)
        .order_by("section__order", "order", "pk")
        .values_list("section__disclosure_id", "text")
    ):
        paragraphs[owner].append(text)
    for pk in ids:
        parts[pk]["narrative"] = [
            kinds.Stated(f.key, f.label, f.value, f.unit) for f in figures[pk]
        ]
        if not paragraphs[pk]:
            continue
        catalogue = catalogue_from_tables(
            parts[pk]["tables"],
            titles,
            figures[pk],
            count_values(records[pk]),
            measure=fmt.OWN_MEASURE,
            prefix=fmt.TABLE_PREFIX,
        )
        parts[pk]["statements"] = [
            kinds.Statement(key, words, value * YUAN_PER_WAN, cell.label, cell.value * YUAN_PER_WAN)
            for key, words, value, cell in stated_cells(paragraphs[pk], catalogue)
        ]


EXPORT_ROW_FIELDS = (
    "id",
    "disclosure_id",
    "table_id",
    "table__number",
    "table__title",
    "table__two_sided",
    "code",
    "name",
    "side",
    "panel",
    "parent__name",
    "explanation",
    "note__id",
)


def _table_figures(rows: list[tuple], columns: list[tuple], amounts: dict, prefix: str) -> Iterator:
    """One table of one disclosure (rows as EXPORT_ROW_FIELDS, its columns in order, the
    batch's amounts by (row, column)): the figures it exports, its tables named
    `<prefix>NN表` as the document prints them."""
    noted = rows[0][-1] is not None
    if noted and not any((r[0], c[0]) in amounts for r in rows for c in columns):
        return  # published empty, with its note: the note is what the table says
    _id, _d, _t, number, title, two_sided, *_rest = rows[0]
    report = f"{prefix}{number}表 {title}"
    labels = [
        f"{group}/{label}" if group and label else group or label for _, group, label, *_ in columns
    ]
    for (
        row_id,
        disclosure_id,
        _t,
        _n,
        _title,
        _two,
        code,
        name,
        side,
        panel,
        parent,
        explanation,
        _note,
    ) in rows:
        place = row_place(side=side, panel=panel, parent=parent or "")
        for (column_id, _g, _l, column_side, printed), label in zip(columns, labels, strict=True):
            amount = amounts.get((row_id, column_id))
            if amount is None and not (printed and (not two_sided or column_side == side)):
                continue
            yield ExportFigure(disclosure_id, report, code, name, place, label, amount, explanation)


def _tables(ids: list[int], kinds, titles: dict[str, str]) -> dict[int, dict]:
    """The tables of each disclosure as the engine reads them: three queries. `titles` gets
    each table's title (table number → title)."""
    rows = list(
        ReportRow.objects.filter(disclosure_id__in=ids)
        # The parent's parent too: a child row's key names its parent, whose key may name its own.
        .select_related("table", "parent__parent")
        .order_by("table__number", "order", "pk")
    )
    cells: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row_id, label, amount in Cell.objects.filter(row__disclosure_id__in=ids).values_list(
        "row_id", "column__label", "amount_yuan"
    ):
        cells[row_id][label] = amount
    columns = defaultdict(list)
    specs = ColumnSpec.objects.filter(table_id__in={r.table_id for r in rows}).order_by("order")
    for c in specs:
        columns[c.table_id].append(kinds.Column(c.label, c.side, c.group, c.measure, c.printed))
    tables: dict[int, dict] = defaultdict(dict)
    made = []
    for r in rows:
        spec = r.table
        table = tables[r.disclosure_id].get(spec.number)
        if table is None:
            table = kinds.Table(spec.number, columns[spec.pk], [], spec.two_sided, spec.row_source)
            tables[r.disclosure_id][spec.number] = table
            titles[spec.number] = spec.title
        parent = r.parent.key if r.parent_id else ""
        row = kinds.Row(
            r.key, r.name, r.code, r.side, r.panel, parent, r.role, r.explanation, cells[r.pk]
        )
        row.ordinal = r.ordinal
        table.rows.append(row)
        made.append((r, row))
    add_class_codes(made)
    return tables


register(Standard())
