"""The engine on the real documents, the stored findings, and the cost per disclosure."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    ExpenditureLine,
    FiscalYear,
    Reconciliation,
    ReconciliationFinding,
    ReportRow,
    TableSpec,
)
from disclosure.reconciliation.engine import RULES_BY_CODE, reconcile
from disclosure.reconciliation.selectors import load_facts, reconciliation_errors
from disclosure.reconciliation.services import disclosure_reconcile
from tests.conftest import draft
from tests.factories import (
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    publish,
)

# The Putuo document, reopened, once for the module (each test's writes are rolled back); the
# small seed is loaded by the tests that ask for it, so that only they see two agencies.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_draft_for_module")]


# The engine reads drafts and published revisions alike; these tests change figures, which only
# a draft allows, so the demo documents are reopened as correction drafts (same figures).
@pytest.fixture
def putuo(request, putuo):
    return draft(request, "putuo_draft_for_module", putuo)


@pytest.fixture
def seed(request, seed):
    return draft(request, "seed_draft_for_module", seed)


W = Decimal(10000)


def test_seed_yields_exactly_its_one_notice(seed):
    findings = reconcile(load_facts(disclosure=seed))
    assert [(f.rule, f.severity) for f in findings] == [("of_which_remainder", "notice")]
    assert "基本支出 140.82 万元，其中列明 111.14 万元，未列明 29.68 万元" in findings[0].message


# What the engine finds in the real 2024 Putuo document: (rule, severity, the figures the
# finding shows in 万元, the index of the document's own `discrepancies` entry it reports, or
# None for what the source does not list as a discrepancy: budget gaps to be explained).
PUTUO = [
    ("cross_table", "error", ("236.63", "236.64"), 6),  # 表01 vs 表03
    ("cross_table", "error", ("3845.25", "3845.24"), 7),  # 表01 vs 表03
    ("cross_table", "error", ("236.63", "236.64"), 6),  # 表04 vs 表05
    ("budget_final", "warning", ("3110.14", "2739.56"), None),  # 2120201: 88.08%
    ("budget_final", "warning", ("2.85", "0.39"), None),  # 07 合计
    ("budget_final", "warning", ("2.85", "0.39"), None),  # 07 公务接待费
    ("narrative_cell", "warning", ("4896.98", "4884.09"), 9),  # 六 人员经费 vs 表06
    ("columns_total", "notice", ("3832.36", "1572.70", "2259.65"), 2),  # 05 212
    ("columns_total", "notice", ("1092.80", "1084.02", "8.77"), 1),  # 05 21201
    ("columns_total", "notice", ("1092.80", "1084.02", "8.77"), 1),  # 05 2120101
    ("columns_total", "notice", ("9746.50", "5364.75", "4381.74"), 3),  # 05 合计
    ("class_total", "notice", ("4884.09", "4816.14", "67.96"), 5),  # 06 人员经费合计
    ("class_total", "notice", ("9746.50", "754.75", "236.63"), 0),  # 04 合计 column
    ("class_total", "notice", ("9746.50", "754.75", "236.63"), 0),  # 04 一般公共预算 column
    ("code_children", "notice", ("440.90",), 4),  # 06 302 against its 27 款
    ("narrative_procurement", "notice", ("2319.21", "122.43", "1387.72", "809.07"), 18),
]
# The document's discrepancies that no identity over stored figures can show, and why.
OUT_OF_SCOPE = {
    8: "表03 与表05 的基本支出覆盖不同资金，差额不是恒等式",
    10: "情况说明中的百分比（情况说明数字，单位 %）不在核对范围内",
    11: "13 个项的年初预算之和与情况说明中的年初预算总数：该总数是文字数字，未关联单元格",
    12: "情况说明中的项目名称与表中名称不同（文字）",
    13: "情况说明中的项目名称与表中名称不同（文字）",
    14: "情况说明中的款名称与表中名称不同（文字）",
    15: "情况说明列举的经费内容与表06 的零值（文字）",
    16: "情况说明中除以零的比例和模板用语（文字）",
    17: "情况说明中缺少单位“元”（文字）",
    19: "表头和单位名称的笔误（文字）",
    20: "目录标题与正文标题不同（文字）",
}


def wan(yuan: Decimal | None) -> str:
    return "" if yuan is None else f"{yuan / W:.2f}"


def test_putuo_yields_exactly_the_documents_own_contradictions(putuo, putuo_source):
    findings = reconcile(load_facts(disclosure=putuo))
    assert len(findings) == len(PUTUO), [f.message for f in findings]
    discrepancies = putuo_source["discrepancies"]
    for finding, (rule, severity, figures, index) in zip(findings, PUTUO, strict=True):
        assert (finding.rule, finding.severity) == (rule, severity), finding.message
        shown = [wan(value) for _label, value in finding.cells]
        assert shown[: len(figures)] == list(figures), finding.message
        if index is not None:
            for figure in figures:
                assert figure in discrepancies[index], (figure, discrepancies[index])
        # A rule breaks at its registered severity; only rounding lowers it to a notice.
        assert finding.severity in (RULES_BY_CODE[finding.rule].severity, "notice")
    # Every discrepancy the source lists is either found or explained as out of scope.
    found = {index for *_, index in PUTUO if index is not None}
    assert found | set(OUT_OF_SCOPE) == set(range(len(discrepancies)))
    assert not found & set(OUT_OF_SCOPE)


def test_putuo_rounding_notices_state_their_tolerance(putuo):
    notices = [f for f in reconcile(load_facts(disclosure=putuo)) if f.severity == "notice"]
    assert {f.tolerance / 100 for f in notices} == {1, 2, 3, 14}  # 0.01 … 0.14 万元
    for finding in notices:
        assert abs(finding.difference) <= finding.tolerance
        assert f"在舍入容差 {finding.tolerance / W:.2f} 万元以内" in finding.message


def test_load_facts_costs_nine_queries_whatever_the_size(putuo, seed):
    def cost(disclosure) -> int:
        with CaptureQueriesContext(connection) as queries:
            load_facts(disclosure=disclosure)
        return len(queries.captured_queries)

    before = cost(putuo)
    table05 = TableSpec.objects.get(report_format=putuo.fiscal_year.report_format, number="05")
    total = ColumnSpec.objects.get(table=table05, label="合计")
    for i in range(40):
        row = ReportRow.objects.create(
            disclosure=putuo, table=table05, order=100 + i, name=f"附{i}"
        )
        Cell.objects.create(row=row, column=total, amount_yuan=Decimal(i))
    for i in range(20):
        ExpenditureLineFactory(disclosure=seed, statement="functional", name=f"附加{i}")
    # 7, the 情况说明 (figures, paragraphs), and the format's 类 codes for 01/04's class rows.
    assert cost(putuo) == before <= 9
    assert cost(seed) <= 9


def test_service_cost_is_bounded_per_disclosure(putuo):
    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            disclosure_reconcile(disclosure=putuo)
        return len(queries.captured_queries)

    cost()  # the first check creates the Reconciliation row; later ones update it
    before = cost()
    table06 = TableSpec.objects.get(report_format=putuo.fiscal_year.report_format, number="06")
    column = table06.columns.get(label="决算数")
    for i in range(30):  # thirty more 款 under 302: more figures, one more finding at most
        row = ReportRow.objects.create(
            disclosure=putuo,
            table=table06,
            order=200 + i,
            panel="公用经费",
            code=f"302{50 + i}",
            name=f"附加{i}",
        )
        Cell.objects.create(row=row, column=column, amount_yuan=Decimal(100))
    # Reads, the delete, one bulk insert, the check's time (savepoints included).
    assert cost() == before <= 20


def test_service_stores_findings_and_replaces_them(putuo):
    disclosure_reconcile(disclosure=putuo)
    stored = list(ReconciliationFinding.objects.filter(disclosure=putuo).order_by("order"))
    assert len(stored) == len(PUTUO)
    assert [f.order for f in stored] == list(range(1, len(PUTUO) + 1))
    first = stored[0]
    assert (first.rule, first.severity) == ("cross_table", "error")
    assert first.cells == [
        ["公开01表 支出/卫生健康支出（决算数）", "2366300.00"],
        ["公开03表 210 卫生健康支出（本年支出合计）", "2366400.00"],
    ]
    assert first.difference_yuan == Decimal("-100.00") and first.tolerance_yuan == 0
    checked = Reconciliation.objects.get(disclosure=putuo).checked_at
    # Correct the figure: the finding goes away when reconciled again.
    cell = Cell.objects.get(
        row__disclosure=putuo, row__table__number="01", row__name="卫生健康支出"
    )
    cell.amount_yuan = Decimal("2366400.00")
    cell.save()
    disclosure_reconcile(disclosure=putuo)
    rules = list(
        ReconciliationFinding.objects.filter(disclosure=putuo).values_list("rule", "severity")
    )
    assert rules.count(("cross_table", "error")) == 2
    assert Reconciliation.objects.get(disclosure=putuo).checked_at >= checked
    assert Reconciliation.objects.count() == 1


def test_publication_hook_computes_errors_fresh(putuo):
    disclosure_reconcile(disclosure=putuo)
    ReportRow.objects.filter(disclosure=putuo, table__number="01").delete()
    errors = reconciliation_errors(putuo)
    assert [(f.rule, f.severity) for f in errors] == [("cross_table", "error")]  # 04 vs 05 left
    assert ReconciliationFinding.objects.filter(disclosure=putuo, severity="error").count() == 3


def test_publication_hook_on_a_consistent_disclosure_is_empty(seed):
    assert reconciliation_errors(seed) == []


def test_change_on_last_year_against_the_previous_published_disclosure(putuo):
    fy2023 = FiscalYear.objects.create(
        year=2023,
        disclosure_format="standard",
        code_version=putuo.fiscal_year.code_version,
        report_format=putuo.fiscal_year.report_format,
    )
    last = Disclosure.objects.create(agency=putuo.agency, fiscal_year=fy2023)
    table05 = TableSpec.objects.get(report_format=fy2023.report_format, number="05")
    row = ReportRow.objects.create(
        disclosure=last, table=table05, order=1, code="2120101", name="行政运行"
    )
    Cell.objects.create(row=row, column=table05.columns.get(label="合计"), amount_yuan=9000000)
    publish(last)
    changes = [
        f for f in reconcile(load_facts(disclosure=putuo)) if f.rule == "change_on_last_year"
    ]
    assert len(changes) == 1 and changes[0].severity == "warning"
    assert "2023年度 900.00 万元，2024年度 1092.80 万元，增长 21.42%" in changes[0].message
    ReportRow.objects.filter(disclosure=putuo, table=table05, code="2120101").update(
        explanation="人员调整，行政运行支出增加。"
    )
    assert not any(f.rule == "change_on_last_year" for f in reconcile(load_facts(disclosure=putuo)))


def test_reconciling_a_year_rechecks_the_next_one(seed):
    fy2015 = FiscalYearFactory(year=2015)
    following = DisclosureFactory(agency=seed.agency, fiscal_year=fy2015, status="draft")
    ExpenditureLine.objects.create(
        disclosure=following, statement="income", name="财政拨款收入", amount_yuan=3000000
    )
    disclosure_reconcile(disclosure=seed)
    assert Reconciliation.objects.filter(disclosure=following).exists()
    changes = ReconciliationFinding.objects.filter(disclosure=following, rule="change_on_last_year")
    assert changes.count() == 1  # 195.82 → 300.00


def test_reconcile_all_checks_every_disclosure(seed, putuo, capsys):
    call_command("reconcile_all")
    out = capsys.readouterr().out
    # Both published documents and the correction drafts reopened from them (same figures).
    assert "已核对 4 份决算公开：错误 6 处，警告 8 处，提示 20 条。" in out
    assert Reconciliation.objects.count() == 4
    assert ReconciliationFinding.objects.count() == 34
    call_command("reconcile_all")  # idempotent
    assert ReconciliationFinding.objects.count() == 34
