"""Every rule of the engine on hand-made figures that pass it and fail it (no database)."""

from decimal import Decimal

import pytest

from disclosure.formats import standard_page as standard_selectors
from disclosure.reconciliation.engine import (
    RULES,
    RULES_BY_CODE,
    Column,
    reconcile,
    rounding_tolerance,
    wan,
)
from tests.disclosure.reconciliation.facts import (
    facts,
    item,
    line,
    row,
    seed_lines,
    table,
    table07,
    yuan,
)


def found(f, severity=None) -> list[tuple[str, str]]:
    return [(x.rule, x.severity) for x in reconcile(f) if severity in (None, x.severity)]


def only(f):
    findings = reconcile(f)
    assert len(findings) == 1, [x.message for x in findings]
    return findings[0]


# --- units, tolerance, registry ----------------------------------------------------------------


def test_amounts_print_in_wan_as_documents_do_and_exact_ones_in_full():
    assert wan(Decimal("1408200.00")) == "140.82 万元"
    assert wan(Decimal("1901234.56")) == "190.123456 万元"
    assert wan(Decimal("50.00")) == "0.005 万元"
    assert wan(Decimal("0")) == "0.00 万元"
    assert wan(None) == "空白"


@pytest.mark.parametrize(
    ("values", "tolerance"),
    [
        (["100", "100"], "0"),  # one figure against one: the same amount rounds the same way
        (["300", "100", "200"], "100"),  # total + two parts: 3 × 0.005 万元 → 0.01 万元
        (["600", "100", "200", "300"], "200"),
        (["600", "100", "200", "300", "0", "0"], "300"),
        (["12345.67", "12000.01", "345.65"], "0"),  # entered to the fen: nothing rounded
        (["12345.67", "12000.00", "300.00"], "100"),  # two rounded figures, 0.005 万元 each
        (["12345.67", "12000.00", "345.67"], "50"),
    ],
)
def test_rounding_tolerance_is_half_a_printed_hundredth_per_rounded_figure(values, tolerance):
    assert rounding_tolerance([Decimal(v) for v in values]) == Decimal(tolerance)


def test_registry_has_one_entry_per_rule_with_a_chinese_name_and_a_severity():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes)) == 20  # with a 决算 against its published 预算
    # and the 部门预算's own four (engine/budget.py), which a budget's stored findings name
    assert len(RULES_BY_CODE) == 24
    for rule in RULES:
        assert rule.name and not rule.name.isascii()
        assert rule.severity in ("error", "warning", "notice")
    assert RULES_BY_CODE["budget_final"].severity == "warning"
    assert RULES_BY_CODE["of_which_remainder"].severity == "notice"


def test_material_change_is_the_share_the_public_page_flags():
    from disclosure.core import money
    from disclosure.reconciliation.engine import MATERIAL

    # One threshold: the engine's is the page's (standard_page imports is_material from core).
    assert MATERIAL == money.MATERIAL_CHANGE
    assert standard_selectors.is_material is money.is_material


def test_empty_disclosure_has_nothing_to_contradict():
    assert reconcile(facts()) == []


# --- three public expenses (07) ----------------------------------------------------------------


def test_three_public_total_passes_on_putuo_figures():
    assert found(facts(table07())) == []


def test_three_public_total_beyond_rounding_is_an_error_with_the_cells_involved():
    finding = only(facts(table07(reception="0.49")))
    assert (finding.rule, finding.severity) == ("three_public_total", "error")
    assert finding.difference == yuan("-0.10") and finding.tolerance == yuan("0.02")
    assert dict(finding.cells)["公开07表 合计（决算数）"] == yuan("0.39")
    assert dict(finding.cells)["公开07表 公务接待费（决算数）"] == yuan("0.49")
    assert "“三公”经费" in finding.message and "超出舍入容差 0.02 万元" in finding.message


