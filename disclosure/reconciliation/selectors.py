"""Reads for reconciliation: the engine's snapshot, the publication hook, the pages' findings.

load_facts() costs a fixed number of queries whatever the size of the disclosure.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext, ngettext

from disclosure.formats.base import format_for
from disclosure.models import (
    Disclosure,
    DocumentKind,
    FindingAcknowledgement,
    Reconciliation,
    ReconciliationFinding,
    finding_key,
)
from disclosure.models.findings import Severity

from .engine import Facts, Finding, reconcile
from .engine import facts as engine_facts


def load_facts(*, disclosure: Disclosure) -> Facts:
    """The disclosure's figures, and last year's published ones, as the engine reads them.

    Each disclosure's format supplies its part (lines and 三公 amounts, or tables).
    """
    d = Disclosure.objects.select_related("fiscal_year").get(pk=disclosure.pk)
    # Last year's published document of the same kind (the change on last year) and, for a
    # 决算, its year's published 预算 (its printed 预算数 against it): one query.
    wanted = Q(fiscal_year__year=d.fiscal_year.year - 1, kind=d.kind)
    if d.kind == DocumentKind.FINAL:
        wanted |= Q(fiscal_year_id=d.fiscal_year_id, kind=DocumentKind.BUDGET)
    others = list(
        Disclosure.objects.current()
        .filter(wanted, agency_id=d.agency_id)
        .select_related("fiscal_year")
    )
    previous = next((x for x in others if x.fiscal_year.year == d.fiscal_year.year - 1), None)
    budget = next((x for x in others if x.fiscal_year_id == d.fiscal_year_id), None)
    both = [x for x in (d, previous, budget) if x is not None]
    by_format = defaultdict(list)
    for x in both:
        by_format[format_for(x)].append(x.pk)
    parts: dict[int, dict] = {}
    for fmt, ids in by_format.items():
        parts |= fmt.reconciliation_parts(ids, kinds=engine_facts)
    facts = {x.pk: Facts(year=x.fiscal_year.year, **parts.get(x.pk, {})) for x in both}
    if previous:
        facts[d.pk].previous = facts[previous.pk]
    if budget:
        facts[d.pk].budget = facts[budget.pk]
    return facts[d.pk]


def load_facts_many(*, disclosure_ids: Iterable[int]) -> dict[int, Facts]:
    """load_facts for many disclosures at once, in a fixed number of queries for them all
    (a bulk import checks thousands): per disclosure the same Facts as load_facts."""
    disclosures = list(
        Disclosure.objects.select_related("fiscal_year").filter(pk__in=list(disclosure_ids))
    )
    # As load_facts: last year's published document of the same kind and, for a 决算, its
    # year's published 预算; an agency has one published revision per year and kind.
    wanted = {(d.agency_id, d.fiscal_year.year - 1, d.kind) for d in disclosures} | {
        (d.agency_id, d.fiscal_year.year, DocumentKind.BUDGET)
        for d in disclosures
        if d.kind == DocumentKind.FINAL
    }
    candidates = (
        Disclosure.objects.current()
        .select_related("fiscal_year")
        .filter(
            agency_id__in={agency for agency, _year, _kind in wanted},
            fiscal_year__year__in={year for _agency, year, _kind in wanted},
        )
    )
    found = {
        (p.agency_id, p.fiscal_year.year, p.kind): p
        for p in candidates
        if (p.agency_id, p.fiscal_year.year, p.kind) in wanted
    }
    by_format = defaultdict(set)
    for x in [*disclosures, *found.values()]:
        by_format[format_for(x)].add(x.pk)
    parts: dict[int, dict] = {}
    for fmt, ids in by_format.items():
        parts |= fmt.reconciliation_parts(sorted(ids), kinds=engine_facts)
    facts = {}
    for d in disclosures:
        facts[d.pk] = Facts(year=d.fiscal_year.year, **parts.get(d.pk, {}))
        last = found.get((d.agency_id, d.fiscal_year.year - 1, d.kind))
        if last is not None:
            facts[d.pk].previous = Facts(year=last.fiscal_year.year, **parts.get(last.pk, {}))
        budget = found.get((d.agency_id, d.fiscal_year.year, DocumentKind.BUDGET))
        if d.kind == DocumentKind.FINAL and budget is not None:
            facts[d.pk].budget = Facts(year=budget.fiscal_year.year, **parts.get(budget.pk, {}))
    return facts


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
    def acknowledged(self) -> int:
        """Errors a reviewer acknowledged as printed so in the original."""
        return sum(1 for f in self.errors if f["acknowledgement"])

    @property
    def headline(self) -> str:
        """The section's one-sentence summary, in the page's language."""
        if not self.checked:
            return gettext("本决算尚未经过自动核对。")
        errors, warnings, notices = len(self.errors), len(self.warnings), len(self.notices)
        if errors:
            first = ngettext("发现 %(n)d 处数字相互矛盾", "发现 %(n)d 处数字相互矛盾", errors) % {
                "n": errors
            }
        else:
            first = gettext("未发现相互矛盾的数字")
        if self.acknowledged:
            first += ngettext(
                "（其中 %(n)d 处经审核人员确认为原文如此）",
                "（其中 %(n)d 处经审核人员确认为原文如此）",
                self.acknowledged,
            ) % {"n": self.acknowledged}
        parts = [first]
        if warnings:
            parts.append(
                ngettext(
                    "%(n)d 处差异或变动较大、需要说明原因",
                    "%(n)d 处差异或变动较大、需要说明原因",
                    warnings,
                )
                % {"n": warnings}
            )
        if notices:
            parts.append(
                ngettext("另有 %(n)d 条提示", "另有 %(n)d 条提示", notices) % {"n": notices}
            )
        return gettext("；").join(parts) + gettext("。")


SUMMARY_FIELDS = ("severity", "rule", "message", "cells", "difference_yuan", "tolerance_yuan")


def reconciliation_summary(*, disclosure_id: int) -> Summary:
    """One query: the check's time joined to its findings (none when nothing was found)."""
    return reconciliation_summaries(disclosure_ids=[disclosure_id])[disclosure_id]


