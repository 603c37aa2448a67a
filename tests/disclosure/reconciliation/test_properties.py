"""Property tests: a consistent disclosure has no error; one wrong figure has exactly its findings.

Disclosures are generated as the engine's Facts (no database), amounts in fen. "Exact" ones
print every amount to the fen; "printed" ones round every figure to 0.01 万元 after computing
the totals exactly, as the documents do, so only rounding gaps within tolerance may appear.
"""

import copy
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.reconciliation.engine import Facts, Line, ThreePublic, reconcile
from tests.disclosure.reconciliation.facts import row, table

PROPERTIES = settings(max_examples=50, deadline=None)
FEN = Decimal("0.01")
CLASS_NAMES = {"201": "一般公共服务支出", "208": "社会保障和就业支出", "221": "住房保障支出"}
LEAVES = ["30101", "30102", "30201", "30212", "30217", "30231", "31013"]
DELTA = st.integers(min_value=200_000, max_value=10**9)  # fen: 2,000 元 and up, past any tolerance
amounts = st.integers(min_value=0, max_value=10**10)  # fen: up to 1 亿元


def split(draw, total: int, parts: int) -> list[int]:
    """`parts` non-negative amounts summing exactly to `total`."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def printer(rounded: bool):
    """fen → the 万元 string a table prints: exact, or rounded to 0.01 万元 half up."""

    def show(fen: int) -> str:
        wan = Decimal(fen) / 1_000_000
        return str(wan.quantize(FEN, rounding=ROUND_HALF_UP) if rounded else wan)

    return show


@st.composite
def standard_disclosures(draw, rounded: bool = False) -> Facts:
    """Tables 01–07 of one consistent disclosure: a few 类 with their 款 and 项, 基本/项目."""
    p = printer(rounded)
    classes = sorted(draw(st.sets(st.sampled_from(sorted(CLASS_NAMES)), min_size=1, max_size=3)))
    tree = {}  # 类 → 款 → 项 → (basic, project)
    for c in classes:
        tree[c] = {}
        for k in range(draw(st.integers(1, 2))):
            kuan = f"{c}{k + 1:02d}"
            tree[c][kuan] = {
                f"{kuan}{x + 1:02d}": (draw(amounts), draw(amounts))
                for x in range(draw(st.integers(1, 2)))
            }

    def sums(node) -> tuple[int, int]:
        if isinstance(node, tuple):
            return node
        pairs = [sums(child) for child in node.values()]
        return sum(b for b, _ in pairs), sum(q for _, q in pairs)

    coded = []  # (code, name, basic, project) for every 类, 款 and 项 in document order
    for c, kuans in tree.items():
        coded.append((c, CLASS_NAMES[c], *sums(kuans)))
        for kuan, xiangs in kuans.items():
            coded.append((kuan, f"款{kuan}", *sums(xiangs)))
            coded += [(x, f"项{x}", *pair) for x, pair in xiangs.items()]
    basic, project = sums(tree)
    total = basic + project
    carry = draw(amounts)
    leaves = dict(zip(LEAVES, split(draw, basic, len(LEAVES)), strict=True))

    t05 = table(
        "05",
        [row(n, c, 合计=p(b + q), 基本支出=p(b), 项目支出=p(q)) for c, n, b, q in coded]
        + [row("合计", role="total", 合计=p(total), 基本支出=p(basic), 项目支出=p(project))],
    )
    t03 = table(
        "03",
        [row("合计", role="total", 本年支出合计=p(total), 基本支出=p(basic), 项目支出=p(project))]
        + [row(n, c, 本年支出合计=p(b + q), 基本支出=p(b), 项目支出=p(q)) for c, n, b, q in coded],
    )
    t02 = table(
        "02",
        [row("合计", role="total", 本年收入合计=p(total), 财政拨款收入=p(total))]
        + [row(n, c, 本年收入合计=p(b + q), 财政拨款收入=p(b + q)) for c, n, b, q in coded],
    )
    class_rows = [(c, n, b + q) for c, n, b, q in coded if len(c) == 3]
    t01 = table(
        "01",
        [
            row("一般公共预算财政拨款收入", side="收入", 决算数=p(total)),
            row("本年收入合计", side="收入", role="subtotal", 决算数=p(total)),
            row("年初结转和结余", side="收入", 决算数=p(carry)),
            row("总计", side="收入", role="total", 决算数=p(total + carry)),
        ]
        + [row(n, side="支出", class_code=c, 决算数=p(v)) for c, n, v in class_rows]
        + [
            row("本年支出合计", side="支出", role="subtotal", 决算数=p(total)),
            row("年末结转和结余", side="支出", 决算数=p(carry)),
            row("总计", side="支出", role="total", 决算数=p(total + carry)),
        ],
    )
    fiscal = {"合计": None, "一般公共预算财政拨款": None}
    t04 = table(
        "04",
        [
            row("一般公共预算财政拨款", side="收入", 决算数=p(total)),
            row("本年收入合计", side="收入", role="subtotal", 决算数=p(total)),
            row("总计", side="收入", role="total", 决算数=p(total)),
        ]
        + [
            row(n, side="支出", class_code=c, **dict.fromkeys(fiscal, p(v)))
            for c, n, v in class_rows
        ]
        + [
            row("本年支出合计", side="支出", role="subtotal", **dict.fromkeys(fiscal, p(total))),
            row("总计", side="支出", role="total", **dict.fromkeys(fiscal, p(total))),
        ],
    )
    x = leaves
    personnel = x["30101"] + x["30102"]
    goods = x["30201"] + x["30212"] + x["30217"] + x["30231"]
    t06 = table(
        "06",
        [
            row("工资福利支出", "301", panel="人员经费", 决算数=p(personnel)),
            row("基本工资", "30101", panel="人员经费", 决算数=p(x["30101"])),
            row("津贴补贴", "30102", panel="人员经费", 决算数=p(x["30102"])),
            row("人员经费合计", panel="人员经费", role="total", 决算数=p(personnel)),
            row("商品和服务支出", "302", panel="公用经费", 决算数=p(goods)),
            row("办公费", "30201", panel="公用经费", 决算数=p(x["30201"])),
            row("因公出国（境）费用", "30212", panel="公用经费", 决算数=p(x["30212"])),
            row("公务接待费", "30217", panel="公用经费", 决算数=p(x["30217"])),
            row("公务用车运行维护费", "30231", panel="公用经费", 决算数=p(x["30231"])),
            row("资本性支出", "310", panel="公用经费", 决算数=p(x["31013"])),
            row("公务用车购置", "31013", panel="公用经费", 决算数=p(x["31013"])),
            row("公用经费合计", panel="公用经费", role="total", 决算数=p(goods + x["31013"])),
        ],
    )
    vehicles = x["31013"] + x["30231"]
    three = x["30212"] + vehicles + x["30217"]
    parent = "公务用车购置及运行维护费"
    t07 = table(
        "07",
        [
            row("合计", role="total", 决算数=p(three)),
            row("因公出国（境）费", 决算数=p(x["30212"])),
            row(parent, 决算数=p(vehicles)),
            row("公务用车购置费", parent=parent, 决算数=p(x["31013"])),
            row("公务用车运行维护费", parent=parent, 决算数=p(x["30231"])),
            row("公务接待费", 决算数=p(x["30217"])),
        ],
    )
    tables = [t01, t02, t03, t04, t05, t06, t07]
    return Facts(year=2024, tables={t.number: t for t in tables})


def rules(findings) -> Counter:
    return Counter((f.rule, str(f.severity)) for f in findings)


@PROPERTIES
@given(standard_disclosures())
def test_consistent_standard_disclosure_entered_to_the_fen_has_no_finding(facts):
    assert reconcile(facts) == []


@PROPERTIES
@given(standard_disclosures(rounded=True))
def test_consistent_standard_disclosure_printed_in_wan_has_only_rounding_notices(facts):
    for finding in reconcile(facts):
        assert finding.severity == "notice", finding.message
        assert abs(finding.difference) <= finding.tolerance, finding.message


E = "error"


def class_of(facts: Facts) -> tuple[str, str, str, str]:
    """The first 类 of the generated disclosure, its first 款 and that 款's first 项."""
    t05 = facts.tables["05"]
    c = next(r for r in t05.rows if len(r.code) == 3)
    kuan = next(r for r in t05.rows if len(r.code) == 5 and r.code.startswith(c.code))
    xiang = next(r for r in t05.rows if len(r.code) == 7 and r.code.startswith(kuan.code))
    return c.code, c.name, kuan.code, xiang.code


