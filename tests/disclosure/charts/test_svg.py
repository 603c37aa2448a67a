"""The charts' geometry, byte for byte against golden files (tests/disclosure/charts/golden/).

A deliberate change of the drawing regenerates them: UPDATE_GOLDEN=1 pytest this file, then
review the diff (and the pictures) before committing.
"""

import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from disclosure.charts import svg

GOLDEN = Path(__file__).parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"

# The 2014 seed's classes and Putuo 2024's 三公 (元), and a name that must be escaped.
BARS = [("201 一般公共服务支出", Decimal("1848200.00")), ("221 住房保障支出", Decimal("110000.00"))]
PAIRS = [
    ("合计", Decimal("28500.00"), Decimal("3900.00")),
    ("因公出国（境）费", Decimal("0.00"), Decimal("0.00")),
    ("公务接待费", Decimal("28500.00"), Decimal("3900.00")),
    ("未填报 <预算>", None, Decimal("100.00")),
]
STACK_SERIES = ["因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"]
STACKS = [
    ("2023年度", [Decimal("10000"), None, Decimal("20000"), Decimal("35400")]),
    ("2024年度", [Decimal(0), Decimal(0), Decimal(0), Decimal("3900")]),
]


def drawings() -> dict[str, str]:
    return {
        "bars": svg.bars(key="k1", title="支出按功能分类（类）", desc="两类", rows=BARS),
        "pairs": svg.pairs(key="k2", title="预算与决算", desc="四项", rows=PAIRS),
        "stacks": svg.stacks(
            key="k3", title="历年“三公”经费", desc="两年", series=STACK_SERIES, rows=STACKS
        ),
    }


@pytest.mark.parametrize("name", ["bars", "pairs", "stacks"])
def test_the_drawing_is_byte_for_byte_the_golden_one(name):
    drawing = drawings()[name]
    golden = GOLDEN / f"{name}.svg"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(drawing + "\n", encoding="utf-8")
    assert drawing + "\n" == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["bars", "pairs", "stacks"])
def test_each_drawing_is_well_formed_svg_with_its_text_alternative(name):
    root = ET.fromstring(drawings()[name])
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text and desc.text
    # Everything drawn is inside the view box.
    width, height = (int(v) for v in root.get("viewBox").split()[2:])
    for rect in root.iter(f"{SVG}rect"):
        x, w = Decimal(rect.get("x")), Decimal(rect.get("width"))
        assert 0 <= x and x + w <= width - svg.PAD
        assert Decimal(rect.get("y")) + Decimal(rect.get("height")) <= height
    for text in root.iter(f"{SVG}text"):
        assert Decimal(text.get("y")) <= height


def test_bars_are_proportional_and_the_longest_fills_the_room():
    root = ET.fromstring(drawings()["bars"])
    widths = [Decimal(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == svg.BAR_MAX
    assert widths[1] == (Decimal(110000) / Decimal(1848200) * svg.BAR_MAX).quantize(svg.TENTH)
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["184.82", "11.00"]


def test_a_zero_or_missing_amount_draws_no_bar_and_names_are_escaped():
    drawing = drawings()["pairs"]
    root = ET.fromstring(drawing)
    bars = [r for r in root.iter(f"{SVG}rect") if "bar" in r.get("class")]
    # 合计 and 公务接待费 have two bars each; 0.00 none; the missing budget none, its final one.
    assert len(bars) == 5
    assert "未填报 &lt;预算&gt;" in drawing and "<预算>" not in drawing
    assert re.search(r'class="value">0\.00<', drawing)


def test_a_stack_is_its_parts_end_to_end_and_its_amount_their_sum():
    root = ET.fromstring(drawings()["stacks"])
    # The bars' parts (the legend's swatches are 12 high).
    first_row = [r for r in root.iter(f"{SVG}rect") if r.get("height") == str(svg.BAR)]
    xs = [(Decimal(r.get("x")), Decimal(r.get("width"))) for r in first_row[:3]]
    assert xs[1][0] == xs[0][0] + xs[0][1] and xs[2][0] == xs[1][0] + xs[1][1]
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["6.54", "0.39"]


def test_no_figures_draw_no_bars():
    drawing = svg.bars(key="k", title="空", desc="无", rows=[])
    assert "<rect" not in drawing and 'viewBox="0 0 360 8"' in drawing