def test_three_public_total_within_rounding_is_a_notice_stating_the_tolerance():
    finding = only(facts(table07(total="0.40")))
    assert (finding.rule, finding.severity) == ("three_public_total", "notice")
    assert "在舍入容差 0.02 万元以内" in finding.message and "四舍五入" in finding.message


def test_three_public_budget_column_is_checked_like_the_final_one():
    budget = {"合计": "0.39", "因公出国（境）费": "1.00", "公务接待费": "0.39"}
    findings = reconcile(facts(table07(budget=budget)))
    assert [(f.rule, f.severity) for f in findings] == [
        ("three_public_total", "error"),
        ("budget_final", "warning"),  # 因公出国（境）费: budgeted 1.00, spent nothing
    ]
    assert "（预算数）" in findings[0].message


def test_vehicle_subtotal_is_purchase_plus_running():
    ok = table07(vehicles="1.50", purchase="1.00", running="0.50", total="1.89")
    assert found(facts(ok)) == []
    bad = table07(vehicles="1.60", purchase="1.00", running="0.50", total="1.99")
    assert found(facts(bad)) == [("three_public_vehicle", "error")]


# --- 合计 = 基本支出 + 项目支出 and other column sums --------------------


def test_columns_total_pass_rounding_notice_and_error():
    def t05(total, basic, project):
        return table(
            "05", [row("行政运行", "2120101", 合计=total, 基本支出=basic, 项目支出=project)]
        )

    assert found(facts(t05("1092.80", "1084.02", "8.78"))) == []
    notice = only(facts(t05("1092.80", "1084.02", "8.77")))  # Putuo's own rounding gap
    assert (notice.rule, notice.severity, notice.tolerance) == (
        "columns_total",
        "notice",
        yuan("0.01"),
    )
    assert notice.message.startswith(
        "公开05表 2120101 行政运行：合计 1092.80 万元，基本支出、项目支出之和 1092.79 万元"
    )
    assert found(facts(t05("1092.80", "1084.02", "7.77"))) == [("columns_total", "error")]


def test_figures_entered_to_the_fen_get_no_rounding_tolerance():
    t05 = table(
        "05",
        [row("行政运行", "2120101", 合计="1.234567", 基本支出="1.200001", 项目支出="0.034565")],
    )
    finding = only(facts(t05))
    assert (finding.severity, finding.tolerance, finding.difference) == (
        "error",
        0,
        Decimal("0.01"),
    )
    assert "1.234567 万元" in finding.message


def test_columns_total_covers_income_fund_and_grouped_columns():
    t02 = table(
        "02", [row("合计", role="total", 本年收入合计="10", 财政拨款收入="9", 其他收入="1")]
    )
    t04 = table("04", [row("卫生健康支出", side="支出", 合计="5", 一般公共预算财政拨款="4")])
    t08 = table(
        "08",
        [
            row(
                "合计",
                role="total",
                年初结转和结余="0",
                本年收入="7",
                合计="7",
                基本支出="3",
                项目支出="3",
                年末结转和结余="0",
            )
        ],
    )
    assert found(facts(t02)) == []
    assert found(facts(t04)) == [("columns_total", "error")]
    assert ("columns_total", "error") in found(facts(t08))


def test_2014_economic_statement_is_basic_plus_project_equal_to_expenditure():
    lines = seed_lines()
    assert found(facts(lines=lines), "error") == []
    lines[5] = line(6, "economic", "项目专项经费", "56.00")
    assert found(facts(lines=lines), "error") == [("columns_total", "error")]


# --- Σ 类 = 合计; child codes sum to their parent -------------------------------------------------


def test_class_total_on_a_coded_table():
    rows = [
        row("合计", role="total", 合计="30"),
        row("社会保障和就业支出", "208", 合计="10"),
        row("住房保障支出", "221", 合计="20"),
    ]
    assert found(facts(table("05", rows))) == []
    rows[0] = row("合计", role="total", 合计="31")
    finding = only(facts(table("05", rows)))
    assert finding.rule == "class_total" and "各类科目 208、221之和 30.00 万元" in finding.message


