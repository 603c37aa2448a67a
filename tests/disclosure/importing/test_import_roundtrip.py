"""Round trip: a disclosure's export re-imports to identical data (property-based)."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bureaus.models import Agency
from disclosure.importing import disclosure_import
from disclosure.models import (
    COUNTS_BY_ITEM,
    Disclosure,
    ExpenditureLine,
    FiscalYear,
    Statement,
    ThreePublicExpense,
    ThreePublicItem,
)
from tests.disclosure.importing.test_import_service import export_bytes, figures

pytestmark = pytest.mark.django_db

# Chinese, ASCII and the punctuation spreadsheets and CSV treat specially (quotes, commas,
# formula starters, the apostrophe our exports prefix them with).
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list("AZaz09 ,\"'=+-@/（）“”：、．１２")),
)
TEXT = st.text(ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool)
FEN = st.integers(min_value=0, max_value=999_999_999_999_999)
AMOUNT = st.one_of(st.just(0), st.just(999_999_999_999_999), st.just(1), FEN).map(
    lambda fen: Decimal(fen).scaleb(-2)
)
CODE = st.from_regex(r"\A([0-9]{3}|[0-9]{5}|[0-9]{7})\Z")


@st.composite
def statement_lines(draw, statement: str, min_size: int = 0):
    names = draw(st.lists(TEXT, min_size=min_size, max_size=6, unique=True))
    codes = draw(st.lists(CODE, min_size=len(names), max_size=len(names), unique=True))
    blank = draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    lines, tops = [], []
    for name, code, no_code in zip(names, codes, blank, strict=True):
        parent = draw(st.sampled_from([None, *tops])) if tops else None
        lines.append((statement, "" if no_code else code, name, parent, draw(AMOUNT)))
        if parent is None:
            tops.append(name)
    return lines


@st.composite
def disclosures(draw):
    lines = []
    for i, statement in enumerate(Statement):
        lines += draw(statement_lines(statement.value, min_size=int(i == 0)))  # never empty
    records = []
    for item in draw(st.lists(st.sampled_from(list(ThreePublicItem)), unique=True)):
        counts = {
            f: draw(st.one_of(st.none(), st.integers(0, 2_000_000_000)))
            for f in COUNTS_BY_ITEM[item]
        }
        records.append((item.value, draw(AMOUNT), counts))
    return draw(TEXT), lines, records


def build(agency_name, lines, records) -> Disclosure:
    agency = Agency.objects.create(name=agency_name, slug="roundtrip")
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=2014, disclosure_format="2014")
    disclosure = Disclosure.objects.create(agency=agency, fiscal_year=fiscal_year)
    tops, position = {}, {}
    for statement, code, name, parent, amount in lines:
        position[statement] = position.get(statement, 0) + 1
        line = ExpenditureLine.objects.create(
            disclosure=disclosure,
            statement=statement,
            code=code,
            name=name,
            parent=tops[(statement, parent)] if parent else None,
            order=position[statement],
            amount_yuan=amount,
        )
        if parent is None:
            tops[(statement, name)] = line
    for item, amount, counts in records:
        ThreePublicExpense.objects.create(
            disclosure=disclosure, item=item, amount_yuan=amount, **counts
        )
    return disclosure


class Discard(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=disclosures())
def test_export_reimports_to_identical_data(db, data):
    agency_name, lines, records = data
    try:
        with transaction.atomic():
            disclosure = build(agency_name, lines, records)
            expected, exported = figures(disclosure), export_bytes(disclosure)
            disclosure.lines.all().delete()
            disclosure.three_public.all().delete()
            report = disclosure_import(
                agency=disclosure.agency,
                fiscal_year=disclosure.fiscal_year,
                file=exported,
                by=None,
            )
            assert report.ok, [str(e) for e in report.errors]
            assert figures(disclosure) == expected
            assert export_bytes(disclosure) == exported
            # And once more: the same file again changes nothing.
            again = disclosure_import(
                agency=disclosure.agency, fiscal_year=disclosure.fiscal_year, file=exported, by=None
            )
            assert set(again.totals) <= {"skip"}
            raise Discard
    except Discard:
        pass
