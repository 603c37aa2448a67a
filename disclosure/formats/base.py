"""One interface for a disclosure format, and the registry that finds a year's format.

Everything that differs between formats answers here, so no code outside formats/ asks "which
format is this": the pages, the lists' totals, the exports, corrections and reconciliation call
the format of the disclosure (`format_for(disclosure)`), keyed by `FiscalYear.disclosure_format`.

A new regional format is a new module with a subclass of `Format` registered with
`register()`, plus the data of its table set (a ReportFormat with its tables): nothing else.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Protocol

from django.db.models import Case, DecimalField, Expression, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from disclosure.models import (
    Disclosure,
    DisclosureStatus,
    DocumentKind,
    FiscalYear,
    ThreePublicItem,
)
from disclosure.models.disclosure import THREE_PUBLIC_AMOUNT_IN_RECORD

MONEY = DecimalField(max_digits=17, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY)

# The totals every list shows or may show, each annotated as `<name>_yuan` (exact 元).
# The exports' order of disclosures, the one rule every export follows: by year, then agency
# (in the order agencies were registered), then the 预算 before the 决算 of that agency-year (the
# budget is published first, that spring), then revision. The kind sorts by its stored value,
# "budget" < "final": lowercase ASCII, ordered alike by every collation and by Python.
# DISCLOSURE_EXPORT_ORDER is the same order on Disclosure itself, EXPORT_ORDER on its parts.
DISCLOSURE_EXPORT_ORDER = ("fiscal_year__year", "agency_id", "kind", "pk")
EXPORT_ORDER = (
    "disclosure__fiscal_year__year",
    "disclosure__agency_id",
    "disclosure__kind",
    "disclosure_id",
)
# The same order for a format's own figures (export_figures): they are all of one kind (a year
# format's 决算s, the budget's 预算s), so the kind never decides among them, and sorting on it
# cost a tenth more time in a batch's rows query (measured on PostgreSQL, 25 disclosures).
ONE_KIND_EXPORT_ORDER = tuple(f for f in EXPORT_ORDER if f != "disclosure__kind")
# What a format's export_csv_sql selects: the disclosure, four integers ordering its figures,
# and the figure's cells as CSV text around the document's columns.
EXPORT_CSV_COLUMNS = ("disclosure", "k0", "k1", "k2", "k3", "figures", "notes")
# A format's figure leaves the nine 三公 count cells after 金额（元） empty.
NO_COUNTS_CSV = "," * 9
# Rows fetched per round trip of the exports' server-side cursors.
EXPORT_CHUNK = 2000

TOTALS = ("income", "expenditure", "basic", "project", "three_public") + tuple(
    item.value for item in ThreePublicItem
)


class ExportFigure(NamedTuple):
    """One figure of a format's own statements or tables, as the CSV export prints it.

    A tuple, not a dataclass of model objects: a national export builds millions of them.
    """

    disclosure_id: int
    report: str  # 收入决算 / 公开03表 支出决算表
    code: str
    name: str
    place: str  # the "其中" parent or the row's side, panel and parent
    column: str  # 决算数, 本年支出合计 …
    amount_yuan: Decimal | None  # None: a cell the table prints blank
    explanation: str = ""  # the row's 说明 (the clerk's reason for a large change), if any


@dataclass
class Change:
    """A figure against last year's published one, computed for the page (templates display)."""

    prior: Decimal | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None
    material: bool = False


@dataclass(frozen=True)
class ChartFigure:
    """One figure a chart draws: what it is, its amount and where the document prints it, named
    as the reconciliation's findings name it (so a chart can say whether its figures passed).
    A budget-against-final chart gives the budget beside it."""

    name: str
    amount_yuan: Decimal | None
    place: str
    budget_yuan: Decimal | None = None
    budget_place: str = ""


@dataclass(frozen=True)
class ChartData:
    """A chart's figures as the format holds them, with what they are and where they are from."""

    title: str  # 支出按功能分类（类）
    source: str  # 公开03表 支出决算表，“本年支出合计”列
    figures: list[ChartFigure]


class Copier(Protocol):
    """How a correction copies rows into its new revision, with their audit history
    (workflow.corrections provides it: the formats say what to copy, not how)."""

    def rows(self, rows: list) -> list: ...

    def levels(self, rows: list) -> dict[int, int]: ...

    def remapped(self, rows: Iterable, attname: str, new_ids: dict[int, int]) -> None: ...


