"""The findings as CSV for auditors: one row per finding, stable columns (README, "CSV").

Pure functions of already-selected findings; the view only streams them.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from disclosure.core import csv as core_csv
from disclosure.core.csv import neutralise

from .engine import RULES_BY_CODE, wan, wan_number

HEADER = [
    "单位",
    "年度",
    "状态",
    "严重程度",
    "规则编码",
    "规则",
    "说明",
    "涉及的数字",
    "差额（万元）",
    "差额（元）",
    "舍入容差（万元）",
    "核对时间",
]


def rule_name(code: str) -> str:
    return RULES_BY_CODE[code].name if code in RULES_BY_CODE else code


def cells_text(cells: list) -> list[tuple[str, str]]:
    """Stored [label, 元 or null] pairs as (label, "236.63 万元")."""
    return [(label, wan(None if value is None else Decimal(value))) for label, value in cells]


@dataclass
class FindingView:
    """A stored finding as the auditor page shows it."""

    finding: object
    rule_name: str
    cells: list[tuple[str, str]]
    difference: str
    tolerance: str


def finding_view(finding) -> FindingView:
    diff = finding.difference_yuan
    return FindingView(
        finding=finding,
        rule_name=rule_name(finding.rule),
        cells=cells_text(finding.cells),
        difference="" if diff is None else wan_number(diff),
        tolerance=wan_number(finding.tolerance_yuan),
    )


def finding_row(finding) -> list[str]:
    d = finding.disclosure
    checked = getattr(d, "reconciliation", None)
    diff = finding.difference_yuan
    return [
        neutralise(d.agency.name),
        str(d.fiscal_year.year),
        d.get_status_display(),
        finding.get_severity_display(),
        finding.rule,
        rule_name(finding.rule),
        neutralise(finding.message),
        neutralise("；".join(f"{label}：{value}" for label, value in cells_text(finding.cells))),
        "" if diff is None else wan_number(diff),
        "" if diff is None else f"{diff:.2f}",
        wan_number(finding.tolerance_yuan),
        timezone.localtime(checked.checked_at).strftime("%Y-%m-%d %H:%M") if checked else "",
    ]


def csv_lines(findings: Iterable) -> Iterator[str]:
    return core_csv.csv_lines(HEADER, (finding_row(f) for f in findings))