def test_class_total_per_panel_of_the_basic_expenditure_table():
    rows = [
        row("工资福利支出", "301", panel="人员经费", 决算数="4816.14"),
        row("对个人和家庭的补助", "303", panel="人员经费", 决算数="67.96"),
        row("人员经费合计", panel="人员经费", role="total", 决算数="4884.09"),
        row("商品和服务支出", "302", panel="公用经费", 决算数="440.90"),
        row("资本性支出", "310", panel="公用经费", 决算数="39.76"),
        row("公用经费合计", panel="公用经费", role="total", 决算数="480.66"),
    ]
    finding = only(facts(table("06", rows)))  # Putuo: 4884.10 printed as 4884.09
    assert (finding.rule, finding.severity) == ("class_total", "notice")
    rows[5] = row("公用经费合计", panel="公用经费", role="total", 决算数="490.66")
    assert ("class_total", "error") in found(facts(table("06", rows)))


def test_class_total_on_the_expenditure_side_of_a_summary_table():
    rows = [
        row("社会保障和就业支出", side="支出", 决算数="754.75"),
        row("卫生健康支出", side="支出", 决算数="236.63"),
        row("外交支出", side="支出"),  # blank: not spent
        row("本年支出合计", side="支出", role="subtotal", 决算数="991.38"),
    ]
    assert found(facts(table("01", rows))) == []
    rows[3] = row("本年支出合计", side="支出", role="subtotal", 决算数="991.48")
    assert found(facts(table("01", rows))) == [("class_total", "error")]


def test_2014_functional_statement_sums_to_expenditure():
    lines = seed_lines()
    lines[7] = line(8, "functional", "住房保障支出", "12.00", "221")
    finding = only(facts(lines=lines[:3] + lines[5:]))  # without the 其中 lines
    assert finding.rule == "class_total" and finding.severity == "error"


def test_child_codes_sum_to_parent_code():
    rows = [
        row("城乡社区支出", "212", 合计="3832.36"),
        row("城乡社区管理事务", "21201", 合计="1092.80"),
        row("行政运行", "2120101", 合计="1092.80"),
        row("城乡社区规划与管理", "21202", 合计="2739.56"),
        row("城乡社区规划与管理", "2120201", 合计="2739.56"),
    ]
    assert found(facts(table("05", rows))) == []
    rows[2] = row("行政运行", "2120101", 合计="1092.90")
    finding = only(facts(table("05", rows)))
    assert finding.rule == "code_children" and finding.severity == "error"
    assert "21201 城乡社区管理事务 1092.80 万元，下级科目 2120101 1092.90 万元" in finding.message


def test_2014_child_codes_listed_as_lines_sum_to_their_parent():
    lines = [
        line(1, "functional", "一般公共服务支出", "10", "201"),
        line(2, "functional", "政府办公厅（室）及相关机构事务", "9", "20103"),
    ]
    assert found(facts(lines=lines)) == [("code_children", "error")]


# --- "其中" --------------------------------------------------------------------------------------


def test_seed_remainder_is_named_in_a_notice():
    finding = only(facts(lines=seed_lines()))
    assert (finding.rule, finding.severity) == ("of_which_remainder", "notice")
    assert "基本支出 140.82 万元，其中列明 111.14 万元，未列明 29.68 万元" in finding.message
    assert finding.difference == yuan("29.68") and finding.tolerance == 0
    assert [label for label, _ in finding.cells] == [
        "支出按性质分 基本支出",
        "支出按性质分 其中：301 工资福利支出",
        "支出按性质分 其中：302 商品和服务支出",
    ]


def test_of_which_children_exceeding_their_parent_is_an_error():
    lines = seed_lines()
    lines[4] = line(5, "economic", "商品和服务支出", "71.32", "302", parent=3)
    finding = only(facts(lines=lines))
    assert (finding.rule, finding.severity) == ("of_which_exceeds", "error")
    assert "超出 10.32 万元" in finding.message and "不能大于总数" in finding.message


