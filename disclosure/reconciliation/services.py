"""Writes for reconciliation: refresh a disclosure's stored findings from the engine."""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from disclosure.models import (
    Disclosure,
    DocumentKind,
    Reconciliation,
    ReconciliationFinding,
    finding_key,
)

from .engine import Finding, reconcile
from .selectors import load_facts


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
        disclosure=disclosure, defaults={"checked_at": timezone.now()}
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


def disclosures_reconcile_all() -> Counter:
    """Check every disclosure (`manage.py reconcile_all`); counts findings by severity."""
    counts: Counter = Counter()
    for disclosure in Disclosure.objects.select_related("fiscal_year").order_by("pk"):
        counts["disclosures"] += 1
        for finding in disclosure_reconcile(disclosure=disclosure, follow=False):
            counts[finding.severity] += 1
    return counts