class Format(ABC):
    key: ClassVar[str]
    # The document kind it holds: a year's format holds its 决算; a kind's own format (the
    # budget) holds every document of that kind (register_kind).
    kind: ClassVar[str] = DocumentKind.FINAL
    # True: the figures are entered as public tables and 情况说明 (the admin's inlines, the
    # import's table sheets); False: as statements of lines.
    has_tables: ClassVar[bool] = False
    # True: the 三公 records hold counts only; their amounts are table cells (公开07表).
    three_public_amounts_in_tables: ClassVar[bool] = False
    template: ClassVar[str]  # the page's include under templates/disclosure/

    # --- lists -----------------------------------------------------------------------------

    @abstractmethod
    def total_expressions(self) -> dict[str, Expression]:
        """name (from TOTALS) → an SQL expression of one disclosure's total in 元, over
        OuterRef("pk") of a Disclosure query. Totals the format lacks are left out (0)."""

    # --- search and compare ----------------------------------------------------------------

    @abstractmethod
    def lines(self) -> QuerySet:
        """The printed budget lines (rows with `code`, `name` and `disclosure`) of this
        format's disclosures, every status: the search narrows them to published ones."""

    @abstractmethod
    def class_expression(self, code: str) -> Expression | None:
        """A functional 类's expenditure (`code`, 3 digits) of one disclosure in 元, over
        OuterRef("pk") as in total_expressions; None when the format does not print it."""

    @abstractmethod
    def operating_expression(self) -> Expression | None:
        """机关运行经费 of one disclosure in 元, over OuterRef("pk"); None when the format's
        documents do not state it."""

    # --- the page --------------------------------------------------------------------------

    @abstractmethod
    def page_part(
        self, *, disclosure: Disclosure, records: list, last_year_records: list, common: Any
    ) -> Any:
        """The format's part of the disclosure page (what `template` displays). `records` are
        the 三公 records in item order, `last_year_records` those of last year's published
        disclosure; `common` the page's parts every format has (staffing …)."""

    # --- charts ----------------------------------------------------------------------------

    @abstractmethod
    def spending_by_class(self, page: Any) -> ChartData | None:
        """The year's expenditure by functional class (类), from the page (no query)."""

    @abstractmethod
    def budget_against_final(self, page: Any) -> list[ChartData]:
        """Each set of figures the document prints both as budget (预算数) and final (决算数),
        from the page (no query); none when the format prints no budget."""

    @abstractmethod
    def three_public_places(self) -> tuple[str, dict[str, str]]:
        """Where the lists' 三公 totals come from: a sentence, and per item (ThreePublicItem's
        value, and "three_public" for the total) the place as findings name it."""

    # --- exports ---------------------------------------------------------------------------

    @abstractmethod
    def printed_tables(self, page: Any) -> list:
        """The page's tables as `printed.PrintedTable`s (the downloads' sheets): `page` is the
        disclosure page with this format's `page_part` in `page.part`."""

    @abstractmethod
    def export_figures(self, disclosure_ids: list[int], *, using: str) -> Iterator[ExportFigure]:
        """The format's own figures of these disclosures (all of this format, a batch of the
        export's), streamed from database `using`, ordered by disclosure as the exports are
        (ONE_KIND_EXPORT_ORDER), then as the document prints them."""

    def export_csv_sql(self, disclosure_ids: list[int]) -> tuple[str, list] | None:
        """The same figures as CSV text made by PostgreSQL (exports.rows, figure_csv): a SELECT
        of EXPORT_CSV_COLUMNS with its parameters, or None to be exported through
        export_figures (every database but PostgreSQL always is).

        `figures` is the row's cells 报表 … 外宾接待人次 and `notes` its 说明 and 同比情况, each
        written as csv.writer writes them (disclosure.core.csv's sql_ helpers), so that the
        bytes equal export_figures' rows written by exports.rows; k0 … k3 order the figures
        of one disclosure as export_figures does.
        """
        return None

    # --- corrections -----------------------------------------------------------------------

    @abstractmethod
    def copy_figures(self, *, original: Disclosure, draft: Disclosure, copy: Copier) -> None:
        """Copy the format's own rows of `original` into the new revision `draft`."""

    @abstractmethod
    def correction_figures(self, ids: list[int]) -> dict[int, dict[tuple, tuple[str, str]]]:
        """Per revision: figure key → (label, printed value), for the correction history."""

    # --- a new year ----------------------------------------------------------------------

    @abstractmethod
    def copy_structure(self, *, source: Disclosure, draft: Disclosure, copy: Copier) -> None:
        """Copy the structure of last year's `source` (rows, codes, names, headings) into the
        new year's `draft`, of the same format, without figures: the clerk enters them. What
        cannot exist without its figure is laid out on the draft's page instead."""

    # --- reconciliation --------------------------------------------------------------------

    @abstractmethod
    def reconciliation_parts(self, ids: list[int], *, kinds: Any) -> dict[int, dict]:
        """Per disclosure: the engine's Facts fields this format fills (lines, three_public,
        tables), built with the engine's types passed in `kinds` (formats sit below the
        reconciliation layer and cannot import it)."""