def reconciliation_summaries(*, disclosure_ids: list[int]) -> dict[int, Summary]:
    """Each disclosure's summary, in two queries however many disclosures: their checks joined
    to their findings, then the acknowledgements of all of them."""
    rows = (
        Reconciliation.objects.filter(disclosure_id__in=disclosure_ids)
        .values_list(
            "disclosure_id", "checked_at", *(f"disclosure__findings__{f}" for f in SUMMARY_FIELDS)
        )
        .order_by("disclosure_id", "disclosure__findings__order")
    )
    summaries = {pk: Summary() for pk in disclosure_ids}
    for disclosure_id, checked_at, *values in rows:
        summary = summaries[disclosure_id]
        summary.checked_at = checked_at
        finding = dict(zip(SUMMARY_FIELDS, values, strict=True))
        bucket = {
            Severity.ERROR: summary.errors,
            Severity.WARNING: summary.warnings,
            Severity.NOTICE: summary.notices,
        }.get(finding["severity"])
        if bucket is not None:
            bucket.append(finding)
    checked = [pk for pk, summary in summaries.items() if summary.checked]
    if checked:
        _attach_acknowledgements(summaries, checked)
    return summaries


def _attach_acknowledgements(summaries: dict[int, Summary], disclosure_ids: list[int]) -> None:
    """Each error gets its `key` and the acknowledgement matching it now, or None: one query,
    however many findings (so a page costs the same with or without errors). A stale
    acknowledgement (its figures changed since) matches no finding, so it is shown nowhere."""
    for pk in disclosure_ids:
        for error in summaries[pk].errors:
            error["key"] = finding_key(error["rule"], error["cells"])
            error["acknowledgement"] = None
    by_key = {
        (a["disclosure_id"], a["key"]): a
        for a in FindingAcknowledgement.objects.filter(disclosure_id__in=disclosure_ids).values(
            "disclosure_id", "key", "reason", "acknowledged_at", "acknowledged_by__username"
        )
    }
    for pk in disclosure_ids:
        for error in summaries[pk].errors:
            error["acknowledgement"] = by_key.get((pk, error["key"]))