def test_of_which_exceeding_by_rounding_only_is_a_notice():
    lines = [
        line(1, "economic", "基本支出", "1.00"),
        line(2, "economic", "工资福利支出", "0.50", parent=1),
        line(3, "economic", "商品和服务支出", "0.51", parent=1),
    ]
    finding = only(facts(lines=lines))
    assert (finding.rule, finding.severity, finding.tolerance) == (
        "of_which_exceeds",
        "notice",
        yuan("0.01"),
    )


def test_standard_row_breakdown_is_checked_like_a_of_which():
    parent = "年初财政拨款结转和结余"
    rows = [
        row(parent, side="收入", 决算数="10"),
        row("一般公共预算财政拨款", side="收入", parent=parent, 决算数="11"),
    ]
    assert found(facts(table("04", rows))) == [("of_which_exceeds", "error")]


# --- income = expenditure ----------------------------------------------------------------------


def income_side(*, total="9859.38", subtotal="9746.50", carry="112.88"):
    return [
        row("一般公共预算财政拨款收入", side="收入", 决算数="9746.50"),
        row("事业收入", side="收入"),
        row("本年收入合计", side="收入", role="subtotal", 决算数=subtotal),
        row("使用非财政拨款结余", side="收入"),
        row("年初结转和结余", side="收入", 决算数=carry),
        row("总计", side="收入", role="total", 决算数=total),
    ]


def spending_side(*, total="9859.38"):
    return [
        row("城乡社区支出", side="支出", 决算数="9759.38"),
        row("本年支出合计", side="支出", role="subtotal", 决算数="9759.38"),
        row("结余分配", side="支出"),
        row("年末结转和结余", side="支出", 决算数="100.00"),
        row("总计", side="支出", role="total", 决算数=total),
    ]


def test_income_and_expenditure_totals_with_carry_overs_balance():
    assert found(facts(table("01", income_side() + spending_side()))) == []


def test_income_subtotal_must_be_the_sum_of_income_items():
    rows = income_side(subtotal="9746.60", total="9859.48") + spending_side(total="9859.48")
    assert found(facts(table("01", rows))) == [("balance", "error"), ("balance", "error")]


def test_grand_total_must_include_the_carry_over():
    findings = reconcile(facts(table("01", income_side(carry="113.88") + spending_side())))
    assert [(f.rule, f.severity) for f in findings] == [("balance", "error")]
    assert "年初结转和结余" in findings[0].message


def test_income_total_must_equal_expenditure_total_exactly():
    rows = income_side(total="9859.39", carry="112.89") + spending_side()
    finding = only(facts(table("01", rows)))
    assert finding.rule == "balance" and finding.tolerance == 0
    assert "收入总计与支出总计不等" in finding.message


def test_fund_table_rows_carry_over_balances():
    ok = row(
        "合计",
        role="total",
        年初结转和结余="1",
        本年收入="10",
        合计="9",
        基本支出="4",
        项目支出="5",
        年末结转和结余="2",
    )
    assert found(facts(table("08", [ok]))) == []
    bad = row(
        "合计",
        role="total",
        年初结转和结余="1",
        本年收入="10",
        合计="9",
        基本支出="4",
        项目支出="5",
        年末结转和结余="3",
    )
    assert found(facts(table("08", [bad]))) == [("balance", "error")]


def test_2014_income_equals_expenditure():
    lines = seed_lines()
    lines[0] = line(1, "income", "财政拨款收入", "196.82")
    assert found(facts(lines=lines), "error") == [("balance", "error")]


# --- 基本支出 = 人员经费 + 公用经费 --------------------------------------------------