# (table, row key, column) → the findings one wrong figure there must produce, and no other.
# {class}/{name}/{kuan}/{xiang} are filled in from the generated disclosure.
TARGETS = [
    (("07", "合计", "决算数"), {("three_public_total", E): 1}),
    (
        ("07", "公务接待费", "决算数"),
        {("three_public_total", E): 1, ("three_public_economic", "notice"): 1},
    ),
    (
        ("07", "公务用车购置及运行维护费/公务用车购置费", "决算数"),
        {("three_public_vehicle", E): 1, ("three_public_economic", "notice"): 1},
    ),
    (
        ("07", "公务用车购置及运行维护费", "决算数"),
        {("three_public_total", E): 1, ("three_public_vehicle", E): 1},
    ),
    (("06", "30217", "决算数"), {("code_children", E): 1, ("three_public_economic", E): 1}),
    (("06", "301", "决算数"), {("code_children", E): 1, ("class_total", E): 1}),
    (
        ("06", "人员经费/人员经费合计", "决算数"),
        {("class_total", E): 1, ("personnel_public", E): 1},
    ),
    (("05", "{xiang}", "合计"), {("columns_total", E): 1, ("code_children", E): 1}),
    (("05", "{xiang}", "项目支出"), {("columns_total", E): 1, ("code_children", E): 1}),
    (
        ("05", "{class}", "合计"),
        {
            ("columns_total", E): 1,
            ("code_children", E): 1,
            ("class_total", E): 1,
            ("cross_table", E): 1,
        },
    ),
    (
        ("05", "合计", "基本支出"),
        {("columns_total", E): 1, ("class_total", E): 1, ("personnel_public", E): 1},
    ),
    (("03", "{kuan}", "基本支出"), {("columns_total", E): 1, ("code_children", E): 2}),
    (("02", "{xiang}", "本年收入合计"), {("columns_total", E): 1, ("code_children", E): 1}),
    (
        ("02", "合计", "财政拨款收入"),
        {("columns_total", E): 1, ("class_total", E): 1, ("cross_table", E): 1},
    ),
    (("01", "支出/{name}", "决算数"), {("class_total", E): 1, ("cross_table", E): 1}),
    (("01", "收入/总计", "决算数"), {("balance", E): 2}),
    (("01", "支出/年末结转和结余", "决算数"), {("balance", E): 1}),
    (
        ("04", "支出/{name}", "一般公共预算财政拨款"),
        {("columns_total", E): 1, ("class_total", E): 1, ("cross_table", E): 1},
    ),
]


