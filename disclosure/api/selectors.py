"""Reads for the API: published current revisions only, whatever the filters.

Every read starts from `Disclosure.objects.current()` (or the frozen chain of a current
revision, for its history), so a draft, a submitted or a returned revision cannot appear.
Lists cost a fixed number of queries per page (see pagination.py and figures.py).
"""

from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from bureaus.models import Agency
from disclosure.core.money import format_wan, format_yuan
from disclosure.formats.base import TOTALS, kind_format, with_totals
from disclosure.models import (
    COUNT_FIELDS,
    Disclosure,
    DisclosureStatus,
    FindingAcknowledgement,
    FiscalYear,
    ReconciliationFinding,
    ThreePublicExpense,
)
from disclosure.models import DocumentKind as ModelKind
from disclosure.models.findings import Severity
from disclosure.models.states import FROZEN_STATUSES
from disclosure.workflow.corrections import correction_history

from .schemas import DocumentKind

# --- agencies ----------------------------------------------------------------------------------


def agencies(*, region: str = "", unit_kind: str = "", level: str = "", q: str = "") -> QuerySet:
    rows = Agency.objects.select_related("parent")
    if region:
        rows = rows.filter(region=region)
    if unit_kind:
        rows = rows.filter(unit_kind=unit_kind)
    if level:
        rows = rows.filter(level=level)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(slug__contains=q))
    return rows


def agency_item(agency: Agency) -> dict:
    return {
        "slug": agency.slug,
        "name": agency.name,
        "region": agency.region,
        "unit_kind": agency.unit_kind,
        "level": agency.level,
        "parent": agency.parent.slug if agency.parent_id else None,
        "url": reverse("api-v1:agency", kwargs={"slug": agency.slug}),
    }


def agency_detail(*, slug: str) -> dict:
    """Raises Agency.DoesNotExist."""
    agency = Agency.objects.select_related("parent").get(slug=slug)
    rows = published(agency=slug).order_by("-fiscal_year__year")
    return agency_item(agency) | {"disclosures": [disclosure_item(d) for d in rows]}


# --- fiscal years ------------------------------------------------------------------------------


def fiscal_years() -> QuerySet:
    current = Q(disclosures__status=DisclosureStatus.PUBLISHED, disclosures__kind=ModelKind.FINAL)
    return FiscalYear.objects.annotate(published=Count("disclosures", filter=current))


def fiscal_year_item(fiscal_year: FiscalYear) -> dict:
    return {
        "year": fiscal_year.year,
        "disclosure_format": fiscal_year.disclosure_format,
        "disclosures": fiscal_year.published,
    }


def fiscal_year_detail(*, year: int) -> dict:
    """The year and every published disclosure of it. Raises FiscalYear.DoesNotExist."""
    fiscal_year = fiscal_years().get(year=year)
    rows = published(year=year).order_by("agency__region", "agency__name")
    return fiscal_year_item(fiscal_year) | {"items": [disclosure_item(d) for d in rows]}


# --- disclosures -------------------------------------------------------------------------------


def current(
    *, agency: str = "", region: str = "", year: int | None = None, kind: str | None = None
) -> QuerySet:
    """The current published revisions matching the filters (no annotations: for joins)."""
    rows = Disclosure.objects.current()
    if agency:
        rows = rows.filter(agency__slug=agency)
    if region:
        rows = rows.filter(agency__region=region)
    if year is not None:
        rows = rows.filter(fiscal_year__year=year)
    # One kind at a time: no kind given means the 决算, as it always has (a client of the
    # first API gets what it got); `kind=预算` the 部门预算.
    return rows.filter(kind=model_kind(kind))


# The API's kind (its label, as the documents say it) → the model's.
MODEL_KINDS = {DocumentKind.FINAL: ModelKind.FINAL, DocumentKind.BUDGET: ModelKind.BUDGET}
API_KINDS = {model: api for api, model in MODEL_KINDS.items()}


def model_kind(kind: str | None) -> ModelKind:
    return MODEL_KINDS[DocumentKind(kind or DocumentKind.FINAL)]


def published(**filters) -> QuerySet:
    """current() with agency, year and every list total (the kind's), in one query."""
    rows = current(**filters).select_related("agency", "fiscal_year")
    return with_totals(rows, kind=model_kind(filters.get("kind")))


def disclosure_item(d: Disclosure) -> dict:
    slug, year = d.agency.slug, d.fiscal_year.year
    totals = []
    for name in TOTALS:
        amount = getattr(d, f"{name}_yuan", None)
        if amount is not None:
            totals.append(
                {"name": name, "amount_yuan": format_yuan(amount), "amount_wan": format_wan(amount)}
            )
    kind = API_KINDS[ModelKind(d.kind)]
    own = kind_format(d.kind)  # a 预算's format is its kind's, a 决算's its year's
    return {
        "agency": slug,
        "agency_name": d.agency.name,
        "region": d.agency.region,
        "year": year,
        "kind": kind,
        "format": own.key if own else d.fiscal_year.disclosure_format,
        "status": DisclosureStatus(d.status).label,
        "revision": d.revision,
        "published_at": d.published_at,
        "url": disclosure_url(slug, year, kind),
        "page": d.get_absolute_url(),
        "csv": d.get_csv_url(),
        "totals": totals,
    }