def test_basic_expenditure_is_personnel_plus_public_costs():
    t06 = table(
        "06",
        [
            row("人员经费合计", panel="人员经费", role="total", 决算数="4884.09"),
            row("公用经费合计", panel="公用经费", role="total", 决算数="480.66"),
        ],
    )
    t05 = table(
        "05", [row("合计", role="total", 合计="9746.49", 基本支出="5364.75", 项目支出="4381.74")]
    )
    assert found(facts(t05, t06)) == []
    t05.rows[0].cells["基本支出"] = yuan("5377.64")  # the all-funds figure of 03
    t05.rows[0].cells["合计"] = yuan("9759.38")
    finding = only(facts(t05, t06))
    assert (finding.rule, finding.severity) == ("personnel_public", "error")
    assert "人员经费合计、公用经费合计之和 5364.75 万元" in finding.message


# --- the same figure in two tables -------------------------------------------------------------


def test_same_class_printed_by_name_and_by_code_must_agree():
    t01 = table("01", [row("卫生健康支出", side="支出", class_code="210", 决算数="236.63")])
    t03 = table("03", [row("卫生健康支出", "210", 本年支出合计="236.64", 基本支出="236.64")])
    finding = only(facts(t01, t03))
    assert (finding.rule, finding.severity, finding.tolerance) == ("cross_table", "error", 0)
    assert finding.message == (
        "210 卫生健康支出（类）在两张表中不一致："
        "公开01表 支出/卫生健康支出（决算数）为 236.63 万元，"
        "公开03表 210 卫生健康支出（本年支出合计）为 236.64 万元，相差 0.01 万元。"
        "同一数字只能有一个值，舍入不能解释这一差异。"
    )
    t01.rows[0].cells["决算数"] = yuan("236.64")
    assert found(facts(t01, t03)) == []


def test_a_blank_where_the_other_table_prints_a_figure_is_a_contradiction():
    t04 = table("04", [row("住房保障支出", side="支出", class_code="221")])
    t05 = table("05", [row("住房保障支出", "221", 合计="461.08", 基本支出="461.08")])
    finding = only(facts(t04, t05))
    assert finding.rule == "cross_table" and "为 空白" in finding.message


def test_a_class_printed_in_one_table_only_is_a_finding_not_a_skipped_check():
    t01 = table("01", [row("卫生健康支出", side="支出", class_code="210", 决算数="236.63")])
    t03 = table("03", [row("住房保障支出", "221", 本年支出合计="5", 基本支出="5")])
    messages = [f.message for f in reconcile(facts(t01, t03)) if f.rule == "cross_table"]
    assert messages == [
        "公开03表 221 住房保障支出（本年支出合计）为 5.00 万元，但公开01表中没有“221 住房保障支出”"
        "这一行：同一类支出应在两张表中都列出且相等，不能对照核对。",
        "公开01表 支出/卫生健康支出（决算数）为 236.63 万元，但公开03表中没有“210”这一类："
        "同一类支出应在两张表中都列出且相等，不能对照核对。",
    ]


def test_a_numbered_summary_row_of_no_known_class_is_a_finding():
    t01 = table("01", [row("般公共服务支出", side="支出", ordinal="一", 决算数="9")])
    t03 = table("03", [row("一般公共服务支出", "201", 本年支出合计="9", 基本支出="9")])
    findings = [f for f in reconcile(facts(t01, t03)) if f.rule == "cross_table"]
    assert len(findings) == 2
    assert "无法确定它是哪一类功能分类科目" in findings[1].message


def test_fixed_figures_repeated_across_tables_must_agree():
    t01 = table("01", [row("本年收入合计", side="收入", role="subtotal", 决算数="100")])
    t02 = table("02", [row("合计", role="total", 本年收入合计="101", 财政拨款收入="101")])
    assert found(facts(t01, t02)) == [("cross_table", "error")]


# --- 三公 against economic codes -----------------------------------------------------------------


def t06_with(code_value: str):
    return table(
        "06",
        [
            row("商品和服务支出", "302", panel="公用经费", 决算数=code_value),
            row("公务接待费", "30217", panel="公用经费", 决算数=code_value),
        ],
    )


def test_three_public_item_equal_to_its_economic_code_passes():
    assert found(facts(table07(), t06_with("0.39"))) == []


