"""Writes for reconciliation: refresh a disclosure's stored findings from the engine."""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from disclosure.models import (
    Disclosure,
    DocumentKind,
    Reconciliation,
    ReconciliationFinding,
    finding_key,
)
from disclosure.models.findings import Severity

from .engine import Finding, reconcile
from .selectors import load_facts, load_facts_many


def _stored(finding: Finding, *, disclosure: Disclosure, order: int) -> ReconciliationFinding:
    return ReconciliationFinding(
        disclosure=disclosure,
        order=order,
        rule=finding.rule,
        severity=finding.severity,
        message=finding.message,
        cells=[[label, None if value is None else str(value)] for label, value in finding.cells],
        difference_yuan=finding.difference,
        tolerance_yuan=finding.tolerance,
        key=finding_key(finding.rule, finding.cells),
    )


COUNT_FIELDS = [
    "finding_count",
    *(f"{severity}_count" for severity in Severity.values),
    "rule_counts",
]


def _counts(findings: list[Finding]) -> dict:
    """What a check stores with its findings: how many, in all, of each severity, of each rule
    and of each rule and severity (the auditors' list pages by them, selectors.FindingsByCheck)."""
    by_severity = Counter(f.severity for f in findings)
    by_rule = Counter(f.rule for f in findings) + Counter(
        f"{f.rule}:{f.severity}" for f in findings
    )
    return {
        "finding_count": len(findings),
        **{f"{severity}_count": by_severity[severity] for severity in Severity.values},
        "rule_counts": dict(sorted(by_rule.items())),
    }


@transaction.atomic
def disclosure_reconcile(*, disclosure: Disclosure, follow: bool = True) -> list[Finding]:
    """Check every identity of the disclosure and replace its stored findings.

    The save that triggers this is never refused; publication refuses errors (see
    reconciliation.selectors.reconciliation_errors). With `follow`, next year's disclosure of
    the same agency is checked again too, since its change on last year depends on this one.
    """
    findings = reconcile(load_facts(disclosure=disclosure))
    ReconciliationFinding.objects.filter(disclosure=disclosure).delete()
    ReconciliationFinding.objects.bulk_create(
        _stored(f, disclosure=disclosure, order=i) for i, f in enumerate(findings, 1)
    )
    Reconciliation.objects.update_or_create(
        disclosure=disclosure, defaults={"checked_at": timezone.now(), **_counts(findings)}
    )
    if follow:
        following = Disclosure.objects.filter(
            agency_id=disclosure.agency_id,
            fiscal_year__year=disclosure.fiscal_year.year + 1,
            kind=disclosure.kind,
        ).first()
        if following is not None:
            disclosure_reconcile(disclosure=following, follow=False)
        if disclosure.kind == DocumentKind.BUDGET:
            # The year's 决算 compares its printed 预算数 with this budget once published.
            final = (
                Disclosure.objects.finals()
                .filter(agency_id=disclosure.agency_id, fiscal_year_id=disclosure.fiscal_year_id)
                .order_by("-revision")
                .first()
            )
            if final is not None:
                disclosure_reconcile(disclosure=final, follow=False)
    return findings


@transaction.atomic
def disclosures_reconcile(*, disclosure_ids: Iterable[int], follow: bool = True) -> Counter:
    """disclosure_reconcile for many disclosures at once, with the same findings, in a fixed
    number of queries for them all: a bulk import checks its files' disclosures together at
    the end instead of one by one after each file. Counts findings by severity."""
    ids = set(disclosure_ids)
    if follow:
        ids |= _following(ids)
    facts = load_facts_many(disclosure_ids=ids)
    now = timezone.now()
    stored, counts, checks = [], Counter(), []
    for pk in sorted(facts):
        counts["disclosures"] += 1
        findings = reconcile(facts[pk])
        for order, finding in enumerate(findings, 1):
            stored.append(_stored(finding, disclosure=Disclosure(pk=pk), order=order))
            counts[finding.severity] += 1
        checks.append(Reconciliation(disclosure_id=pk, checked_at=now, **_counts(findings)))
    ReconciliationFinding.objects.filter(disclosure_id__in=list(facts)).delete()
    ReconciliationFinding.objects.bulk_create(stored, batch_size=5000)
    Reconciliation.objects.bulk_create(
        checks,
        update_conflicts=True,
        unique_fields=["disclosure"],
        update_fields=["checked_at", *COUNT_FIELDS],
    )
    return counts


def _following(ids: set[int]) -> set[int]:
    """The disclosures disclosure_reconcile(follow=True) checks again: per disclosure, the
    same agency's next year, its newest revision (Disclosure's ordering, as .first())."""
    pairs = {
        (agency, year + 1)
        for agency, year in Disclosure.objects.filter(pk__in=list(ids)).values_list(
            "agency_id", "fiscal_year__year"
        )
    }
    following = Disclosure.objects.filter(
        agency_id__in={a for a, _y in pairs}, fiscal_year__year__in={y for _a, y in pairs}
    ).order_by("agency_id", "fiscal_year__year", "-revision")
    newest = {}
    for pk, agency, year in following.values_list("pk", "agency_id", "fiscal_year__year"):
        if (agency, year) in pairs:
            newest.setdefault((agency, year), pk)
    return set(newest.values())


def disclosure_unchecked(*, disclosure_id: int) -> None:
    """Forget a disclosure's stored check: its figures changed and are to be checked later
    (a bulk import checks its disclosures together at the end). Until then its pages say it
    has not been checked, rather than show the findings of figures it no longer has."""
    ReconciliationFinding.objects.filter(disclosure_id=disclosure_id).delete()
    Reconciliation.objects.filter(disclosure_id=disclosure_id).delete()


def disclosures_reconcile_all() -> Counter:
    """Check every disclosure (`manage.py reconcile_all`); counts findings by severity."""
    counts: Counter = Counter()
    for disclosure in Disclosure.objects.select_related("fiscal_year").order_by("pk"):
        counts["disclosures"] += 1
        for finding in disclosure_reconcile(disclosure=disclosure, follow=False):
            counts[finding.severity] += 1
    return counts
