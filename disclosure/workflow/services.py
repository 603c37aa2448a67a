"""Writes with rules. Keyword-only, atomic; admin actions, buttons and commands call these.

Each workflow step checks the user's permission and agency, locks the disclosure row, makes one
legal status change (the table TRANSITIONS in disclosure/models/states.py), bumps the version
and records who did it, with the reason, in the audit trail. Saves of a disclosure's content
outside the workflow go through disclosure_check_version and disclosure_figures_changed.
"""

import logging
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from disclosure.access import can_edit, require_visible
from disclosure.formats.base import format_for, structure_source
from disclosure.models import (
    Cell,
    Disclosure,
    DocumentKind,
    Duty,
    FiscalYear,
    ReportRow,
    WorkTask,
)
from disclosure.models.findings import Severity
from disclosure.models.states import (
    PUBLISH,
    RETURN,
    STALE_VERSION_MESSAGE,
    SUBMIT,
    SUPERSEDE,
    Transition,
)
from disclosure.models.triggers import superseding
from disclosure.reconciliation.engine import Finding, reconcile
from disclosure.reconciliation.selectors import load_facts
from disclosure.reconciliation.services import disclosure_reconcile

from .acknowledgements import unacknowledged

logger = logging.getLogger(__name__)

# Called with each disclosure published (a correction's too), once the publication has
# committed. The rooms above the workflow, which it may not import, register here (exports
# rebuilds the year's data package; see disclosure/apps.py). A failing callback is logged and
# never undoes or blocks the publication: that has committed already.
on_published: list[Callable[[Disclosure], None]] = []


def _notify_published(disclosure_id: int) -> None:
    disclosure = Disclosure.objects.select_related("agency", "fiscal_year").get(pk=disclosure_id)
    for callback in list(on_published):
        try:
            callback(disclosure)
        except Exception:
            name = getattr(callback, "__qualname__", repr(callback))
            logger.exception("发布后的处理失败（%s）：%s", name, disclosure)


# --- the reconciliation engine's plug ------------------------------------------------------------


def reconciliation_errors(disclosure: Disclosure) -> list[str]:
    """Findings that block publication: figures that contradict each other, computed now,
    which no reviewer has acknowledged as printed so in the original."""
    return [f.message for f in unacknowledged(disclosure, _errors(disclosure))]


def _errors(disclosure: Disclosure) -> list[Finding]:
    return [f for f in _findings(disclosure) if f.severity == Severity.ERROR]


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
def disclosure_figures_changed(
    *, disclosure_id: int, by: AbstractBaseUser | None, reconcile: bool = True
) -> list[Finding]:
    """The disclosure's content changed (its page, one of its rows on the row's own page, a
    deletion, an import, rows laid out): forms of the whole disclosure opened before are now
    stale, and the stored findings are computed again (unless `reconcile` is False: the
    import benchmark times the check apart). Returns the findings, for the caller to show.

    With disclosure_check_version, the one version service: every write path of a
    disclosure's content checks the version its page carried (if it had a page) with that,
    and ends here.

    `by` made the change; None only for trusted bulk loads. The caller has saved already, in
    this transaction: a user who may not edit the disclosure rolls the change back.
    """
    disclosure = Disclosure.objects.select_related("agency", "fiscal_year").get(pk=disclosure_id)
    if by is not None and not can_edit(by, disclosure):
        raise PermissionDenied("只能编辑本单位草稿或已退回的决算公开。")
    Disclosure.objects.filter(pk=disclosure_id).update(version=F("version") + 1)
    return disclosure_reconcile(disclosure=disclosure) if reconcile else []


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
    """Publish a submitted disclosure; a correction supersedes the revision it corrects.

    Errors refuse it, except those a reviewer acknowledged as printed so in the original
    (workflow.acknowledgements); the refusal lists the errors still unacknowledged.
    """
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
    # Printed contradictions published as printed: said in the audit row of the publication.
    printed = len(_errors(disclosure))  # all acknowledged by now
    acknowledged = f"（{printed} 处核对错误已确认原文如此）" if printed else ""
    disclosure = _save_step(
        disclosure,
        by=by,
        reason=f"发布{acknowledged}",
        fields=["status", "published_at", "publication_note"],
    )
    transaction.on_commit(lambda pk=disclosure.pk: _notify_published(pk))
    return disclosure


