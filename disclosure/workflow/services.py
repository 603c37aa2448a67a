"""Writes with rules. Keyword-only, atomic; admin actions, buttons and commands call these.

Each workflow step checks the user's permission and agency, locks the disclosure row, makes one
legal status change (disclosure/workflow.py), bumps the version and records who did it, with
the reason, in the audit trail.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from disclosure.access import can_edit, can_import_into, require_visible
from disclosure.models import (
    Cell,
    Disclosure,
    DisclosureStatus,
    ExpenditureLine,
    ReportRow,
)
from disclosure.models.findings import Severity
from disclosure.models.states import EDITABLE_STATUSES
from disclosure.reconciliation.engine import reconcile
from disclosure.reconciliation.selectors import load_facts

# --- the reconciliation engine's plug ------------------------------------------------------------


def reconciliation_errors(disclosure: Disclosure) -> list[str]:
    """Findings that block publication: figures that contradict each other, computed now."""
    return [f.message for f in _findings(disclosure) if f.severity == Severity.ERROR]


def reconciliation_warnings(disclosure: Disclosure) -> list[str]:
    """Findings a reviewer may publish over, with an explanation in the publication note."""
    return [f.message for f in _findings(disclosure) if f.severity == Severity.WARNING]


def _findings(disclosure: Disclosure) -> list:
    return reconcile(load_facts(disclosure=disclosure))


# --- helpers -------------------------------------------------------------------------------------


def _require_perm(user: AbstractBaseUser, perm: str, message: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(message)


def _locked(disclosure: Disclosure) -> Disclosure:
    return (
        Disclosure.objects.select_for_update()
        .select_related("agency", "fiscal_year")
        .get(pk=disclosure.pk)
    )


def _save_step(disclosure: Disclosure, *, by, reason: str, fields: list[str]) -> Disclosure:
    disclosure.version += 1
    disclosure._history_user = by
    disclosure._change_reason = reason
    disclosure.full_clean()
    disclosure.save(update_fields=[*fields, "version", "updated_at"])
    return disclosure


def _require_figures(disclosure: Disclosure, action: str) -> None:
    has_cells = Cell.objects.filter(row__disclosure=disclosure).exists()
    if not (has_cells or disclosure.lines.exists()):
        raise ValidationError(f"该决算公开还没有任何收支数字，不能{action}。")


# --- the workflow --------------------------------------------------------------------------------


@transaction.atomic
def disclosure_touch(*, disclosure_id: int) -> None:
    """A row of the disclosure changed on its own page: forms of the whole disclosure are stale."""
    Disclosure.objects.filter(pk=disclosure_id).update(version=F("version") + 1)


@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, by: AbstractBaseUser) -> Disclosure:
    _require_perm(by, "disclosure.submit_disclosure", "只有财务录入员可以提交决算公开审核。")
    disclosure = _locked(disclosure)
    if disclosure.status not in EDITABLE_STATUSES:
        raise ValidationError("只有草稿或已退回的决算公开可以提交审核。")
    if not can_edit(by, disclosure):
        raise PermissionDenied("只能提交本单位的决算公开。")
    _require_figures(disclosure, "提交审核")
    disclosure.status = DisclosureStatus.SUBMITTED
    return _save_step(disclosure, by=by, reason="提交审核", fields=["status"])


@transaction.atomic
def disclosure_return(*, disclosure: Disclosure, by: AbstractBaseUser, comment: str) -> Disclosure:
    _require_perm(by, "disclosure.return_disclosure", "只有审核人员可以退回决算公开。")
    require_visible(by, disclosure)
    comment = comment.strip()
    if not comment:
        raise ValidationError("退回时请填写退回意见，说明需要修改的地方。")
    disclosure = _locked(disclosure)
    if disclosure.status != DisclosureStatus.SUBMITTED:
        raise ValidationError("只有已提交审核的决算公开可以退回。")
    disclosure.status = DisclosureStatus.RETURNED
    disclosure.return_comment = comment
    return _save_step(
        disclosure, by=by, reason=f"退回：{comment}", fields=["status", "return_comment"]
    )


@transaction.atomic
def disclosure_publish(
    *, disclosure: Disclosure, by: AbstractBaseUser, note: str = ""
) -> Disclosure:
    """Publish a submitted disclosure; a correction supersedes the revision it corrects."""
    _require_perm(by, "disclosure.publish_disclosure", "只有审核人员可以发布决算公开。")
    require_visible(by, disclosure)
    disclosure = _locked(disclosure)
    if disclosure.status == DisclosureStatus.PUBLISHED:
        raise ValidationError("该决算公开已经发布。")
    if disclosure.status != DisclosureStatus.SUBMITTED:
        raise ValidationError("只有已提交审核的决算公开可以发布。")
    _require_figures(disclosure, "发布")
    errors = reconciliation_errors(disclosure)
    if errors:
        raise ValidationError(["核对发现错误，不能发布：", *errors])
    note = note.strip()
    warnings = reconciliation_warnings(disclosure)
    if warnings and not note:
        raise ValidationError(["核对发现以下警告，请在发布说明中逐条解释后再发布：", *warnings])
    if disclosure.corrects_id is not None:
        _supersede(disclosure.corrects, by=by, revision=disclosure.revision)
    disclosure.status = DisclosureStatus.PUBLISHED
    disclosure.published_at = timezone.now()
    disclosure.publication_note = note
    return _save_step(
        disclosure,
        by=by,
        reason="发布",
        fields=["status", "published_at", "publication_note"],
    )


def _supersede(previous: Disclosure, *, by, revision: int) -> None:
    previous = _locked(previous)
    if previous.status != DisclosureStatus.PUBLISHED:
        raise ValidationError("所更正的版本已不是现行版本，不能发布本更正。")
    previous.status = DisclosureStatus.SUPERSEDED
    # Before the correction is published: one published revision per agency-year, always.
    _save_step(previous, by=by, reason=f"被第{revision}版更正取代", fields=["status"])


# --- bulk writes (the import path) ---------------------------------------------------------------


@transaction.atomic
def lines_bulk_create(
    *, disclosure: Disclosure, lines: Iterable[ExpenditureLine], by: AbstractBaseUser
) -> list[ExpenditureLine]:
    """Add many statement lines to a draft at once, each with its audit row.

    The import (django-import-export resources, the command line) goes through here, so an
    import writes only where the user may import and leaves the same trail as the admin.
    """
    if not can_import_into(by, disclosure):
        raise PermissionDenied("只能向本单位的草稿或已退回的决算公开导入数据。")
    disclosure = _locked(disclosure)
    if disclosure.status not in EDITABLE_STATUSES:
        raise ValidationError("只能向草稿或已退回的决算公开导入数据。")
    lines = list(lines)
    for line in lines:
        line.disclosure = disclosure
        line.full_clean()
    created = bulk_create_with_history(
        lines, ExpenditureLine, default_user=by, default_change_reason="批量导入"
    )
    _save_step(disclosure, by=by, reason=f"导入 {len(created)} 个收支项目", fields=[])
    return created


@transaction.atomic
def disclosure_add_table_rows(*, disclosure: Disclosure, by: AbstractBaseUser) -> int:
    """Lay out the fixed rows of every table of the year's format (总计, 年初结转和结余 …).

    Tables that already have rows are left alone, so running it twice adds nothing. Returns
    the number of rows created. Classification rows (科目) are added by the clerk or an import.
    """
    from disclosure.models import TableSpec

    if not can_edit(by, disclosure):
        raise PermissionDenied("只能编辑本单位草稿或已退回的决算公开。")
    report_format = disclosure.fiscal_year.report_format
    if report_format is None:
        raise ValidationError("该年度不是标准格式，没有公开表可以生成。")
    filled = set(disclosure.report_rows.values_list("table_id", flat=True))
    created = 0
    for table in TableSpec.objects.filter(report_format=report_format).prefetch_related(
        "row_specs"
    ):
        if table.pk in filled:
            continue
        by_name = {}
        for spec in table.row_specs.all():
            row = ReportRow(
                disclosure=disclosure,
                table=table,
                order=spec.order,
                side=spec.side,
                panel=spec.panel,
                ordinal=spec.ordinal,
                code=spec.code,
                name=spec.name,
                role=spec.role,
                parent=by_name.get((spec.side, spec.parent_name)),
            )
            row.full_clean()
            row._history_user = by
            row.save()
            by_name[(spec.side, spec.name)] = row
            created += 1
    return created
