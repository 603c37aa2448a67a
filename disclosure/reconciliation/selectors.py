"""Reads for reconciliation: the engine's snapshot, the publication hook, the pages' findings.

load_facts() costs a fixed number of queries (seven) whatever the size of the disclosure.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    ExpenditureLine,
    Reconciliation,
    ReconciliationFinding,
    ReportRow,
    ThreePublicExpense,
)
from disclosure.models.findings import Severity

from .engine import Column, Facts, Finding, Line, Row, Table, ThreePublic, reconcile


def load_facts(*, disclosure: Disclosure) -> Facts:
    """The disclosure's figures, and last year's published ones, as the engine reads them."""
    d = Disclosure.objects.select_related("fiscal_year").get(pk=disclosure.pk)
    previous = (
        Disclosure.objects.published()
        .filter(agency_id=d.agency_id, fiscal_year__year=d.fiscal_year.year - 1)
        .select_related("fiscal_year")
        .first()
    )
    ids = [d.pk] + ([previous.pk] if previous else [])
    lines = defaultdict(list)
    for row in ExpenditureLine.objects.filter(disclosure_id__in=ids).order_by("order", "pk"):
        lines[row.disclosure_id].append(
            Line(row.pk, row.statement, row.name, row.amount_yuan, row.code, row.parent_id)
        )
    three_public = defaultdict(list)
    for record in ThreePublicExpense.objects.filter(disclosure_id__in=ids):
        explained = bool(record.explanation or record.yoy_remark)
        three_public[record.disclosure_id].append(
            ThreePublic(record.item, record.amount_yuan, explained)
        )
    tables = _tables(ids)
    facts = {
        pk: Facts(
            year=year, lines=lines[pk], three_public=three_public[pk], tables=tables.get(pk, {})
        )
        for pk, year in [(d.pk, d.fiscal_year.year)]
        + ([(previous.pk, previous.fiscal_year.year)] if previous else [])
    }
    if previous:
        facts[d.pk].previous = facts[previous.pk]
    return facts[d.pk]


def _tables(ids: list[int]) -> dict[int, dict[str, Table]]:
    """Standard-format tables of each disclosure: three queries (rows, cells, columns)."""
    rows = list(
        ReportRow.objects.filter(disclosure_id__in=ids)
        # The parent's parent too: a child row's key names its parent, whose key may name its own.
        .select_related("table", "parent__parent")
        .order_by("table__number", "order", "pk")
    )
    cells: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row_id, label, amount in Cell.objects.filter(row__disclosure_id__in=ids).values_list(
        "row_id", "column__label", "amount_yuan"
    ):
        cells[row_id][label] = amount
    columns = defaultdict(list)
    specs = ColumnSpec.objects.filter(table_id__in={r.table_id for r in rows}).order_by("order")
    for c in specs:
        columns[c.table_id].append(Column(c.label, c.side, c.group, c.measure, c.printed))
    tables: dict[int, dict[str, Table]] = defaultdict(dict)
    for r in rows:
        spec = r.table
        table = tables[r.disclosure_id].get(spec.number)
        if table is None:
            table = Table(spec.number, columns[spec.pk], [], spec.two_sided, spec.row_source)
            tables[r.disclosure_id][spec.number] = table
        parent = r.parent.key if r.parent_id else ""
        table.rows.append(
            Row(r.key, r.name, r.code, r.side, r.panel, parent, r.role, r.explanation, cells[r.pk])
        )
    return tables


def reconciliation_errors(disclosure: Disclosure) -> list[Finding]:
    """The hook for publication: the error findings, computed now (never from stored ones)."""
    return [f for f in reconcile(load_facts(disclosure=disclosure)) if f.severity == Severity.ERROR]


@dataclass
class Summary:
    """A disclosure's stored findings by severity, for the public page and the admin panel."""

    checked_at: datetime | None = None
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    @property
    def checked(self) -> bool:
        return self.checked_at is not None

    @property
    def headline(self) -> str:
        if not self.checked:
            return "本决算尚未经过自动核对。"
        parts = [
            f"发现 {len(self.errors)} 处数字相互矛盾" if self.errors else "未发现相互矛盾的数字"
        ]
        if self.warnings:
            parts.append(f"{len(self.warnings)} 处差异或变动较大、需要说明原因")
        if self.notices:
            parts.append(f"另有 {len(self.notices)} 条提示")
        return "；".join(parts) + "。"


SUMMARY_FIELDS = ("severity", "rule", "message", "cells", "difference_yuan", "tolerance_yuan")


def reconciliation_summary(*, disclosure_id: int) -> Summary:
    """One query: the check's time joined to its findings (none when nothing was found)."""
    rows = (
        Reconciliation.objects.filter(disclosure_id=disclosure_id)
        .values_list("checked_at", *(f"disclosure__findings__{f}" for f in SUMMARY_FIELDS))
        .order_by("disclosure__findings__order")
    )
    summary = Summary()
    buckets = {
        Severity.ERROR: summary.errors,
        Severity.WARNING: summary.warnings,
        Severity.NOTICE: summary.notices,
    }
    for checked_at, *values in rows:
        summary.checked_at = checked_at
        finding = dict(zip(SUMMARY_FIELDS, values, strict=True))
        if finding["severity"] in buckets:
            buckets[finding["severity"]].append(finding)
    return summary


def findings_list(
    *, viewer, year: int | None = None, agency=None, rule: str = "", severity: str = ""
) -> QuerySet[ReconciliationFinding]:
    """Stored findings of every disclosure the viewer may read (auditors and reviewers: all,
    drafts included; a clerk: their own agencies')."""
    from disclosure.access import disclosures_visible_to

    findings = (
        ReconciliationFinding.objects.filter(
            disclosure__in=disclosures_visible_to(viewer).values("pk")
        )
        .select_related(
            "disclosure__agency", "disclosure__fiscal_year", "disclosure__reconciliation"
        )
        .order_by(
            "-disclosure__fiscal_year__year", "disclosure__agency__name", "disclosure_id", "order"
        )
    )
    if year:
        findings = findings.filter(disclosure__fiscal_year__year=year)
    if agency:
        findings = findings.filter(disclosure__agency=agency)
    if rule:
        findings = findings.filter(rule=rule)
    if severity:
        findings = findings.filter(severity=severity)
    return findings