def disclosure_url(slug: str, year: int, kind: DocumentKind) -> str:
    """The disclosure in the API: an agency-year's 决算 at its plain URL (as always), its 预算
    with ?kind=预算."""
    url = reverse("api-v1:disclosure", kwargs={"slug": slug, "year": year})
    return url if kind == DocumentKind.FINAL else f"{url}?{urlencode({'kind': kind.value})}"


def disclosure_get(*, slug: str, year: int, kind: str | None = None) -> Disclosure:
    """The current published revision of the kind (the 决算 by default). Raises
    Disclosure.DoesNotExist."""
    return published(agency=slug, year=year, kind=kind).get()


def disclosure_detail(*, slug: str, year: int, kind: str | None = None) -> dict:
    d = disclosure_get(slug=slug, year=year, kind=kind)
    chain = Disclosure.objects.filter(
        agency_id=d.agency_id,
        fiscal_year_id=d.fiscal_year_id,
        kind=d.kind,
        status__in=FROZEN_STATUSES,
    ).order_by("revision")
    revisions = [
        {
            "revision": r.revision,
            "status": DisclosureStatus(r.status).label,
            "published_at": r.published_at,
            "correction_reason": r.correction_reason,
        }
        for r in chain
    ]
    return disclosure_item(d) | {
        "head_name": d.head_name,
        "head_posts": d.head_posts,
        "correction_reason": d.correction_reason,
        "revisions": revisions,
    }


# --- three public expenses ---------------------------------------------------------------------


def three_public(disclosures: QuerySet, *, item: str = "") -> QuerySet:
    rows = ThreePublicExpense.objects.filter(disclosure__in=disclosures).select_related(
        "disclosure__agency", "disclosure__fiscal_year"
    )
    return rows.filter(item=item) if item else rows


def three_public_item(record: ThreePublicExpense) -> dict:
    d = record.disclosure
    amount = record.amount_yuan
    return {
        "agency": d.agency.slug,
        "year": d.fiscal_year.year,
        "item": record.item,
        "label": record.get_item_display(),
        "amount_yuan": None if amount is None else format_yuan(amount),
        "amount_wan": None if amount is None else format_wan(amount),
        **{name: getattr(record, name) for name in COUNT_FIELDS},
        "yoy_remark": record.yoy_remark,
        "explanation": record.explanation,
    }


# --- reconciliation findings -------------------------------------------------------------------


def findings(disclosures: QuerySet, *, severity: str = "", rule: str = "") -> QuerySet:
    rows = (
        ReconciliationFinding.objects.filter(disclosure__in=disclosures)
        .select_related(
            "disclosure__agency", "disclosure__fiscal_year", "disclosure__reconciliation"
        )
        # A reviewer's "原文如此" matching the finding's figures now (a stale one matches none).
        # Who acknowledged is staff business: the reason and the time are public.
        .annotate(ack_reason=_acknowledged("reason"), ack_at=_acknowledged("acknowledged_at"))
    )
    if severity:
        rows = rows.filter(severity=severity)
    if rule:
        rows = rows.filter(rule=rule)
    return rows


def finding_item(finding: ReconciliationFinding) -> dict:
    d = finding.disclosure
    check = getattr(d, "reconciliation", None)
    difference = finding.difference_yuan
    return {
        "agency": d.agency.slug,
        "year": d.fiscal_year.year,
        "revision": d.revision,
        "severity": finding.severity,
        "severity_label": Severity(finding.severity).label,
        "rule": finding.rule,
        "message": finding.message,
        "cells": finding.cells,
        "difference_yuan": None if difference is None else format_yuan(difference),
        "tolerance_yuan": format_yuan(finding.tolerance_yuan),
        "checked_at": check.checked_at if check else None,
        "acknowledgement": _acknowledgement(finding),
    }


def _acknowledged(field: str) -> Subquery:
    acknowledgements = FindingAcknowledgement.objects.filter(
        disclosure=OuterRef("disclosure"), key=OuterRef("key")
    )
    return Subquery(acknowledgements.values(field)[:1])


def _acknowledgement(finding: ReconciliationFinding) -> dict | None:
    if finding.ack_reason is None:
        return None
    return {"reason": finding.ack_reason, "acknowledged_at": finding.ack_at}


# --- corrections -------------------------------------------------------------------------------


def corrections(*, slug: str, year: int, kind: str | None = None) -> list[dict]:
    """Every correction up to the current revision, newest first (published revisions only)."""
    d = disclosure_get(slug=slug, year=year, kind=kind)
    return [
        {
            "revision": c.revision,
            "published_at": c.published_at,
            "reason": c.reason,
            "changes": [vars(change) for change in c.changes],
        }
        for c in correction_history(d)
    ]
