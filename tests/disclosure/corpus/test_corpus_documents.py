"""Real published documents, imported from their tables laid out as printed (issue 12, item 1).

Each document of fixtures/corpus/ is built into an XLSX as its PDF prints the tables (printed.py),
imported through the one import service into a new draft, compared with its transcription cell
by cell, and reconciled: every finding is asserted, each explained by the printed figures.
"""

from decimal import Decimal

import pytest

from disclosure.importing import disclosure_import
from disclosure.models import Cell
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts
from tests.disclosure.corpus.printed import document, printed_figures, workbook
from tests.factories import AgencyFactory, StandardDisclosureFactory, StandardFiscalYearFactory

pytestmark = pytest.mark.django_db
W = Decimal(10000)


def imported(doc: dict, slug: str):
    fiscal_year = StandardFiscalYearFactory(year=doc["year"])
    agency = AgencyFactory(name=doc["agency"], slug=slug)
    disclosure = StandardDisclosureFactory(agency=agency, fiscal_year=fiscal_year)
    report = disclosure_import(agency=agency, fiscal_year=fiscal_year, file=workbook(doc), by=None)
    assert report.ok, [str(e) for e in report.errors][:5]
    return disclosure


def stored_figures(disclosure) -> dict:
    cells = Cell.objects.filter(row__disclosure=disclosure).select_related(
        "row__table", "row__parent", "column"
    )
    return {
        (c.row.table.number, c.row.key, c.column.label): f"{c.amount_yuan / W:.2f}" for c in cells
    }


def shown(finding, figures: int = 6) -> tuple:
    """A finding as (rule, severity, its first figures in 万元)."""
    values = tuple(None if v is None else f"{v / W:.2f}" for _l, v in finding.cells[:figures])
    return (finding.rule, str(finding.severity), values)


# 上海市普陀区人民政府石泉路街道办事处 2025 年度部门决算. Its 03 and 05 print 212 城乡社区支出 and
# 21201 城乡社区管理事务 with 基本支出 1,066.51 where their 项 add up to 10,661.51 (a digit
# dropped: 合计's 14,206.00 and 06's totals agree with 10,661.51); its 07 prints budgets the year
# did not spend. Each finding, with the figures it shows (万元):
SHIQUAN = [
    # 03 and 05: 合计 column ≠ 基本支出 + 项目支出 on the two rows with the dropped digit.
    ("columns_total", "error", ("13583.48", "1066.51", "2921.97")),  # 03 212
    ("columns_total", "error", ("12029.15", "1066.51", "1367.64")),  # 03 21201
    ("columns_total", "error", ("13583.48", "1066.51", "2921.97")),  # 05 212
    ("columns_total", "error", ("12029.15", "1066.51", "1367.64")),  # 05 21201
    # 03 and 05: 合计's 基本支出 ≠ Σ 类 (212 short by 9,595.00).
    ("class_total", "error", ("14206.00", "2439.14", "253.25", "1066.51", "852.09")),
    ("class_total", "error", ("14206.00", "2439.14", "253.25", "1066.51", "852.09")),
    # 03 and 05: 21201's 基本支出 ≠ Σ its 项.
    ("code_children", "error", ("1066.51", "1690.05", "1289.35", "7682.11")),
    ("code_children", "error", ("1066.51", "1690.05", "1289.35", "7682.11")),
    # 07: 预算数 against 决算数, 10% or more apart, with no explanation on the row.
    ("budget_final", "warning", ("53.93", "37.35")),  # 合计
    ("budget_final", "warning", ("52.40", "37.35")),  # 公务用车购置及运行维护费
    ("budget_final", "warning", ("27.40", "12.35")),  # 公务用车运行维护费
    ("budget_final", "warning", ("1.53", "0.00")),  # 公务接待费
    # Rounding: 208's 基本 2,439.14 + 项目 580.19 = 3,019.33 against 3,019.34 (03, 05), its six
    # 款 add up to 3,019.33 (02's two columns, 03, 05), 302's 18 款 to 2,195.59 against 2,195.60.
    ("columns_total", "notice", ("3019.34", "2439.14", "580.19")),
    ("columns_total", "notice", ("3019.34", "2439.14", "580.19")),
    ("code_children", "notice", ("3019.34", "1281.95", "200.18", "177.17", "7.11", "30.00")),
    ("code_children", "notice", ("3019.34", "1281.95", "200.18", "177.17", "7.11", "30.00")),
    ("code_children", "notice", ("3019.34", "1281.95", "200.18", "177.17", "7.11", "30.00")),
    ("code_children", "notice", ("3019.34", "1281.95", "200.18", "177.17", "7.11", "30.00")),
    ("code_children", "notice", ("2195.60", "649.22", "1.33", "0.25", "16.23", "72.56")),
]