def this_and_last_year(disclosure: Disclosure) -> Q:
    """Rows of `disclosure` and of last year's published disclosure of the same agency (the base
    of "change on last year"), as a filter on a part's `disclosure`: one query brings both years'
    rows. The two disclosures are chosen in a subquery, so the rows are found through their
    disclosure's index: an OR across the join made PostgreSQL scan every line of every
    disclosure (220 ms a page at 2,000 agencies × 5 years, against 1 ms)."""
    previous = Q(
        agency_id=disclosure.agency_id,
        fiscal_year__year=disclosure.fiscal_year.year - 1,
        kind=disclosure.kind,
        status=DisclosureStatus.PUBLISHED,
    )
    both = Disclosure.objects.filter(Q(pk=disclosure.pk) | previous).values("pk")
    return Q(disclosure__in=both)


def structure_source(disclosure: Disclosure) -> Disclosure | None:
    """The disclosure a new year starts from: the same agency's latest earlier year of the same
    kind, its published (current) revision if it has one, else its newest revision."""
    earlier = (
        Disclosure.objects.filter(
            agency_id=disclosure.agency_id,
            fiscal_year__year__lt=disclosure.fiscal_year.year,
            kind=disclosure.kind,
        )
        .select_related("fiscal_year", "agency")
        .order_by("-fiscal_year__year", "-revision")
    )
    newest = earlier.first()
    if newest is None:
        return None
    current = earlier.filter(
        fiscal_year_id=newest.fiscal_year_id, status=DisclosureStatus.PUBLISHED
    ).first()
    return current or newest


_REGISTRY: dict[str, "Format"] = {}


def register(fmt: "Format") -> "Format":
    _REGISTRY[fmt.key] = fmt
    # The model layer enforces where a 三公 amount lives; it reads the format's declaration.
    THREE_PUBLIC_AMOUNT_IN_RECORD[fmt.key] = not fmt.three_public_amounts_in_tables
    return fmt


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)
    THREE_PUBLIC_AMOUNT_IN_RECORD.pop(key, None)


def registered() -> list["Format"]:
    return list(_REGISTRY.values())


# A document kind other than the 决算 → its one format, whatever the year's.
_BY_KIND: dict[str, "Format"] = {}


def register_kind(fmt: "Format") -> "Format":
    _BY_KIND[fmt.kind] = fmt
    return fmt


def kind_format(kind: str) -> "Format | None":
    """The format of every document of `kind` (the budget's), or None: a 决算 takes its year's."""
    return _BY_KIND.get(kind)


def format_for(fiscal_year_or_disclosure: FiscalYear | Disclosure) -> "Format":
    """The format of a disclosure (its kind's, for a 预算; else its year's), or of a year's
    决算 when given a year."""
    kind = getattr(fiscal_year_or_disclosure, "kind", DocumentKind.FINAL)
    if kind in _BY_KIND:
        return _BY_KIND[kind]
    fiscal_year = getattr(fiscal_year_or_disclosure, "fiscal_year", fiscal_year_or_disclosure)
    try:
        return _REGISTRY[fiscal_year.disclosure_format]
    except KeyError:
        raise LookupError(f"未知的公开格式：{fiscal_year.disclosure_format}") from None


def with_per_format(disclosures: QuerySet, **measures: dict[str, Expression | None]) -> QuerySet:
    """Annotate each `name=` with its {format key: expression} (None or absent: the format
    lacks it), picked in one CASE on the year's format: one query however the formats mix.
    A disclosure whose format lacks the figure gets NULL, never a made-up 0."""
    annotations = {}
    for name, by_format in measures.items():
        whens = [
            When(fiscal_year__disclosure_format=key, then=expr)
            for key, expr in by_format.items()
            if expr is not None
        ]
        annotations[name] = (
            Case(*whens, default=Value(None, output_field=MONEY), output_field=MONEY)
            if whens
            else Value(None, output_field=MONEY)
        )
    return disclosures.annotate(**annotations)


def with_totals(disclosures: QuerySet, *, kind: str = DocumentKind.FINAL) -> QuerySet:
    """Annotate `<total>_yuan` for every name in TOTALS, each from its disclosure's format.

    One query whatever the number of disclosures and however the formats mix: every format's
    expression sits in a CASE on the year's format. The disclosures are all of `kind`: a 决算
    by default; of a kind with its own format (the 预算), that format's totals, without a CASE.
    """
    own = kind_format(kind)
    if own is not None:
        expressions = own.total_expressions()
        return disclosures.annotate(
            **{
                f"{name}_yuan": Coalesce(expressions[name], ZERO) if name in expressions else ZERO
                for name in TOTALS
            }
        )
    annotations = {}
    formats = registered()
    expressions = {fmt.key: fmt.total_expressions() for fmt in formats}
    for name in TOTALS:
        whens = [
            When(fiscal_year__disclosure_format=key, then=Coalesce(exprs[name], ZERO))
            for key, exprs in expressions.items()
            if name in exprs
        ]
        annotations[f"{name}_yuan"] = (
            Case(*whens, default=ZERO, output_field=MONEY) if whens else ZERO
        )
    return disclosures.annotate(**annotations)
