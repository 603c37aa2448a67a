"""Whether a chart's figures passed reconciliation: only findings that name them count."""

from disclosure.charts.checks import Check, check

MINE, OTHER = "公开03表 210 卫生健康支出（本年支出合计）", "公开06表 301 工资福利支出（决算数）"


def finding(severity: str, *places: str, acknowledged: bool = False) -> dict:
    ack = {"reason": "原文如此"} if acknowledged else None
    return {"severity": severity, "cells": [[p, "1.00"] for p in places], "acknowledgement": ack}


def test_unchecked_figures_say_so():
    verdict = check(checked=False, findings=[finding("error", MINE)], places=[MINE])
    assert verdict == Check(checked=False)
    assert verdict.short == "未核对" and "尚未经过自动核对" in verdict.sentence


def test_an_error_on_another_figure_does_not_fail_the_chart():
    verdict = check(checked=True, findings=[finding("error", OTHER)], places=[MINE])
    assert verdict.passed and verdict.short == "通过"
    assert verdict.sentence == (
        "已通过自动核对：本图的数字与所在决算的其他数字一致（详见数据核对）。"
    )


def test_an_error_naming_a_figure_of_the_chart_fails_it():
    verdict = check(
        checked=True,
        findings=[finding("error", OTHER, MINE), finding("warning", MINE), finding("notice", MINE)],
        places=[MINE],
    )
    assert verdict == Check(True, errors=1, acknowledged=0, warnings=1)
    assert not verdict.passed and verdict.short == "未通过"
    assert verdict.sentence == (
        "核对未通过：有 1 处矛盾涉及本图的数字；另有 1 处差异或变动需要说明原因（详见数据核对）。"
    )


def test_an_acknowledged_contradiction_passes_as_printed_in_the_original():
    acknowledged = finding("error", MINE, acknowledged=True)
    verdict = check(checked=True, findings=[acknowledged], places=[MINE])
    assert verdict.passed and verdict.acknowledged == 1 and verdict.short == "通过（原文如此）"
    assert "经审核人员确认为原文如此" in verdict.sentence