def test_economic_code_larger_than_the_three_public_item_is_an_error():
    finding = only(facts(table07(), t06_with("0.50")))
    assert (finding.rule, finding.severity) == ("three_public_economic", "error")
    assert "30217 公务接待费" in finding.message and "大于" in finding.message


def test_three_public_item_larger_than_basic_expenditure_code_is_a_notice():
    finding = only(facts(table07(), t06_with("0.29")))
    assert (finding.rule, finding.severity) == ("three_public_economic", "notice")
    assert "其余 0.10 万元不在基本支出中" in finding.message


def test_a_blank_three_public_item_with_spending_under_its_code_is_an_error():
    finding = only(facts(table07(reception=None, total="0"), t06_with("0.30")))
    assert (finding.rule, finding.severity) == ("three_public_economic", "error")
    assert "大于公开07表 公务接待费（决算数） 空白" in finding.message
    assert found(facts(table07(reception=None, total="0"), t06_with(None))) == []


def test_2014_three_public_amount_against_an_economic_line():
    lines = [line(1, "economic", "公务接待费", "4.00", "30217")]
    assert found(facts(lines=lines, three_public=[item("reception", "3.54")])) == [
        ("three_public_economic", "error")
    ]
    assert found(facts(lines=lines, three_public=[item("reception", "4.00")])) == []


# --- budget against final ----------------------------------------------------------------------


def t05_budget(final: str, budget: str, explanation=""):
    row_ = row(
        "城乡社区规划与管理",
        "2120201",
        explanation=explanation,
        合计=final,
        基本支出="0",
        项目支出=final,
        年初预算数=budget,
    )
    return table("05", [row_])


def test_budget_gap_of_ten_percent_needs_an_explanation():
    finding = only(facts(t05_budget("2739.56", "3110.14")))
    assert (finding.rule, finding.severity) == ("budget_final", "warning")
    assert "为预算的 88.08%" in finding.message and "需要说明原因" in finding.message
    assert found(facts(t05_budget("2800.00", "3110.14"))) == []  # 90.03%: within 10%
    assert found(facts(t05_budget("2739.56", "3110.14", explanation="项目延期。"))) == []


def test_spending_without_a_budget_is_flagged():
    finding = only(facts(t05_budget("10", "0")))
    assert finding.rule == "budget_final" and "预算为零" in finding.message


# --- last year ---------------------------------------------------------------------------------


def t05_final(value: str, explanation=""):
    return table(
        "05",
        [
            row(
                "行政运行",
                "2120101",
                explanation=explanation,
                合计=value,
                基本支出=value,
                项目支出="0",
            )
        ],
    )


def test_change_on_last_year_of_ten_percent_needs_an_explanation():
    last = facts(t05_final("900.00"), year=2023)
    finding = only(facts(t05_final("1092.80"), previous=last))
    assert (finding.rule, finding.severity) == ("change_on_last_year", "warning")
    assert "2023年度 900.00 万元，2024年度 1092.80 万元，增长 21.42%" in finding.message
    assert found(facts(t05_final("1092.80", "人员调整。"), previous=last)) == []
    assert found(facts(t05_final("950.00"), previous=last)) == []
    assert found(facts(t05_final("1092.80"), previous=facts(t05_final("0"), year=2023))) == []


def test_2014_lines_and_three_public_items_compare_with_last_year():
    last = facts(lines=seed_lines(), three_public=[item("reception", "3.54")], year=2013)
    now_lines = seed_lines()
    now_lines[7] = line(8, "functional", "住房保障支出", "11.00", "221")
    this = facts(
        lines=now_lines, three_public=[item("reception", "5.00")], year=2014, previous=last
    )
    assert [f for f in found(this) if f[0] == "change_on_last_year"] == [
        ("change_on_last_year", "warning")
    ]
    explained = facts(
        lines=now_lines, three_public=[item("reception", "5.00", explained=True)], previous=last
    )
    assert "change_on_last_year" not in {f[0] for f in found(explained)}


