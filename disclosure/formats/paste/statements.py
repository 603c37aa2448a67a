"""The narrative's statements of table figures: a stored figure ([[f:…]]) printed where the
words name a cell (人员经费 [[f:基本支出人员经费]] 万元 beside 公开06表 人员经费合计).

The reconciliation's `narrative_cell` rule compares the two; this finds them with the pasting
matcher's own reading of the words (matcher._named_cell), so the page that proposed the figure
and the check that watches it afterwards agree on which cell the words name.
"""

from decimal import Decimal

from disclosure.models import REFERENCE

from .catalogue import Candidate, Catalogue, cell_candidate, count_candidates
from .figures import find_figures
from .matcher import _named_cell


def catalogue_from_tables(
    tables: dict,
    titles: dict[str, str],
    figures,
    counts,
    *,
    measure: str = "final",
    prefix: str = "公开",
) -> Catalogue:
    """A Catalogue from the reconciliation's tables (engine Table/Row/Column), the stored
    narrative figures and the 三公 counts: no query of its own. `measure` and `prefix` are the
    document's (Catalogue): a 预算's words speak of its 预算数, in its 预算NN表."""
    catalogue = Catalogue(agency="", year=0, measure=measure, table_prefix=prefix)
    for number, table in tables.items():
        names = {row.key: row.name for row in table.rows}
        for row in table.rows:
            for label, yuan in row.cells.items():
                column = next(
                    (c for c in table.columns if c.label == label and c.side in ("", row.side)),
                    None,
                )
                catalogue.candidates.append(
                    cell_candidate(
                        table=number,
                        title=titles.get(number, ""),
                        row_key=row.key,
                        row_name=row.name,
                        parent=names.get(row.parent, ""),
                        column=label,
                        measure=column.measure if column else "final",
                        total=row.role == "total",
                        yuan=yuan,
                        prefix=prefix,
                    )
                )
    catalogue.candidates += [
        Candidate("f", f.key, f.value, f.unit, f.label, (f.label, f.key)) for f in figures
    ]
    catalogue.candidates += count_candidates(counts)
    return catalogue


def _printed(text: str, values: dict) -> tuple[str, dict[int, str]]:
    """The paragraph as printed, and where each [[f:…]] figure's number starts."""
    out, starts, at = [], {}, 0
    for match in REFERENCE.finditer(text):
        out.append(text[at : match.start()])
        printed = values.get((match["kind"], match["ref"]), "0")
        if match["kind"] == "l":
            printed = match["ref"]
        if match["kind"] == "f":
            starts[sum(len(p) for p in out)] = match["ref"]
        out.append(printed)
        at = match.end()
    out.append(text[at:])
    return "".join(out), starts


def stated_cells(paragraphs: list[str], catalogue: Catalogue) -> list[tuple]:
    """(key, words, value 万元, cell Candidate) for each stored figure whose words name a cell
    with another value."""
    values = {(c.kind, c.ref): f"{c.value:f}" for c in catalogue.candidates}
    figures = {c.ref: c for c in catalogue.candidates if c.kind == "f"}
    found = []
    for text in paragraphs:
        printed, starts = _printed(text, values)
        for f in find_figures(printed):
            key = starts.get(f.start)
            figure = figures.get(key)
            if figure is None or figure.unit != "万元":
                continue
            cell = _named_cell(f, catalogue)
            if cell is not None and cell.value != figure.value:
                found.append((key, f.clause, Decimal(figure.value), cell))
    return found