def _visible_to(viewer, rows: QuerySet) -> QuerySet:
    """Rows of a disclosure (findings, checks) of the disclosures the viewer may read."""
    from disclosure.access import disclosures_visible_to, sees_all_agencies

    if sees_all_agencies(viewer) and viewer.has_perm("disclosure.view_disclosure"):
        # Every row: "IN every disclosure" made PostgreSQL probe the findings once per
        # disclosure to count them (300 ms at 10,000 disclosures against 100 ms without).
        return rows
    return rows.filter(disclosure__in=disclosures_visible_to(viewer).values("pk"))


def findings_list(
    *, viewer, year: int | None = None, agency=None, rule: str = "", severity: str = ""
) -> QuerySet[ReconciliationFinding]:
    """Stored findings of every disclosure the viewer may read (auditors and reviewers: all,
    drafts included; a clerk: their own agencies')."""
    findings = (
        _visible_to(viewer, ReconciliationFinding.objects.all())
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


# findings_list's order, from a disclosure's check: its findings follow one another in it.
CHECK_ORDER = ("-disclosure__fiscal_year__year", "disclosure__agency__name", "disclosure_id")


# Pages ending before this row find their checks among the first ones by a top-N sort; past
# it the subquery costs more than it saves (page 4,000 of 50: 80 ms against 40 ms without).
TOP_N_ROWS = 1000


class FindingsByCheck:
    """findings_list(viewer, year, agency, rule, severity) for a Paginator, counted and sliced
    through the counts each check stored with its findings: a page reads the checks (one row
    per disclosure) and the findings of the few disclosures it shows, never the 400,000
    findings of a national corpus (COUNT(*) of them, and sorting them all to show 50, took
    200 ms at 10,000 disclosures; 1.2 s for the commonest rule)."""

    def __init__(
        self, *, viewer, year: int | None = None, agency=None, rule: str = "", severity: str = ""
    ):
        # The check's count of the findings listed: all of them, those of one severity, of one
        # rule, or of one rule and severity.
        if rule:
            key = f"{rule}:{severity}" if severity else rule
            counted = Cast(KeyTextTransform(key, "rule_counts"), IntegerField())
            self.listed = Coalesce(counted, Value(0))
        else:
            self.listed = F(f"{severity}_count" if severity else "finding_count")
        checks = Reconciliation.objects.annotate(listed=self.listed).filter(listed__gt=0)
        checks = _visible_to(viewer, checks)
        if year:
            checks = checks.filter(disclosure__fiscal_year__year=year)
        if agency:
            checks = checks.filter(disclosure__agency=agency)
        self.checks = checks
        self.findings = findings_list(
            viewer=viewer, year=year, agency=agency, rule=rule, severity=severity
        )

    def count(self) -> int:
        return self.checks.aggregate(n=Sum("listed"))["n"] or 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ReconciliationFinding]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("FindingsByCheck is read a page (a slice) at a time")
        start, stop = index.start or 0, index.stop
        # Each check's last position in the list; the page's checks are those it overlaps.
        end = Window(
            Sum("listed"),
            order_by=[F(f[1:]).desc() if f[0] == "-" else F(f) for f in CHECK_ORDER],
        )
        checks = self.checks
        if stop is not None and stop <= TOP_N_ROWS:
            # Every check listed has a finding, so the page's are among the first `stop`: the
            # running sum over those only (a top-N sort, 5 ms for the first page at 10,000
            # disclosures, where sorting every check by its agency's name took 35 ms).
            first_checks = checks.order_by(*CHECK_ORDER).values("pk")[:stop]
            checks = Reconciliation.objects.annotate(listed=self.listed).filter(pk__in=first_checks)
        pages = checks.annotate(end=end).filter(end__gt=start)
        if stop is not None:
            pages = pages.filter(end__lt=stop + F("listed"))
        rows = list(pages.order_by(*CHECK_ORDER).values_list("disclosure_id", "end", "listed"))
        if not rows:
            return []
        first = rows[0][1] - rows[0][2]  # the position of the first check's first finding
        shown = list(self.findings.filter(disclosure_id__in=[pk for pk, _end, _n in rows]))
        return shown[start - first : None if stop is None else stop - first]


def findings_pages(
    *, viewer, year: int | None = None, agency=None, rule: str = "", severity: str = ""
) -> FindingsByCheck:
    """What the auditors' page paginates: findings_list, through the checks' counts."""
    return FindingsByCheck(viewer=viewer, year=year, agency=agency, rule=rule, severity=severity)