def perturbed(facts: Facts, address: tuple[str, str, str], delta_fen: int) -> Facts:
    number, key, label = address
    changed = copy.deepcopy(facts)
    target = changed.tables[number].row(key)
    target.cells[label] += Decimal(delta_fen) / 100
    return changed


@PROPERTIES
@given(standard_disclosures(), st.sampled_from(TARGETS), DELTA)
def test_one_wrong_figure_gives_exactly_its_findings(facts, target, delta):
    (number, key, label), expected = target
    c, name, kuan, xiang = class_of(facts)
    key = key.format(**{"class": c, "name": name, "kuan": kuan, "xiang": xiang})
    assert rules(reconcile(perturbed(facts, (number, key, label), delta))) == Counter(expected)


@PROPERTIES
@given(standard_disclosures(), st.data(), DELTA)
def test_every_figure_takes_part_in_some_identity(facts, data, delta):
    addresses = [
        (t.number, r.key, label) for t in facts.tables.values() for r in t.rows for label in r.cells
    ]
    address = data.draw(st.sampled_from(addresses))
    errors = [f for f in reconcile(perturbed(facts, address, delta)) if f.severity == E]
    assert errors, address


# --- the 2014 format ------------------------------------------------------------------------------


@st.composite
def simple_disclosures(draw, rounded: bool = False) -> tuple[Facts, dict]:
    """2014 statements: income = expenditure = 基本 + 项目 = Σ functional; a "其中" under 基本."""
    p = printer(rounded)
    income = [draw(amounts) for _ in range(draw(st.integers(1, 2)))]
    spent = sum(income)
    basic, project = split(draw, spent, 2)
    listed = draw(st.integers(0, 2))
    exhaustive = draw(st.booleans())
    children = split(draw, basic if exhaustive else draw(st.integers(0, basic)), listed + 1)[
        :listed
    ]
    codes = sorted(draw(st.sets(st.sampled_from(sorted(CLASS_NAMES)), min_size=1, max_size=3)))
    functional = split(draw, spent, len(codes))

    def line(id_, statement, name, fen, code="", parent=None):
        return Line(id_, statement, name, Decimal(p(fen)) * 10000, code, parent)

    lines = [line(1 + i, "income", f"收入{i}", v) for i, v in enumerate(income)]
    lines += [
        line(10, "expenditure", "财政拨款支出", spent),
        line(20, "economic", "基本支出", basic),
        line(21, "economic", "项目支出", project),
    ]
    lines += [line(30 + i, "economic", f"其中{i}", v, parent=20) for i, v in enumerate(children)]
    lines += [
        line(40 + i, "functional", CLASS_NAMES[c], v, c)
        for i, (c, v) in enumerate(zip(codes, functional, strict=True))
    ]
    three_public = [ThreePublic(i, Decimal(draw(amounts)) / 100) for i in ("outbound", "reception")]
    return Facts(year=2014, lines=lines, three_public=three_public), {"children": children}


