"""Writes with rules. Keyword-only, atomic; admin actions, buttons and commands call these.

Each workflow step checks the user's permission and agency, locks the disclosure row, makes one
legal status change (the table TRANSITIONS in disclosure/models/states.py), bumps the version
and records who did it, with the reason, in the audit trail. Saves of a disclosure's content
outside the workflow go through disclosure_check_version and disclosure_figures_changed.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from disclosure.access import can_edit, require_visible
from disclosure.models import (
    Cell,
    ConsolidatedUnit,
    Disclosure,
    DisclosureStatus,
    Duty,
    ExpenditureLine,
    ExplanationParagraph,
    ExplanationSection,
    GlossaryTerm,
    NarrativeFigure,
    ReportRow,
    StaffingEntry,
    TableNote,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models.findings import Severity
from disclosure.models.states import (
    OPEN_STATUSES,
    PUBLISH,
    RETURN,
    STALE_VERSION_MESSAGE,
    SUBMIT,
    SUPERSEDE,
    Transition,
)
from disclosure.reconciliation.engine import Finding, reconcile
from disclosure.reconciliation.selectors import load_facts
from disclosure.reconciliation.services import disclosure_reconcile

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


def _require_permission(user: AbstractBaseUser, step: Transition) -> None:
    _require_perm(user, step.permission, step.refused)


def _require_source(disclosure: Disclosure, step: Transition) -> None:
    """The move must start from one of the step's statuses (read with the row locked)."""
    if step.already and disclosure.status == step.target:
        raise ValidationError(step.already)
    if disclosure.status not in step.sources:
        raise ValidationError(step.wrong_status)


def _required_text(text: str, step: Transition) -> str:
    text = text.strip()
    if step.text_required and not text:
        raise ValidationError(step.text_missing)
    return text


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


def disclosure_check_version(*, disclosure_id: int, version: int | None) -> None:
    """Refuse a save made from a page opened before someone else's save (STALE_VERSION_MESSAGE).

    Call it inside the transaction of the save: the row stays locked until that ends, so a
    concurrent save waits here, then finds the version moved on and is refused whole.
    """
    stored = (
        Disclosure.objects.select_for_update()
        .filter(pk=disclosure_id)
        .values_list("version", flat=True)
        .first()
    )
    if version != stored:
        raise ValidationError(STALE_VERSION_MESSAGE, code="stale")


@transaction.atomic
def disclosure_figures_changed(*, disclosure_id: int, by: AbstractBaseUser | None) -> list[Finding]:
    """The disclosure's content changed (its page, one of its rows on the row's own page, or a
    deletion): forms of the whole disclosure opened before are now stale, and the stored
    findings are computed again. Returns the findings, for the caller to show.

    `by` made the change; None only for trusted bulk loads. The caller has saved already, in
    this transaction: a user who may not edit the disclosure rolls the change back.
    """
    disclosure = Disclosure.objects.select_related("agency", "fiscal_year").get(pk=disclosure_id)
    if by is not None and not can_edit(by, disclosure):
        raise PermissionDenied("只能编辑本单位草稿或已退回的决算公开。")
    Disclosure.objects.filter(pk=disclosure_id).update(version=F("version") + 1)
    return disclosure_reconcile(disclosure=disclosure)


@transaction.atomic
def disclosure_submit(*, disclosure: Disclosure, by: AbstractBaseUser) -> Disclosure:
    _require_permission(by, SUBMIT)
    disclosure = _locked(disclosure)
    _require_source(disclosure, SUBMIT)
    if not can_edit(by, disclosure):
        raise PermissionDenied(SUBMIT.not_yours)
    _require_figures(disclosure, "提交审核")
    disclosure.status = SUBMIT.target
    return _save_step(disclosure, by=by, reason="提交审核", fields=["status"])


@transaction.atomic
def disclosure_return(*, disclosure: Disclosure, by: AbstractBaseUser, comment: str) -> Disclosure:
    _require_permission(by, RETURN)
    require_visible(by, disclosure)
    comment = _required_text(comment, RETURN)
    disclosure = _locked(disclosure)
    _require_source(disclosure, RETURN)
    disclosure.status = RETURN.target
    disclosure.return_comment = comment
    return _save_step(
        disclosure, by=by, reason=f"退回：{comment}", fields=["status", "return_comment"]
    )


@transaction.atomic
def disclosure_publish(
    *, disclosure: Disclosure, by: AbstractBaseUser, note: str = ""
) -> Disclosure:
    """Publish a submitted disclosure; a correction supersedes the revision it corrects."""
    _require_permission(by, PUBLISH)
    require_visible(by, disclosure)
    disclosure = _locked(disclosure)
    _require_source(disclosure, PUBLISH)
    _require_figures(disclosure, "发布")
    errors = reconciliation_errors(disclosure)
    if errors:
        raise ValidationError(["核对发现错误，不能发布：", *errors])
    note = _required_text(note, PUBLISH)
    warnings = reconciliation_warnings(disclosure)
    if warnings and not note:
        raise ValidationError(["核对发现以下警告，请在发布说明中逐条解释后再发布：", *warnings])
    if disclosure.corrects_id is not None:
        _supersede(disclosure.corrects, by=by, revision=disclosure.revision)
    disclosure.status = PUBLISH.target
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
    _require_source(previous, SUPERSEDE)
    previous.status = SUPERSEDE.target
    # Before the correction is published: one published revision per agency-year, always.
    _save_step(previous, by=by, reason=f"被第{revision}版更正取代", fields=["status"])