def test_shiquan_2025_imports_as_printed_and_finds_its_own_contradictions():
    doc = document("shiquan-2025")
    disclosure = imported(doc, "putuo-shiquan")
    expected = printed_figures(doc)
    assert len(expected) == 580
    assert stored_figures(disclosure) == expected
    findings = [shown(f) for f in reconcile(load_facts(disclosure=disclosure))]
    assert findings == SHIQUAN


# 上海市普陀区文化和旅游局 2025 年度部门决算. Its 05 prints the figures of each row
# against another row's code and name from 20709 on (20709 旅游发展基金支出 2,369.56 is
# 20799's figure, 2150899 prints the 合计 row's 24,535.67, 合计 prints 2070105's 1,700.57):
# every check of 05 breaks, and 04 (which prints the classes right) disagrees with 05 on five
# classes and the total. Its 08 prints the 合计 row's 本年支出 cells as the column headings
# (合计 基本支出 项目支出), with no figures: 0 + 2,002.80 income has no spending to balance
# it, and 04's 2,002.80 of fund spending has no 08 total to meet. Its 07 budgets were not
# spent; the rest is rounding to 万元.
WENLV = [
    (
        "class_total",
        "error",
        ("1700.57", "17127.62", "44.54", "47.54", "4948.72", "403.71"),
    ),  # 05 shifted
    (
        "class_total",
        "error",
        ("1700.57", "9753.43", "33.16", "33.16", "4948.72", "4948.72"),
    ),  # 05 shifted
    ("code_children", "error", ("17127.62", "14758.06", "2369.56", "20.00")),  # 05 shifted
    ("code_children", "error", ("9753.43", "7383.87", "2369.56", "20.00")),  # 05 shifted
    ("code_children", "error", ("2369.56", "2349.56")),  # 05 shifted
    ("code_children", "error", ("2369.56", "2349.56")),  # 05 shifted
    ("code_children", "error", ("20.00", "1493.32", "1460.16")),  # 05 shifted
    ("code_children", "error", ("20.00", "33.16")),  # 05 shifted
    ("code_children", "error", ("44.54", "361.85", "370.37")),  # 05 shifted
    ("code_children", "error", ("44.54", "361.85", "370.37")),  # 05 shifted
    (
        "code_children",
        "error",
        ("361.85", "699.30", "349.63", "4.84", "33.16", "33.16"),
    ),  # 05 shifted
    ("code_children", "error", ("361.85", "699.30", "349.63", "4.84")),  # 05 shifted
    ("code_children", "error", ("47.54", "322.83")),  # 05 shifted
    ("code_children", "error", ("47.54", "322.83")),  # 05 shifted
    ("code_children", "error", ("322.83", "4948.72", "4948.72")),  # 05 shifted
    ("code_children", "error", ("4948.72", "595.64")),  # 05 shifted
    ("code_children", "error", ("403.71", "191.93")),  # 05 shifted
    ("code_children", "error", ("403.71", "191.93")),  # 05 shifted
    ("code_children", "error", ("191.93", "24535.67")),  # 05 shifted
    ("code_children", "error", ("191.93", "9800.36")),  # 05 shifted
    ("code_children", "error", ("17127.62", "14758.06")),  # 05 shifted
    ("code_children", "error", ("9753.43", "7383.87")),  # 05 shifted
    ("code_children", "error", ("14758.06", "457.86", "3070.63")),  # 05 shifted
    ("code_children", "error", ("7374.19", "454.06", "2362.21")),  # 05 shifted
    ("code_children", "error", ("7383.87", "3.79", "708.42")),  # 05 shifted
    ("balance", "error", ("0.00", "2002.80", "0.00")),  # 08 total without 本年支出
    ("cross_table", "error", ("24535.67", "1700.57")),  # 04 vs shifted 05
    ("cross_table", "error", ("2002.80", None)),  # 08 total without 本年支出
    ("cross_table", "error", ("1493.32", "44.54")),  # 04 vs shifted 05
    ("cross_table", "error", ("370.37", "47.54")),  # 04 vs shifted 05
    ("cross_table", "error", (None, "4948.72")),  # 04 vs shifted 05
    ("cross_table", "error", ("4948.72", "403.71")),  # 04 vs shifted 05
    ("cross_table", "error", ("595.64", "17127.62")),  # 04 vs shifted 05
    ("budget_final", "warning", ("11.49", "3.04")),  # 07 budget
    ("budget_final", "warning", ("9.38", "2.64")),  # 07 budget
    ("budget_final", "warning", ("9.38", "2.64")),  # 07 budget
    ("budget_final", "warning", ("2.11", "0.40")),  # 07 budget
    ("columns_total", "notice", ("457.86", "454.06", "3.79")),  # rounding
    ("columns_total", "notice", ("4540.23", "1787.30", "2752.92")),  # rounding
    ("columns_total", "notice", ("457.86", "454.06", "3.79")),  # rounding
    ("columns_total", "notice", ("4540.23", "1787.30", "2752.92")),  # rounding
    ("columns_total", "notice", ("457.86", "454.06", "3.79")),  # rounding
    (
        "code_children",
        "notice",
        ("14758.06", "457.86", "3070.63", "1700.57", "1605.19", "4540.23"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("14758.06", "457.86", "3070.63", "1700.57", "1605.19", "4540.23"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("14758.06", "457.86", "3070.63", "1700.57", "1605.19", "4540.23"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("7374.19", "454.06", "2362.21", "1787.30", "819.92", "1950.69"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("14758.06", "457.86", "3070.63", "1700.57", "1605.19", "4540.23"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("7374.19", "454.06", "2362.21", "1787.30", "819.92", "1950.69"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1708.26", "115.40", "0.35", "0.08", "3.98", "914.38"),
    ),  # rounding
    ("code_children", "notice", ("37.03", "23.09", "13.93")),  # rounding
]


def test_wenlv_2025_imports_as_printed_and_finds_its_own_contradictions():
    doc = document("wenlv-2025")
    disclosure = imported(doc, "putuo-wenlv")
    expected = printed_figures(doc)
    assert len(expected) == 394
    assert stored_figures(disclosure) == expected
    findings = [shown(f) for f in reconcile(load_facts(disclosure=disclosure))]
    assert findings == WENLV


# 上海市普陀区人民政府宜川路街道办事处 2025 年度部门决算. Its 06 spends under 30212 (13.24),
# 30217 (8.31) and 30231 (81.11) more than its 07 prints for 因公出国（境）费 (blank), 公务接待费
# (0.30) and 公务用车运行维护费 (19.56); it prints 30299 其他商品和服务支出 with 302's total
# 1,844.57, so 302's 款 add up to twice it; its 08 total row, like 文旅局's, has no 本年支出
# figures against 04's 105.00. 07's budgets were not spent; the rest is rounding to 万元.
YICHUAN = [
    (
        "code_children",
        "error",
        ("1844.57", "534.52", "0.00", "0.67", "10.16", "99.20"),
    ),  # 06 30299 printed with 302's total
    ("cross_table", "error", ("105.00", None)),  # 04 against 08's total without 本年支出
    ("three_public_economic", "error", (None, "13.24")),  # 06 code above its 07 item
    ("three_public_economic", "error", ("0.30", "8.31")),  # 06 code above its 07 item
    ("three_public_economic", "error", ("19.56", "81.11")),  # 06 code above its 07 item
    ("budget_final", "warning", ("31.47", "19.86")),  # 07 budget
    ("budget_final", "warning", ("30.67", "19.56")),  # 07 budget
    ("budget_final", "warning", ("30.67", "19.56")),  # 07 budget
    ("budget_final", "warning", ("0.80", "0.30")),  # 07 budget
    ("columns_total", "notice", ("20323.21", "14107.46", "6215.76")),  # rounding
    ("columns_total", "notice", ("2452.66", "1972.20", "480.47")),  # rounding
    ("columns_total", "notice", ("265.57", "245.68", "19.90")),  # rounding
    ("columns_total", "notice", ("2452.66", "1972.20", "480.47")),  # rounding
    ("columns_total", "notice", ("265.57", "245.68", "19.90")),  # rounding
    ("columns_total", "notice", ("20218.21", "14107.46", "6110.76")),  # rounding
    (
        "class_total",
        "notice",
        ("20323.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("20323.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("20323.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("6215.76", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("20218.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("6110.76", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("20323.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("20323.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "class_total",
        "notice",
        ("20218.21", "207.40", "556.78", "26.02", "10.00", "86.55"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("207.40", "39.99", "37.51", "74.33", "29.79", "25.79"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("207.40", "39.99", "37.51", "74.33", "29.79", "25.79"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("2452.66", "1205.67", "76.08", "196.51", "8.43", "965.98"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("2452.66", "1205.67", "76.08", "196.51", "8.43", "965.98"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1205.67", "201.59", "210.68", "518.69", "269.86", "4.84"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1205.67", "201.59", "210.68", "518.69", "269.86", "4.84"),
    ),  # rounding
    ("code_children", "notice", ("76.08", "50.11", "25.96")),  # rounding
    ("code_children", "notice", ("76.08", "50.11", "25.96")),  # rounding
    ("code_children", "notice", ("265.57", "19.90", "245.68")),  # rounding
    ("code_children", "notice", ("265.57", "19.90", "245.68")),  # rounding
    (
        "code_children",
        "notice",
        ("207.40", "39.99", "37.51", "74.33", "29.79", "25.79"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("207.40", "39.99", "37.51", "74.33", "29.79", "25.79"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("2452.66", "1205.67", "76.08", "196.51", "8.43", "965.98"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1205.67", "201.59", "210.68", "518.69", "269.86", "4.84"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1205.67", "201.59", "210.68", "518.69", "269.86", "4.84"),
    ),  # rounding
    ("code_children", "notice", ("76.08", "50.11", "25.96")),  # rounding
    ("code_children", "notice", ("76.08", "50.11", "25.96")),  # rounding
    ("code_children", "notice", ("265.57", "19.90", "245.68")),  # rounding
    (
        "code_children",
        "notice",
        ("207.40", "39.99", "37.51", "74.33", "29.79", "25.79"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("207.40", "39.99", "37.51", "74.33", "29.79", "25.79"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("2452.66", "1205.67", "76.08", "196.51", "8.43", "965.98"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1205.67", "201.59", "210.68", "518.69", "269.86", "4.84"),
    ),  # rounding
    (
        "code_children",
        "notice",
        ("1205.67", "201.59", "210.68", "518.69", "269.86", "4.84"),
    ),  # rounding
    ("code_children", "notice", ("76.08", "50.11", "25.96")),  # rounding
    ("code_children", "notice", ("76.08", "50.11", "25.96")),  # rounding
    ("code_children", "notice", ("265.57", "19.90", "245.68")),  # rounding
    ("personnel_public", "notice", ("14107.46", "12192.15", "1915.30")),  # rounding
]


def test_yichuan_2025_imports_as_printed_and_finds_its_own_contradictions():
    doc = document("yichuan-2025")
    disclosure = imported(doc, "putuo-yichuan")
    expected = printed_figures(doc)
    assert len(expected) == 622
    assert stored_figures(disclosure) == expected
    findings = [shown(f) for f in reconcile(load_facts(disclosure=disclosure))]
    assert findings == YICHUAN


# 上海市普陀区生态环境局 2025 年度部门决算, laid out as it prints: codes under 类/款/项 columns,
# 决算数 under every column of 02 and 03 with 合计 on the 类 款 项 line, 04's sides headed
# 收入决算数/支出决算数, 06's codes under 类/款 (301 | 01). Nothing it prints contradicts
# itself beyond rounding to 万元; its 07 budgets were not all spent.
SHENGTAI = [
    # 07: 预算数 against 决算数, 10% or more apart, with no explanation on the row.
    ("budget_final", "warning", ("21.00", "16.95")),  # 合计
    ("budget_final", "warning", ("20.50", "16.95")),  # 公务用车购置及运行维护费
    ("budget_final", "warning", ("20.50", "16.95")),  # 公务用车运行维护费
    ("budget_final", "warning", ("0.50", "0.00")),  # 公务接待费
    # Rounding: 211, 21111 and 2111101 print 合计 0.01 above 基本支出 + 项目支出 (03, then 05).
    ("columns_total", "notice", ("3742.47", "2385.48", "1356.98", "0.00", "0.00", "0.00")),
    ("columns_total", "notice", ("1576.19", "1101.78", "474.40", "0.00", "0.00", "0.00")),
    ("columns_total", "notice", ("1493.39", "1101.78", "391.60", "0.00", "0.00", "0.00")),
    ("columns_total", "notice", ("3742.47", "2385.48", "1356.98")),
    ("columns_total", "notice", ("1576.19", "1101.78", "474.40")),
    ("columns_total", "notice", ("1493.39", "1101.78", "391.60")),
    # Rounding: 05's 合计 prints 项目支出 1,367.75 (the classes' sum) where 03 prints 1,367.76,
    # so 05's 合计 4,733.14 is 0.01 above 3,365.38 + 1,367.75, and 03's 1,367.76 is 0.01 above
    # its classes.
    ("columns_total", "notice", ("4733.14", "3365.38", "1367.75")),
    ("class_total", "notice", ("1367.76", "10.77", "0.00", "1356.98", "0.00")),
    # Rounding: 06's 公用经费合计 416.36 against 302 401.93 + 310 14.44, and 310's 14.44
    # against its 款 13.94 + 0.49.
    ("class_total", "notice", ("416.36", "401.93", "14.44")),
    ("code_children", "notice", ("14.44", "0.00", "13.94", "0.49", "0.00", "0.00")),
]


def test_shengtai_2025_imports_as_printed_and_finds_its_own_contradictions():
    doc = document("shengtai-2025")
    disclosure = imported(doc, "putuo-shengtai")
    expected = printed_figures(doc)
    assert len(expected) == 747
    assert stored_figures(disclosure) == expected
    findings = [shown(f) for f in reconcile(load_facts(disclosure=disclosure))]
    assert findings == SHENGTAI


# 上海市普陀区规划和自然资源局 2024 年度部门决算 (fixtures/source/putuo-2024, the demo's document),
# imported here from its tables as printed. 卫生健康支出 is printed 236.63 in 01 and 04 and
# 236.64 in 03 and 05 (its 项 add up to 236.64), 城乡社区支出 3,845.25 in 01 and 3,845.24 in 03
# (its 款 add up to 3,845.24): the same figure with two values, which rounding cannot explain.
# Its 07 reception budget was not all spent; the rest is rounding to 万元, each listed in the
# source's `discrepancies`.
PUTUO_2024 = [
    ("cross_table", "error", ("236.63", "236.64")),  # 01 against 03
    ("cross_table", "error", ("3845.25", "3845.24")),  # 01 against 03
    ("cross_table", "error", ("236.63", "236.64")),  # 04 against 05
    ("budget_final", "warning", ("2.85", "0.39")),  # 07 合计
    ("budget_final", "warning", ("2.85", "0.39")),  # 07 公务接待费
    # Rounding: 05's 212, 21201, 2120101 and 合计 print 合计 0.01 above 基本支出 + 项目支出.
    ("columns_total", "notice", ("3832.36", "1572.70", "2259.65")),
    ("columns_total", "notice", ("1092.80", "1084.02", "8.77")),
    ("columns_total", "notice", ("1092.80", "1084.02", "8.77")),
    ("columns_total", "notice", ("9746.50", "5364.75", "4381.74")),
    # Rounding: 06's 人员经费合计 4,884.09 against 301 + 303 = 4,884.10; 04's 本年支出合计
    # 9,746.50 against its classes' 9,746.49 (both columns); 302's 款 add up to 440.88.
    ("class_total", "notice", ("4884.09", "4816.14", "67.96")),
    ("class_total", "notice", ("9746.50", "754.75", "236.63", "3832.36", "4461.67", "461.08")),
    ("class_total", "notice", ("9746.50", "754.75", "236.63", "3832.36", "4461.67", "461.08")),
    ("code_children", "notice", ("440.90", "84.62", "0.00", "0.00", "0.08", "0.92")),
]


def test_putuo_2024_imports_as_printed_and_finds_its_own_contradictions():
    doc = document("putuo-2024")
    disclosure = imported(doc, "putuo-ghzy-printed")
    expected = printed_figures(doc)
    assert len(expected) == 308
    assert stored_figures(disclosure) == expected
    findings = [shown(f) for f in reconcile(load_facts(disclosure=disclosure))]
    assert findings == PUTUO_2024