@PROPERTIES
@given(simple_disclosures())
def test_consistent_2014_disclosure_has_no_error_only_its_remainder(generated):
    facts, _ = generated
    findings = reconcile(facts)
    assert {f.rule for f in findings} <= {"of_which_remainder"}


@PROPERTIES
@given(simple_disclosures(rounded=True))
def test_consistent_2014_disclosure_printed_in_wan_has_no_error(generated):
    facts, _ = generated
    assert not [f.message for f in reconcile(facts) if f.severity == E]


SIMPLE_TARGETS = {
    1: {("balance", E): 1},  # an income line
    10: {("balance", E): 1, ("columns_total", E): 1, ("class_total", E): 1},  # expenditure
    21: {("columns_total", E): 1},  # 项目支出
    40: {("class_total", E): 1},  # a functional 类
}


@PROPERTIES
@given(simple_disclosures(), st.sampled_from(sorted(SIMPLE_TARGETS)), DELTA)
def test_one_wrong_2014_figure_gives_exactly_its_finding(generated, line_id, delta):
    facts, _ = generated
    remainder = rules(reconcile(facts))  # the unitemised "其中" notice, if any, stays
    changed = copy.deepcopy(facts)
    target = next(x for x in changed.lines if x.id == line_id)
    target.amount += Decimal(delta) / 100
    assert rules(reconcile(changed)) == Counter(SIMPLE_TARGETS[line_id]) + remainder


@PROPERTIES
@given(simple_disclosures(), DELTA)
def test_raising_basic_expenditure_leaves_more_unitemised(generated, delta):
    facts, info = generated
    changed = copy.deepcopy(facts)
    next(x for x in changed.lines if x.id == 20).amount += Decimal(delta) / 100
    expected = Counter({("columns_total", E): 1})
    if info["children"]:
        expected[("of_which_remainder", "notice")] = 1
    assert rules(reconcile(changed)) == expected


@PROPERTIES
@given(simple_disclosures(), DELTA)
def test_a_of_which_line_past_its_parent_is_the_one_error(generated, delta):
    facts, info = generated
    if not info["children"]:
        return
    changed = copy.deepcopy(facts)
    basic = next(x for x in changed.lines if x.id == 20)
    listed = sum(x.amount for x in changed.lines if x.parent == 20)
    next(x for x in changed.lines if x.id == 30).amount += (
        basic.amount - listed + Decimal(delta) / 100
    )
    assert rules(reconcile(changed)) == Counter({("of_which_exceeds", E): 1})