def _supersede(previous: Disclosure, *, by, revision: int) -> None:
    previous = _locked(previous)
    _require_source(previous, SUPERSEDE)
    previous.status = SUPERSEDE.target
    # Before the correction is published: one published revision per agency-year, always.
    # On PostgreSQL the freeze lets a published revision be superseded only with this marker,
    # and only if its correction is published by COMMIT (models/triggers.py).
    with superseding(previous.pk):
        _save_step(previous, by=by, reason=f"被第{revision}版更正取代", fields=["status"])


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
    report_format = disclosure.table_set_id
    if report_format is None:
        raise ValidationError("该年度不是标准格式，没有公开表可以生成。")
    filled = set(disclosure.report_rows.values_list("table_id", flat=True))
    created = 0
    for table in TableSpec.objects.filter(report_format_id=report_format).prefetch_related(
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
    if created:
        disclosure_figures_changed(disclosure_id=disclosure.pk, by=by)
    return created


# --- a new year ----------------------------------------------------------------------------------

OPEN_YEAR_PERMISSION = "disclosure.add_fiscalyear"
FIRST_YEAR = 2000


def fiscal_year_defaults(year: int) -> dict:
    """Format, code version and table set of a year to open: those of the latest year before
    it (a new year is almost always laid out as the last one)."""
    previous = FiscalYear.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        return {}
    return {
        "disclosure_format": previous.disclosure_format,
        "code_version": previous.code_version,
        "report_format": previous.report_format,
    }


def fiscal_year_check(*, year: int, by: AbstractBaseUser, **choices) -> dict:
    """Refuse what fiscal_year_open would refuse (the admin's form asks before saving);
    returns the year's values with the defaults filled in."""
    _require_perm(by, OPEN_YEAR_PERMISSION, "只有审核人员可以开设年度。")
    last_allowed = timezone.localdate().year + 1
    if year is None or not FIRST_YEAR <= year <= last_allowed:
        raise ValidationError(f"年度应在 {FIRST_YEAR}–{last_allowed} 之间，“{year}”不在此范围。")
    if FiscalYear.objects.filter(year=year).exists():
        raise ValidationError(f"{year}年度已存在，不能重复开设。")
    values = fiscal_year_defaults(year) | {k: v for k, v in choices.items() if v}
    if format_for(FiscalYear(**values)).has_tables and values.get("report_format") is None:
        raise ValidationError("该格式的年度须选择公开表格式。")
    return values


@transaction.atomic
def fiscal_year_open(*, year: int, by: AbstractBaseUser, **choices) -> FiscalYear:
    """Open a fiscal year for the agencies' disclosures (reviewers and superusers).

    `choices` (disclosure_format, code_version, report_format) default to the previous year's.
    """
    values = fiscal_year_check(year=year, by=by, **choices)
    fiscal_year = FiscalYear(year=year, **values)
    fiscal_year.full_clean()
    fiscal_year._history_user = by
    fiscal_year._change_reason = "开设年度"
    fiscal_year.save()
    return fiscal_year


def _copy_rows(rows: list, *, by, reason: str, **attnames) -> list:
    """New rows like `rows` (all of one model) with `attnames` replaced, with their audit rows."""
    if not rows:
        return []
    model = type(rows[0])
    copies = [
        model(
            **{
                f.attname: getattr(row, f.attname)
                for f in model._meta.concrete_fields
                if not f.primary_key
            }
            | attnames
        )
        for row in rows
    ]
    return bulk_create_with_history(copies, model, default_user=by, default_change_reason=reason)


class StructureCopier:
    """The formats' Copier (formats.base) for a new year: rows of last year into the draft."""

    def __init__(self, draft: Disclosure, *, by, reason: str):
        self.draft_id, self.by, self.reason = draft.pk, by, reason

    def rows(self, rows: list) -> list:
        return _copy_rows(rows, by=self.by, reason=self.reason, disclosure_id=self.draft_id)

    def levels(self, rows: list) -> dict[int, int]:
        """Parents first, a level at a time (queries grow with depth, not with rows)."""
        remaining = sorted(rows, key=lambda x: x.pk)
        new_ids: dict[int, int] = {}
        while remaining:
            level = [x for x in remaining if x.parent_id is None or x.parent_id in new_ids]
            created = self._level(level, new_ids)
            new_ids |= {old.pk: new.pk for old, new in zip(level, created, strict=True)}
            remaining = [x for x in remaining if x.pk not in new_ids]
        return new_ids

    def _level(self, level: list, new_ids: dict[int, int]) -> list:
        for row in level:
            row.disclosure_id, row.parent_id = self.draft_id, new_ids.get(row.parent_id)
        return _copy_rows(level, by=self.by, reason=self.reason)

    def remapped(self, rows, attname: str, new_ids: dict[int, int]) -> None:
        for row in (rows := list(rows)):
            setattr(row, attname, new_ids[getattr(row, attname)])
        _copy_rows(rows, by=self.by, reason=self.reason)


@transaction.atomic
def disclosure_start_from_last_year(
    *, agency, fiscal_year: FiscalYear, by: AbstractBaseUser, kind: str = DocumentKind.FINAL
) -> Disclosure:
    """A clerk's new draft for `fiscal_year`, laid out as the agency's last disclosure: its
    head, duties and tasks as written, and its format's structure without figures (rows and
    headings; staffing categories and 2014 lines are laid out on the page for the counts and
    amounts). Without a previous disclosure the draft starts empty, laid out as usual."""
    draft = Disclosure(agency=agency, fiscal_year=fiscal_year, kind=kind)
    if not can_edit(by, draft) or not by.has_perm("disclosure.add_disclosure"):
        raise PermissionDenied("只能为本单位新建决算公开。")
    source = structure_source(draft)
    if source is not None:
        draft.head_name, draft.head_posts = source.head_name, source.head_posts
    draft.full_clean()
    draft._history_user = by
    draft._change_reason = "按上年结构新建"
    draft.save()
    if source is None:
        return draft
    reason = f"按{source.fiscal_year.year}年度结构新建"
    _copy_rows(
        list(Duty.objects.filter(disclosure=source)), by=by, reason=reason, disclosure_id=draft.pk
    )
    for task in WorkTask.objects.filter(disclosure=source).prefetch_related("items"):
        items = list(task.items.all())
        (new_task,) = _copy_rows([task], by=by, reason=reason, disclosure_id=draft.pk)
        _copy_rows(items, by=by, reason=reason, task_id=new_task.pk)
    fmt = format_for(draft)
    if format_for(source) is fmt:
        fmt.copy_structure(
            source=source, draft=draft, copy=StructureCopier(draft, by=by, reason=reason)
        )
    return draft
