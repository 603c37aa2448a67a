"""The 情况说明's own sums (engine/narrative.py) on hand-made figures that pass and fail them."""

from decimal import Decimal

import pytest

from disclosure.reconciliation.engine import RULES_BY_CODE, reconcile
from disclosure.reconciliation.engine.facts import Stated, Statement
from tests.disclosure.reconciliation.facts import facts, yuan

NEW_RULES = ("narrative_procurement", "sme_share", "operating_change", "narrative_cell")


def stated(key: str, value: str, unit: str = "万元", label: str = "") -> Stated:
    return Stated(key, label or key, Decimal(value), unit)


def narrative(*figures, previous=None, statements=()):
    f = facts(previous=previous)
    f.narrative = list(figures)
    f.statements = list(statements)
    return f


def found(f) -> list:
    return [x for x in reconcile(f) if x.rule in NEW_RULES]


def procurement(total: str, goods="122.43", works="1387.72", services="809.07"):
    return narrative(
        stated("政府采购总额", total, label="政府采购金额"),
        stated("货物采购金额", goods),
        stated("工程采购金额", works),
        stated("服务采购金额", services),
    )


def test_rules_are_registered_with_severity_and_a_chinese_name():
    for code in NEW_RULES:
        rule = RULES_BY_CODE[code]
        assert rule.name and not rule.name.isascii()
    assert RULES_BY_CODE["narrative_procurement"].severity == "error"
    assert RULES_BY_CODE["sme_share"].severity == "error"
    assert RULES_BY_CODE["operating_change"].severity == "warning"
    assert RULES_BY_CODE["narrative_cell"].severity == "warning"


def test_procurement_total_holds():
    assert found(procurement("2319.22")) == []


def test_procurement_total_missing_a_hundredth_is_a_rounding_notice_with_its_tolerance():
    (finding,) = found(procurement("2319.21"))  # Putuo 2024 as printed
    assert (finding.rule, finding.severity) == ("narrative_procurement", "notice")
    assert finding.tolerance == Decimal(200)  # 4 figures × 0.005 万元, to whole hundredths
    assert "在舍入容差 0.02 万元以内" in finding.message


def test_procurement_total_beyond_rounding_is_an_error():
    (finding,) = found(procurement("2400.00"))
    assert (finding.rule, finding.severity) == ("narrative_procurement", "error")
    assert finding.difference == yuan("2400.00") - yuan("2319.22")
    assert "超出舍入容差" in finding.message


def test_procurement_without_its_parts_is_not_checked():
    assert found(narrative(stated("政府采购总额", "2319.21"))) == []


def sme(amount: str, share: str, total="1000.00"):
    return narrative(
        stated("政府采购总额", total),
        stated("中小企业合同金额", amount, label="授予中小企业合同金额"),
        stated("中小企业合同占比", share, "%", label="授予中小企业合同金额占比"),
    )


def test_sme_share_agrees_with_its_amount():
    assert found(sme("855.00", "85.50")) == []
    assert found(sme("855.05", "85.50")) == []  # 85.505 %: within 0.01 of a point


def test_sme_share_contradicting_its_amount_is_an_error():
    (finding,) = found(sme("855.00", "58.50"))
    assert (finding.rule, finding.severity) == ("sme_share", "error")
    assert "写作 58.50%，但 855.00 ÷ 1000.00 = 85.50%" in finding.message
    assert "容差 ±0.01 个百分点" in finding.message


def test_sme_amount_above_the_procurement_total_is_an_error():
    (finding,) = found(sme("1200.00", "120.00"))
    assert "超过" in finding.message


def test_small_and_micro_share_is_of_the_sme_amount():
    f = sme("800.00", "80.00")
    f.narrative += [stated("小微企业合同金额", "400.00"), stated("小微企业合同占比", "50.00", "%")]
    assert found(f) == []
    f.narrative[-1] = stated("小微企业合同占比", "40.00", "%")  # 400 of 1000, not of 800
    (finding,) = found(f)
    assert "400.00 ÷ 800.00 = 50.00%" in finding.message


def operating(now="142.80", change="13.52", rate="8.65", direction="减少", previous=None):
    rate_word = "下降" if direction == "减少" else "增长"
    return narrative(
        stated("机关运行经费", now),
        stated(f"机关运行经费{direction}额", change),
        stated(f"机关运行经费{rate_word}率", rate, "%"),
        previous=previous,
    )


def last_year(value: str):
    return narrative(stated("机关运行经费", value))


def test_operating_change_agrees_without_last_year():
    assert found(operating()) == []  # 13.52 / (142.80 + 13.52) = 8.65 %


def test_operating_rate_contradicting_the_change_is_a_warning():
    (finding,) = found(operating(rate="18.65"))
    assert (finding.rule, finding.severity) == ("operating_change", "warning")
    assert "写作变动 18.65%，但按上年 156.32 万元计算应为 8.65%" in finding.message


def test_operating_change_against_last_years_published_figure():
    assert found(operating(previous=last_year("156.32"))) == []
    (finding,) = found(operating(previous=last_year("150.00")))
    assert "写作变动 13.52 万元，但实际变动 7.20 万元" in finding.message


def test_operating_direction_against_last_year_is_a_warning():
    (finding,) = found(operating(previous=last_year("130.00")))
    assert "写作减少，但实际增加" in finding.message


def test_operating_without_a_stated_change_is_not_checked():
    assert found(narrative(stated("机关运行经费", "142.80"))) == []


def test_a_stated_table_figure_against_its_cell():
    statement = Statement(
        "基本支出人员经费",
        "人员经费",
        yuan("4896.98"),
        "公开06表 人员经费合计（决算数）",
        yuan("4884.09"),
    )
    (finding,) = found(narrative(statements=[statement]))
    assert (finding.rule, finding.severity) == ("narrative_cell", "warning")
    assert "写作 4896.98 万元，而公开06表 人员经费合计（决算数）为 4884.09 万元" in finding.message
    assert finding.difference == yuan("12.89")
    assert found(narrative()) == []


@pytest.mark.parametrize("unit", ["%", "个"])
def test_only_amounts_in_wan_are_summed(unit):
    f = procurement("9999.00")
    f.narrative[0] = stated("政府采购总额", "9999.00", unit)
    assert found(f) == []
