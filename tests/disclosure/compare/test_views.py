"""/compare/ over the demo documents and small generated peers: each figure, indicator,
change, outlier and check status as the page states it, bad parameters, and every link."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bureaus.models import Agency
from disclosure.models import (
    Disclosure,
    FindingAcknowledgement,
    FiscalYear,
    Reconciliation,
    ReconciliationFinding,
)
from disclosure.models.acknowledgements import finding_key
from tests.factories import (
    REVIEWER,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    StaffingEntryFactory,
    ThreePublicExpenseFactory,
    publish,
    user_in_role,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seed_for_module", "putuo_for_module"),
]

URL = reverse("compare")


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[-2000:]
    return response.content.decode().split('<main id="main"')[1]


def row_of(html: str, name: str) -> str:
    return next(r for r in html.split("<tr>")[1:] if name in r)


def cells(row: str) -> list[str]:
    """The row's figures as shown (links and tags stripped)."""
    tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", td).split()) for td in tds]


def test_the_seed_side_by_side_with_its_indicators(client):
    html = page(client, year="2014", measure="three_public")
    shown = cells(row_of(html, "溧阳市信访局"))
    # 三公 3.54 万元; 13 in service (退休 6 not counted): 35,400 元 / 13; 接待 35,400 元 over
    # 57 batches and 466 persons; 35,400 / 1,408,200 基本支出.
    assert shown[:8] == ["3.54", "—", "—", "—", "2723.08", "621.05", "75.97", "2.51%"]
    assert 'href="/agencies/liyang-xinfang/2014/">3.54</a>' in html


def test_measures_the_formats_hold_differently(client):
    putuo = cells(row_of(page(client, year="2024", measure="operating"), "普陀"))
    assert putuo[0] == "142.80"  # 情况说明's 机关运行经费 (standard format)
    seed = cells(row_of(page(client, year="2014", measure="operating"), "溧阳"))
    assert seed[0] == "— 未公开"  # the 2014 documents do not state it
    assert cells(row_of(page(client, year="2014", measure="class:221"), "溧阳"))[0] == "11.00"
    putuo_221 = cells(row_of(page(client, year="2024", measure="class:221"), "普陀"))[0]
    assert putuo_221 not in ("", "—")


def test_one_agency_across_years_with_the_change(client):
    seed = Disclosure.objects.get(agency__slug="liyang-xinfang")
    later = DisclosureFactory(
        agency=seed.agency,
        fiscal_year=FiscalYear.objects.create(year=2015, disclosure_format="2014"),
    )
    ThreePublicExpenseFactory(disclosure=later, item="reception", amount_yuan=Decimal("42480"))
    publish(later)
    html = page(client, agency="liyang-xinfang", measure="reception")
    assert cells(row_of(html, "2015年度"))[:4] == ["4.25", "3.54", "0.71", "20.00%"]
    assert cells(row_of(html, "2014年度"))[1:4] == ["—", "—", "—"]
    assert 'href="/agencies/liyang-xinfang/2015/">4.25</a>' in html


def test_each_figure_says_whether_its_disclosure_passed_reconciliation(client):
    year = FiscalYear.objects.get(year=2014)
    now, reviewer = timezone.now(), user_in_role(REVIEWER)
    cited = [["x", "1.00"]]
    # rules of each disclosure's error findings; those acknowledged ("原文如此")
    cases = {"核对甲局": (["a"], ["a"]), "核对乙局": (["b", "c"], []), "核对丙局": ([], [])}
    for i, (name, (rules, acknowledged)) in enumerate(cases.items()):
        d = DisclosureFactory(agency=AgencyFactory(name=name, slug=f"check-{i}"), fiscal_year=year)
        Reconciliation.objects.create(disclosure=d, checked_at=now)
        for order, rule in enumerate(rules):
            ReconciliationFinding.objects.create(
                disclosure=d,
                order=order,
                rule=rule,
                severity="error",
                message="矛盾",
                cells=cited,
                tolerance_yuan=0,
                key=finding_key(rule, cited),
            )
        for rule in acknowledged:  # acknowledged during review, frozen with the revision
            FindingAcknowledgement.objects.create(
                disclosure=d,
                key=finding_key(rule, cited),
                reason="原文如此",
                acknowledged_at=now,
                acknowledged_by=reviewer,
            )
        publish(d)
    html = page(client, year="2014")
    assert "通过（1 处确认原文如此）" in row_of(html, "核对甲局")
    assert "2 处数字矛盾" in row_of(html, "核对乙局")
    assert "通过" in row_of(html, "核对丙局") and "确认" not in row_of(html, "核对丙局")
    assert "未核对" in row_of(html, "溧阳市信访局")
    assert 'href="/agencies/check-1/2014/#reconciliation"' in row_of(html, "核对乙局")


def test_outliers_among_peers_of_the_same_kind_and_level(client):
    year = FiscalYear.objects.get(year=2014)
    amounts = ["1000", "1100", "1200", "1300", "1400", "90000"]
    for i, amount in enumerate(amounts):
        agency = AgencyFactory(
            name=f"对比县第{i}局", slug=f"peer-{i}", unit_kind="事业单位", level="二级单位"
        )
        d = DisclosureFactory(agency=agency, fiscal_year=year)
        ThreePublicExpenseFactory(disclosure=d, item="reception", amount_yuan=Decimal(amount))
        ExpenditureLineFactory(disclosure=d, statement="economic", name="基本支出")
        StaffingEntryFactory(disclosure=d, kind="actual", category="在职", headcount=10)
        publish(d)
    html = page(client, year="2014", measure="reception", kind="事业单位")
    assert "异常" in row_of(html, "对比县第5局") and "异常" not in row_of(html, "对比县第0局")
    assert "2014年度 事业单位 · 二级单位" in html and "中位数 0.13" in html
    only = page(client, year="2014", measure="reception", outliers="1")
    assert "对比县第5局" in only and "对比县第0局" not in only
    # The seed (行政机关 · 一级局) has no such peers: nothing judged.
    assert "异常" not in row_of(page(client, year="2014", measure="reception"), "溧阳")


@pytest.mark.parametrize(
    "params, message",
    [
        ({"measure": "nope"}, "没有这个对比指标"),
        ({"measure": "class:999"}, "没有这个对比指标"),
        ({"year": "abcd"}, "该年度没有已发布的决算公开"),
        ({"year": "1999"}, "该年度没有已发布的决算公开"),
        ({"year": "20140"}, "该年度没有已发布的决算公开"),
        ({"agency": "no-such"}, "没有找到该单位"),
        ({"region": "火星"}, "没有这个地区"),
        ({"kind": "x"}, "没有这个单位性质"),
        ({"level": "x"}, "没有这个单位级别"),
        ({"page": "0"}, "页码应为正整数"),
        ({"page": "x"}, "页码应为正整数"),
    ],
)
def test_bad_parameters_are_a_chinese_message_and_400(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_every_link_answers(client):
    seen = set()
    for params in [{}, {"year": "2014"}, {"agency": "liyang-xinfang"}, {"agency": "putuo-ghzy"}]:
        html = page(client, **params)
        seen |= {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)', html)}
    assert any("/agencies/putuo-ghzy/2024/" == h for h in seen)
    for href in seen:
        assert client.get(href).status_code == 200, href


def test_nothing_is_written(client):
    before = (Agency.objects.count(), Disclosure.objects.count())
    client.get(URL, {"measure": "nope"})
    client.get(URL, {"year": "2014"})
    assert (Agency.objects.count(), Disclosure.objects.count()) == before
