"""The pasted-narrative matcher on the shipped document's own 情况说明, as printed.

Every figure of every section is cited, proposed, reported or (a threshold) literal: counted
apart from the matcher (paste_source.count_figures) and compared, so none is dropped silently.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disclosure.formats.paste import (
    CITED,
    LITERAL,
    PROPOSED,
    REPORTED,
    Candidate,
    Catalogue,
    Decision,
    apply_choices,
    catalogue_for,
    match_section,
)
from tests.disclosure.formats.paste_source import count_figures, printed_sections

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_for_module")]
STATUSES = (CITED, PROPOSED, REPORTED, LITERAL)


def paste_all(catalogue, source) -> list:
    return [
        (title, paragraphs, match_section("\n".join(paragraphs), catalogue=catalogue, title=title))
        for _parent, _number, title, paragraphs in printed_sections(source)
    ]


def tally(results) -> dict:
    return {s: sum(r.count(s) for *_, r in results) for s in STATUSES}


def assert_none_dropped(results):
    for title, paragraphs, result in results:
        assert len(result.outcomes) == count_figures("\n".join(paragraphs)), title
        assert all(o.status in STATUSES for o in result.outcomes)
        for o in result.outcomes:
            if o.status == CITED:  # a citation prints the value as printed
                assert o.candidate.value == o.figure.value, (title, o.figure.text)
            else:
                assert o.proposal is not None and o.proposal.value == o.figure.value


def without_stored_figures(catalogue: Catalogue) -> Catalogue:
    """As a disclosure whose tables and 三公 counts are entered, before any 情况说明 figure."""
    catalogue.candidates = [c for c in catalogue.candidates if c.kind != "f"]
    catalogue.keys = set()
    return catalogue


def test_every_figure_of_the_shipped_narrative_is_cited_or_a_threshold(putuo, putuo_source):
    results = paste_all(catalogue_for(putuo), putuo_source)
    assert len(results) == 16  # sections that print paragraphs (五, 七, 十一 by sub-section)
    assert_none_dropped(results)
    counts = tally(results)
    # The stored figures were made from this very text: all but two are cited; 共有车辆 0 辆
    # names its figure (车辆总数) too faintly to be sure, and 单价 100 万元（含）以上 is literal.
    assert counts == {CITED: 144, PROPOSED: 1, REPORTED: 0, LITERAL: 1}
    assert sum(counts.values()) == sum(count_figures("\n".join(p)) for _t, p, _r in results)


def test_before_any_narrative_figure_each_is_proposed_and_the_printed_gap_reported(
    putuo, putuo_source
):
    results = paste_all(without_stored_figures(catalogue_for(putuo)), putuo_source)
    assert_none_dropped(results)
    counts = tally(results)
    assert counts[REPORTED] == 1 and counts[LITERAL] == 1
    assert (counts[CITED], counts[PROPOSED]) == (64, 80)
    (reported,) = [(t, o) for t, _p, r in results for o in r.outcomes if o.status == REPORTED]
    title, outcome = reported
    # 六 prints 人员经费 4896.98; 公开06表 prints 人员经费合计 4884.09 (the document's own gap).
    assert title == "一般公共预算财政拨款基本支出决算情况说明"
    assert outcome.figure.value == Decimal("4896.98")
    assert outcome.proposal.cell.ref == "06|人员经费/人员经费合计|决算数"
    assert outcome.proposal.choice == ""  # the clerk must choose


def test_the_procurement_and_operating_figures_get_the_keys_the_rules_read(putuo, putuo_source):
    results = paste_all(without_stored_figures(catalogue_for(putuo)), putuo_source)
    keys = {o.proposal.key for *_, r in results for o in r.outcomes if o.status == PROPOSED}
    assert {"政府采购总额", "货物采购金额", "工程采购金额", "服务采购金额"} <= keys
    assert {"机关运行经费", "机关运行经费减少额", "机关运行经费下降率"} <= keys


def test_the_shipped_text_prints_another_agency_name_and_a_unit_left_out(putuo, putuo_source):
    findings = [f for *_, r in paste_all(catalogue_for(putuo), putuo_source) for f in r.findings]
    agency = [f.message for f in findings if f.kind == "agency"]
    assert len(agency) == 3  # 七（二）, 八, 九: 规划与自然资源局
    assert all("上海市普陀区规划与自然资源局" in m for m in agency)
    units = [f.message for f in findings if f.kind == "unit"]
    assert any("增长13.95”印出时缺少“%”" in m for m in units)
    assert any("0.39万”缺少“元”" in m for m in units)
    # The shipped text's dates, years and sums agree with its figures.
    assert not [f for f in findings if f.kind in ("date", "year", "mismatch", "change")]


def test_the_shipped_text_completion_rate_is_checked(putuo, putuo_source):
    findings = [f for *_, r in paste_all(catalogue_for(putuo), putuo_source) for f in r.findings]
    budget = [f.message for f in findings if f.kind == "budget"]
    # 七（一）: 完成预算的 0.00% of a budget of 0.00 … is fine as the text computes it from the
    # 三公 total; 五（三）'s 92% is of a project, not of the paragraph's totals.
    assert budget == ["写作完成预算的 92%，但 9746.50 ÷ 10210.34 = 95.46%。"]


# --- small texts on a hand-made catalogue (no database) ---------------------------------------


def cell(ref: str, value: str, names: tuple, measure="final", label="") -> Candidate:
    return Candidate("c", ref, Decimal(value), "万元", label or ref, names, measure, ref[:2])


CATALOGUE = Catalogue(
    agency="上海市普陀区规划和自然资源局",
    year=2024,
    candidates=[
        cell(
            "05|合计|合计", "1234.56", ("一般公共预算财政拨款支出",), label="公开05表 合计（合计）"
        ),
        cell("05|合计|年初预算数", "1300.00", ("一般公共预算财政拨款支出",), "budget"),
        cell("03|合计|本年支出合计", "2000.00", ("本年支出合计",)),
    ],
    tables={"08": ("政府性基金预算财政拨款收入支出决算表", False, False)},
)


def paste(text: str, title: str = "收入支出决算总体情况说明"):
    return match_section(text, catalogue=CATALOGUE, title=title)


def test_a_total_printed_unlike_its_cell_is_reported_not_cited():
    result = paste("一般公共预算财政拨款支出 1.2 万元，主要用于以下方面。")
    (outcome,) = result.outcomes
    assert outcome.status == REPORTED
    (finding,) = [f for f in result.findings if f.kind == "mismatch"]
    assert finding.level == "error"
    assert "印为 1.2万元，而公开05表 合计（合计）为 1234.56 万元" in finding.message
    with pytest.raises(ValidationError, match="请选择"):
        apply_choices(result, CATALOGUE, {})
    corrected = apply_choices(result, CATALOGUE, {0: Decision(choice="correct")})
    assert corrected.paragraphs == [
        "一般公共预算财政拨款支出 [[c:05|合计|合计]] 万元，主要用于以下方面。"
    ]
    assert corrected.figures == []
    kept = apply_choices(result, CATALOGUE, {0: Decision(choice="confirm", key="印出支出")})
    assert kept.paragraphs == ["一般公共预算财政拨款支出 [[f:印出支出]] 万元，主要用于以下方面。"]
    assert kept.figures[0]["value"] == Decimal("1.2")


def test_a_matching_total_is_cited_and_a_budget_figure_cites_the_budget_column():
    result = paste("一般公共预算财政拨款支出年初预算为 1300.00 万元，支出决算为 1234.56 万元。")
    assert [o.candidate.ref for o in result.outcomes] == ["05|合计|年初预算数", "05|合计|合计"]


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("单价 100 万元（含）以上设备（不含车辆）0 台（套）。", "100 万元"),
        ("采购 50万元以上的项目须公开招标。", "50万元"),
        ("差旅住宿费标准 500 元以下。", "500 元"),
    ],
)
def test_thresholds_are_proposed_as_literal_text(text, literal):
    result = paste(text, title="国有资产占有使用情况说明")
    threshold = result.outcomes[0]
    assert threshold.status == LITERAL and threshold.proposal.choice == "literal"
    applied = apply_choices(result, CATALOGUE, {})
    assert f"[[l:{literal}]]" in applied.paragraphs[0]


def test_a_stated_change_contradicted_by_its_figures():
    fine = paste("收入支出总计 110.00 万元，比上年增加 10.00 万元，增长 10.00%。")
    assert not [f for f in fine.findings if f.kind == "change"]
    wrong = paste("收入支出总计 110.00 万元，比上年增加 10.00 万元，增长 25.00%。")
    (finding,) = [f for f in wrong.findings if f.kind == "change"]
    assert "上年为 100.00 万元，变动率应为 10.00%" in finding.message
    opposite = paste("收入支出总计 110.00 万元，比上年增加 10.00 万元，下降 10.00%。")
    assert [f.kind for f in opposite.findings if f.kind == "change"] == ["change"]


def test_a_stated_comparison_with_the_budget_contradicted_by_its_figures():
    said = "年初预算为 100.00 万元，支出决算为 90.00 万元，完成年初预算的 90.00%。决算数{}预算数。"
    assert not [f for f in paste(said.format("小于")).findings if f.kind == "budget"]
    (finding,) = [f for f in paste(said.format("大于")).findings if f.kind == "budget"]
    assert "决算 90.00 万元小于预算 100.00 万元" in finding.message
    rate = paste(said.format("小于").replace("90.00%", "80.00%"))
    assert [f.kind for f in rate.findings if f.kind == "budget"] == ["budget"]


def test_a_year_or_agency_in_the_heading_that_is_not_the_disclosures():
    result = paste("无。", title="上海市普陀区规划与自然资源局2023年度收入支出决算总体情况说明")
    kinds = {(f.kind, f.level) for f in result.findings}
    assert ("year", "error") in kinds and ("agency", "error") in kinds
    ok = paste("无。", title="上海市普陀区规划和自然资源局2024年度收入支出决算总体情况说明")
    assert not [f for f in ok.findings if f.kind in ("year", "agency")]


def test_a_date_that_is_not_the_reporting_years_end():
    title = "国有资产占有使用情况说明"
    late = paste("截至 2025 年 3 月 31 日，共有车辆 0 辆。", title=title)
    assert [f.kind for f in late.findings if f.kind == "date"] == ["date"]
    undated = paste("共有车辆 0 辆。", title=title)
    assert "须注明截至日期" in [f for f in undated.findings if f.kind == "date"][0].message
    right = paste("截至 2024 年 12 月 31 日，共有车辆 0 辆。", title=title)
    assert not [f for f in right.findings if f.kind == "date"]


def test_an_empty_table_needs_its_note_and_missing_sections_are_listed():
    title = "政府性基金预算财政拨款收入支出决算情况说明"
    result = paste("本单位 2024 年度无政府性基金预算财政拨款收入和支出。", title=title)
    messages = [f.message for f in result.findings if f.kind == "table"]
    assert any("须附空表说明" in m for m in messages)
    missing = [f.message for f in result.findings if f.kind == "section"]
    assert "情况说明还没有“政府采购支出情况”部分。" in missing
    assert not any("政府性基金" in m for m in missing)


def test_bad_decisions_are_refused_in_chinese_as_a_whole():
    result = paste("机关运行经费支出 142.80 万元，政府采购金额 10.00 万元。")
    assert [o.status for o in result.outcomes] == [PROPOSED, PROPOSED]
    bad = {
        0: Decision(choice="confirm", value="12.345", key="有 空格"),
        1: Decision(choice="confirm", unit="美元", label=""),
    }
    with pytest.raises(ValidationError) as caught:
        apply_choices(result, CATALOGUE, bad)
    text = "".join(caught.value.messages)
    for expected in ("最多两位小数", "不能含空格", "不是情况说明数字的单位", "说明不能为空"):
        assert expected in text
    taken = Catalogue(agency="", year=2024, keys={"机关运行经费"})
    with pytest.raises(ValidationError, match="已被本决算的另一个数字使用"):
        apply_choices(result, taken, {})


# --- literal text [[l:…]] --------------------------------------------------------------------


def test_literal_text_is_printed_as_written_and_exempt_from_the_typed_figure_check():
    from disclosure.formats.citations import render, unresolved
    from disclosure.models import ExplanationParagraph

    text = "单价 [[l:100 万元]]（含）以上设备（不含车辆）[[f:大型设备数]] 台（套）。"
    values = {"cells": {}, "figures": {}, "counts": {}}
    assert unresolved(text, **values) == ["大型设备数"]  # the literal always resolves
    figures = {"大型设备数": type("F", (), {"value": Decimal(0), "unit": "台（套）"})()}
    assert render(text, cells={}, figures=figures, counts={}) == (
        "单价 100 万元（含）以上设备（不含车辆）0 台（套）。"
    )
    ExplanationParagraph(text=text).clean()  # no typed figure outside the citations
    with pytest.raises(ValidationError, match=r"请写作 \[\[l:…\]\]（发现：100 万元）"):
        ExplanationParagraph(text="单价 100 万元（含）以上。").clean()
