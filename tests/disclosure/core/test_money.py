"""Money in one place: one threshold and one rounding, the same at the 10 % line everywhere."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from disclosure.core.money import (
    MATERIAL_CHANGE,
    format_wan,
    is_material,
    percent,
    round_half_up,
    wan_text,
)
from disclosure.formats.citations import cell_key
from disclosure.formats.simple2014 import change
from disclosure.formats.standard_page import _table_view
from disclosure.reconciliation.engine import Facts, Line, reconcile

D = Decimal


def test_rounding_is_half_up_as_the_documents_print():
    assert round_half_up(D("0.005")) == D("0.01")
    assert round_half_up(D("0.015")) == D("0.02")  # banker's rounding would give 0.02 too
    assert round_half_up(D("0.025")) == D("0.03")  # … but 0.02 here
    assert format_wan(D("1958250.00")) == "195.83"
    assert wan_text(D("35400.00")) == "3.54万元"


def test_percent_has_no_rate_on_a_zero_base():
    assert percent(D(1), D(0)) is None
    assert percent(D("9.995"), D(100)) == D("10.00")  # printed as 10.00 % …


@pytest.mark.parametrize(
    ("now", "material"),
    [("110", True), ("90", True), ("109.995", False), ("90.005", False), ("109.99", False)],
)
def test_the_exact_ratio_decides_not_the_rounded_percentage(now, material):
    # … yet 9.995 % is not a change of 10 %: the page used to round first and flag it.
    assert MATERIAL_CHANGE == D("0.10")
    assert is_material(D(now) - 100, D(100)) is material


def _engine_flags(now: str) -> bool:
    then = Facts(year=2014, lines=[Line(1, "expenditure", "财政拨款支出", D(100))])
    facts = Facts(year=2015, lines=[Line(2, "expenditure", "财政拨款支出", D(now))], previous=then)
    return any(f.rule == "change_on_last_year" for f in reconcile(facts))


def _standard_page_flags(now: str) -> bool:
    column = SimpleNamespace(pk=1, printed=True, measure="final", label="合计", side="")
    spec = SimpleNamespace(
        number="05", two_sided=False, columns=SimpleNamespace(all=lambda: [column])
    )
    row = SimpleNamespace(pk=10, side="", panel="", key="2010301")
    prior = {cell_key("05", "2010301", "合计"): D(100)}
    view = _table_view(spec, [row], {10: {1: D(now)}}, "", prior)
    return view.blocks[0].rows[0].material


@pytest.mark.parametrize(("now", "material"), [("110", True), ("109.995", False)])
def test_page_and_engine_agree_at_the_boundary(now, material):
    assert change(D(now), D(100)).material is material  # the 2014 page
    assert _standard_page_flags(now) is material  # the standard page
    assert _engine_flags(now) is material  # the reconciliation engine
