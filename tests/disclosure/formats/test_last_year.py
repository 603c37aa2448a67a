"""The 2014 format's change on last year, and the clerk's 同比 text checked against it."""

from decimal import Decimal

import pytest

from disclosure.reconciliation.engine import Facts, ThreePublic, reconcile
from disclosure.reconciliation.engine.remarks import DOWN, FLAT, UP, contradiction, stated
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.public.test_seed_page import page_text
from tests.factories import (
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    ThreePublicExpenseFactory,
    publish,
)

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/agencies/liyang-xinfang/2015/"


@pytest.fixture
def year2015(seed):
    """The seed agency's next year (2014 format): 公务接待费 3.54 → 4.50 万元 (+27 %),
    published with "同比下降9.6%", the issue's example."""
    d = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(
        disclosure=d, statement="income", name="财政拨款收入", amount_yuan=D("2100000")
    )
    ExpenditureLineFactory(
        disclosure=d, statement="expenditure", name="财政拨款支出", amount_yuan=D("2100000")
    )
    basic = ExpenditureLineFactory(
        disclosure=d, statement="economic", name="基本支出", amount_yuan=D("1500000")
    )
    ExpenditureLineFactory(
        disclosure=d,
        statement="economic",
        code="301",
        name="工资福利支出",
        parent=basic,
        amount_yuan=D("800000"),
    )
    ExpenditureLineFactory(
        disclosure=d, statement="economic", name="项目专项经费", amount_yuan=D("600000")
    )
    for item in ("outbound", "vehicle_purchase", "vehicle_running"):
        ThreePublicExpenseFactory(disclosure=d, item=item, amount_yuan=D(0))
    ThreePublicExpenseFactory(
        disclosure=d, item="reception", amount_yuan=D("45000"), yoy_remark="同比下降9.6%"
    )
    return publish(d)


def _row(text: str, name: str) -> str:
    """The visible text of the first table row that starts with `name`."""
    return " ".join(text.split(name, 1)[1].split("\n", 1)[0].split())


def test_the_2014_page_shows_the_change_on_last_year(client, year2015):
    html = client.get(URL).content.decode()
    assert "上年数" in html and "增减率" in html
    text = page_text(client.get(URL))
    # 财政拨款支出 195.82 → 210.00: +14.18, +7.24 %, not material.
    assert "210.00195.8214.187.24%" in text.replace(" ", "")
    # 其中 工资福利支出 79.82 → 80.00, matched under its parent.
    assert "80.0079.820.180.23%" in text.replace(" ", "")
    # 项目专项经费 55.00 → 60.00: +9.09 %; 基本支出 140.82 → 150.00: +6.52 %.
    assert "60.0055.005.009.09%" in text.replace(" ", "")
    # 公务接待费 3.54 → 4.50: +0.96, +27.12 %, flagged.
    assert "4.503.540.9627.12%变动较大" in text.replace(" ", "")


def test_the_2014_page_without_last_year_shows_no_change(client, seed):
    html = client.get("/agencies/liyang-xinfang/2014/").content.decode()
    assert "上年数" not in html


def test_a_remark_the_figures_contradict_is_a_warning(year2015):
    findings = [f for f in reconcile(load_facts(disclosure=year2015)) if f.rule == "yoy_remark"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "warning"
    assert "公务接待费" in finding.message and "同比下降9.6%" in finding.message
    assert "3.54 万元" in finding.message and "4.50 万元" in finding.message
    assert "实际增长" in finding.message
    assert finding.difference == D("9600")


@pytest.mark.parametrize(
    ("remark", "expected"),
    [
        ("同比下降9.6%", (DOWN, D("9.6"))),
        ("同比基本持平", (FLAT, None)),
        ("比上年增长12.50%", (UP, D("12.50"))),
        ("较上年减少", (DOWN, None)),
        ("年度没有出国安排", (None, None)),
    ],
)
def test_what_a_remark_states(remark, expected):
    assert stated(remark) == expected


@pytest.mark.parametrize(
    ("remark", "now", "contradicted"),
    [
        ("同比下降10%", "90", False),
        ("同比下降10.5%", "90", False),  # exactly the ±0.5 percentage-point tolerance
        ("同比下降10.51%", "90", True),
        ("同比下降9.4%", "90", True),
        ("同比增长10%", "90", True),  # the wrong direction
        ("同比增加", "100.01", False),
        ("同比基本持平", "109.99", False),
        ("同比基本持平", "110", True),  # a material change is not 持平
        ("同比持平", "90", True),
        ("同比下降", "100", True),
    ],
)
def test_direction_and_stated_percentage_against_the_figures(remark, now, contradicted):
    direction, pct = stated(remark)
    assert bool(contradiction(direction, pct, D(now), D(100))) is contradicted


def test_the_rule_reads_the_standard_formats_table_07_too():
    from tests.disclosure.reconciliation.facts import facts as standard_facts
    from tests.disclosure.reconciliation.facts import table07

    then = standard_facts(table07())
    now = standard_facts(table07())
    now.year, then.year = 2025, 2024
    row = now.tables["07"].row("公务接待费")
    row.cells = {**row.cells, "决算数": row.cells["决算数"] * 2}
    now.three_public = [ThreePublic("reception", None, True, "同比基本持平")]
    now.previous = then
    assert [f.rule for f in reconcile(now) if f.rule == "yoy_remark"] == ["yoy_remark"]


def test_no_last_year_nothing_to_check():
    facts = Facts(year=2015, three_public=[ThreePublic("reception", D(1), True, "同比下降9.6%")])
    assert [f for f in reconcile(facts) if f.rule == "yoy_remark"] == []