@transaction.atomic
def disclosure_open_correction(
    *, disclosure: Disclosure, by: AbstractBaseUser, reason: str
) -> Disclosure:
    """A new draft revision with every row of the published one, for the clerks to correct."""
    _require_perm(by, "disclosure.correct_disclosure", "只有审核人员可以发起更正。")
    require_visible(by, disclosure)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写更正原因。")
    original = _locked(disclosure)
    if original.status != DisclosureStatus.PUBLISHED:
        raise ValidationError("只能更正已发布的现行版本。")
    same_year = Disclosure.objects.filter(
        agency=original.agency_id, fiscal_year=original.fiscal_year_id
    )
    if same_year.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError("该单位该年度已有一份正在编辑或审核中的更正，请先完成它。")
    draft = Disclosure(
        agency=original.agency,
        fiscal_year=original.fiscal_year,
        revision=same_year.aggregate(last=Max("revision"))["last"] + 1,
        corrects=original,
        correction_reason=reason,
        head_name=original.head_name,
        head_posts=original.head_posts,
    )
    draft._history_user = by
    draft._change_reason = f"发起更正：{reason}"
    draft.full_clean()
    draft.save()
    _copy_rows(original, draft, by=by, reason=f"发起更正：{reason}")
    disclosure_reconcile(disclosure=draft)
    return draft


def _clone(row, **attnames):
    model = type(row)
    values = {
        field.attname: getattr(row, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    return model(**(values | attnames))


def _bulk_copy(rows: list, *, by, reason: str, **attnames) -> list:
    if not rows:
        return []
    copies = [_clone(row, **attnames) for row in rows]
    return bulk_create_with_history(
        copies, type(rows[0]), default_user=by, default_change_reason=reason
    )


def _copy_rows(original: Disclosure, draft: Disclosure, *, by, reason: str) -> None:
    """Every row of `original` into `draft`, with history; queries grow with "其中" depth only."""
    audit = {"by": by, "reason": reason, "disclosure_id": draft.pk}
    for model in (StaffingEntry, Duty, ThreePublicExpense):
        _bulk_copy(list(model.objects.filter(disclosure=original)), **audit)
    tasks = list(WorkTask.objects.filter(disclosure=original))
    new_task_ids = {
        old.pk: new.pk for old, new in zip(tasks, _bulk_copy(tasks, **audit), strict=True)
    }
    items = list(WorkTaskItem.objects.filter(task__disclosure=original))
    if items:
        copies = [_clone(item, task_id=new_task_ids[item.task_id]) for item in items]
        bulk_create_with_history(
            copies, WorkTaskItem, default_user=by, default_change_reason=reason
        )
    _copy_levels(list(ExpenditureLine.objects.filter(disclosure=original)), **audit)
    for model in (ConsolidatedUnit, GlossaryTerm, NarrativeFigure, TableNote):
        _bulk_copy(list(model.objects.filter(disclosure=original)), **audit)
    new_rows = _copy_levels(list(ReportRow.objects.filter(disclosure=original)), **audit)
    cells = Cell.objects.filter(row__disclosure=original)
    _bulk_copy_remapped(cells, "row_id", new_rows, by=by, reason=reason)
    new_sections = _copy_levels(
        list(ExplanationSection.objects.filter(disclosure=original)), **audit
    )
    paragraphs = ExplanationParagraph.objects.filter(section__disclosure=original)
    _bulk_copy_remapped(paragraphs, "section_id", new_sections, by=by, reason=reason)


def _copy_levels(rows: list, *, by, reason: str, disclosure_id: int) -> dict[int, int]:
    """Copy rows that point at a `parent` among themselves ("其中" lines, sub-rows, sub-sections):
    parents first, level by level. Returns old id → new id."""
    remaining = sorted(rows, key=lambda x: x.pk)
    new_ids: dict[int, int] = {}
    while remaining:
        level = [x for x in remaining if x.parent_id is None or x.parent_id in new_ids]
        copies = [
            _clone(x, disclosure_id=disclosure_id, parent_id=new_ids.get(x.parent_id))
            for x in level
        ]
        created = bulk_create_with_history(
            copies, type(level[0]), default_user=by, default_change_reason=reason
        )
        new_ids |= {old.pk: new.pk for old, new in zip(level, created, strict=True)}
        remaining = [x for x in remaining if x.pk not in new_ids]
    return new_ids


def _bulk_copy_remapped(rows, attname: str, new_ids: dict[int, int], *, by, reason: str) -> None:
    """Copy rows that belong to copied rows (cells of a row, paragraphs of a section)."""
    rows = list(rows)
    if rows:
        copies = [_clone(x, **{attname: new_ids[getattr(x, attname)]}) for x in rows]
        bulk_create_with_history(
            copies, type(rows[0]), default_user=by, default_change_reason=reason
        )


# --- standard-format tables ----------------------------------------------------------------------


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