def test_last_years_figure_restated_this_year_must_equal_the_published_one():
    columns = [Column("决算数"), Column("上年决算数")]
    last = facts(table("07", [row("合计", role="total", 决算数="0.54")], columns), year=2023)
    same = table("07", [row("合计", role="total", 决算数="0.39", 上年决算数="0.54")], columns)
    assert "prior_year" not in {f[0] for f in found(facts(same, previous=last))}
    restated = table("07", [row("合计", role="total", 决算数="0.39", 上年决算数="0.64")], columns)
    finding = next(f for f in reconcile(facts(restated, previous=last)) if f.rule == "prior_year")
    assert finding.severity == "error"
    assert "2023年度已公开的公开07表 合计（决算数）为 0.54 万元" in finding.message


def test_findings_come_errors_first_then_warnings_then_notices():
    t = table(
        "05",
        [
            row(
                "行政运行",
                "2120101",
                合计="1092.80",
                基本支出="1084.02",
                项目支出="8.77",
                年初预算数="2000",
            )
        ],
    )
    t07 = table07(reception="0.49")
    severities = [f.severity for f in reconcile(facts(t, t07))]
    assert severities == sorted(severities, key=["error", "warning", "notice"].index)
    assert set(severities) == {"error", "warning", "notice"}


# --- item 5: a printed total against the rows it covers, per column --------------------------

BUDGET_05 = [Column("合计"), Column("基本支出"), Column("项目支出")]
BUDGET_05.append(Column("年初预算数", measure="budget", printed=False))


def t05_budgets(total_budget: str | None) -> object:
    """05 with 年初预算数 per 项 only (as 情况说明 states them) and, when given, on 合计."""
    return table(
        "05",
        [
            row("合计", role="total", 合计="30", 基本支出="30", 年初预算数=total_budget),
            row("城乡社区支出", "212", 合计="30", 基本支出="30"),
            row("城乡社区管理事务", "21201", 合计="30", 基本支出="30"),
            row("行政运行", "2120101", 合计="10", 基本支出="10", 年初预算数="11"),
            row("一般行政管理事务", "2120102", 合计="20", 基本支出="20", 年初预算数="21"),
        ],
        BUDGET_05,
    )


def test_item_budgets_sum_to_the_total_budget():
    assert found(facts(t05_budgets("32"))) == []
    findings = reconcile(facts(t05_budgets("40")))
    assert [(f.rule, f.severity) for f in findings] == [
        ("class_total", "error"),
        ("budget_final", "warning"),  # 30 spent against 40 budgeted
    ]
    finding = findings[0]
    assert finding.message.startswith(
        "公开05表 合计（年初预算数）：合计 40.00 万元，各项科目 2120101、2120102之和 32.00 万元，"
        "相差 8.00 万元"
    )


def test_a_total_over_kuan_printed_without_their_class_is_checked():
    t03 = table(
        "03",
        [
            row("合计", role="total", 本年支出合计="31", 基本支出="31"),
            row("城乡社区管理事务", "21201", 本年支出合计="10", 基本支出="10"),
            row("城乡社区规划与管理", "21202", 本年支出合计="20", 基本支出="20"),
        ],
    )
    findings = reconcile(facts(t03))
    assert [(f.rule, f.severity) for f in findings] == [("class_total", "error")] * 2
    assert "合计（基本支出）：合计 31.00 万元，各款科目 21201、21202之和 30.00 万元" in (
        findings[1].message
    )
    t03.rows[0].cells = {"本年支出合计": yuan("30"), "基本支出": yuan("30")}
    assert found(facts(t03)) == []


def test_last_years_class_row_is_found_by_code_under_a_misread_name():
    def t01(name: str, value: str):
        return table("01", [row(name, side="支出", class_code="212", 决算数=value)])

    last = facts(t01("城乡社区支出", "100"), year=2023)
    finding = only(facts(t01("城乡社区支", "150"), previous=last))
    assert finding.rule == "change_on_last_year"
    assert "2023年度 100.00 万元，2024年度 150.00 万元" in finding.message
