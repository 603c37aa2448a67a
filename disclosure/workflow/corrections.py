"""Corrections: a published disclosure is frozen, a correction is its next revision.

Opening one copies every row into a new draft (the parts every format has here, the format's
own figures by the format); the history compares the revisions' figures, old → new.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from simple_history.utils import bulk_create_with_history

from disclosure.access import require_visible
from disclosure.core.money import wan_text
from disclosure.formats.base import format_for
from disclosure.models import (
    COUNT_FIELDS,
    ConsolidatedUnit,
    Disclosure,
    Duty,
    GlossaryTerm,
    StaffingEntry,
    StaffingKind,
    ThreePublicExpense,
    ThreePublicItem,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models.states import CORRECT, FROZEN_STATUSES, OPEN_STATUSES
from disclosure.reconciliation.services import disclosure_reconcile

from .services import _locked, _require_permission, _require_source, _required_text

# --- opening a correction -------------------------------------------------------------------


@transaction.atomic
def disclosure_open_correction(
    *, disclosure: Disclosure, by: AbstractBaseUser, reason: str
) -> Disclosure:
    """A new draft revision with every row of the published one, for the clerks to correct."""
    _require_permission(by, CORRECT)
    require_visible(by, disclosure)
    reason = _required_text(reason, CORRECT)
    original = _locked(disclosure)
    _require_source(original, CORRECT)
    same_year = Disclosure.objects.filter(
        agency=original.agency_id, fiscal_year=original.fiscal_year_id, kind=original.kind
    )
    if same_year.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError("该单位该年度已有一份正在编辑或审核中的更正，请先完成它。")
    draft = Disclosure(
        agency=original.agency,
        fiscal_year=original.fiscal_year,
        kind=original.kind,
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
    copy_rows(original, draft, by=by, reason=f"发起更正：{reason}")
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


class Copier:
    """Copies rows into the draft with their audit rows; the formats call it for their parts.

    Queries grow with "其中" depth only, never with the number of rows.
    """

    def __init__(self, draft: Disclosure, *, by, reason: str):
        self.draft_id, self.by, self.reason = draft.pk, by, reason

    def _create(self, copies: list) -> list:
        return bulk_create_with_history(
            copies, type(copies[0]), default_user=self.by, default_change_reason=self.reason
        )

    def rows(self, rows: list) -> list:
        """Rows that belong to the disclosure directly."""
        if not rows:
            return []
        return self._create([_clone(row, disclosure_id=self.draft_id) for row in rows])

    def levels(self, rows: list) -> dict[int, int]:
        """Rows that point at a `parent` among themselves ("其中" lines, sub-rows, sub-sections):
        parents first, level by level. Returns old id → new id."""
        remaining = sorted(rows, key=lambda x: x.pk)
        new_ids: dict[int, int] = {}
        while remaining:
            level = [x for x in remaining if x.parent_id is None or x.parent_id in new_ids]
            copies = [
                _clone(x, disclosure_id=self.draft_id, parent_id=new_ids.get(x.parent_id))
                for x in level
            ]
            created = self._create(copies)
            new_ids |= {old.pk: new.pk for old, new in zip(level, created, strict=True)}
            remaining = [x for x in remaining if x.pk not in new_ids]
        return new_ids

    def remapped(self, rows, attname: str, new_ids: dict[int, int]) -> None:
        """Rows that belong to copied rows (cells of a row, paragraphs of a section)."""
        rows = list(rows)
        if rows:
            self._create([_clone(x, **{attname: new_ids[getattr(x, attname)]}) for x in rows])


def copy_rows(original: Disclosure, draft: Disclosure, *, by, reason: str) -> None:
    """Every row of `original` into `draft`, with history: the parts every format has, then
    the format's own figures."""
    copy = Copier(draft, by=by, reason=reason)
    for model in (StaffingEntry, Duty, ThreePublicExpense):
        copy.rows(list(model.objects.filter(disclosure=original)))
    tasks = list(WorkTask.objects.filter(disclosure=original))
    new_tasks = {old.pk: new.pk for old, new in zip(tasks, copy.rows(tasks), strict=True)}
    copy.remapped(WorkTaskItem.objects.filter(task__disclosure=original), "task_id", new_tasks)
    for model in (ConsolidatedUnit, GlossaryTerm):
        copy.rows(list(model.objects.filter(disclosure=original)))
    format_for(original).copy_figures(original=original, draft=draft, copy=copy)


# --- the history: what changed, old → new, computed from the revisions themselves -----------


@dataclass
class FigureChange:
    label: str
    old: str  # "—" when the figure was added by the correction
    new: str  # "—" when the correction removed it


@dataclass
class Correction:
    revision: int
    published_at: datetime | None  # None: a correction still in review (staff preview only)
    reason: str
    changes: list[FigureChange]


def _figures_by_revision(ids: list[int], fmt) -> dict[int, dict[tuple, tuple[str, str]]]:
    """Per revision: figure key → (label, display value). A fixed number of queries: the
    format's figures, then the counts and staffing every format has."""
    figures: dict[int, dict] = defaultdict(dict)
    for pk, own in fmt.correction_figures(ids).items():
        figures[pk] |= own
    records = ThreePublicExpense.objects.filter(disclosure__in=ids).values_list(
        "disclosure_id", "item", "amount_yuan", *COUNT_FIELDS
    )
    for disclosure_id, item, amount, *counts in records.order_by("item"):
        item_label = f"“三公”经费：{ThreePublicItem(item).label}"
        if amount is not None:  # a format that keeps the amounts in a table has none here
            figures[disclosure_id][("three_public", item)] = (item_label, wan_text(amount))
        for name, count in zip(COUNT_FIELDS, counts, strict=True):
            if count is not None:
                verbose = ThreePublicExpense._meta.get_field(name).verbose_name
                figures[disclosure_id][(item, name)] = (f"{item_label}（{verbose}）", str(count))
    staffing = StaffingEntry.objects.filter(disclosure__in=ids).values_list(
        "disclosure_id", "kind", "category", "headcount"
    )
    for disclosure_id, kind, category, headcount in staffing.order_by("kind", "order", "pk"):
        label = f"{StaffingKind(kind).label}：{category}"
        figures[disclosure_id][("staffing", kind, category)] = (label, f"{headcount}人")
    return figures


def _diff(old: dict, new: dict) -> list[FigureChange]:
    changes = [
        FigureChange(label, old[key][1] if key in old else "—", value)
        for key, (label, value) in new.items()
        if key not in old or old[key][1] != value
    ]
    changes += [
        FigureChange(label, value, "—") for key, (label, value) in old.items() if key not in new
    ]
    return changes


def correction_history(disclosure: Disclosure) -> list[Correction]:
    """Every correction up to this revision, newest first, with each changed figure.

    Figures match on what names them (a line's statement, code and name; a cell's table, row
    and column; a record's item; staffing's kind and category). A fixed number of queries,
    however many revisions and figures.
    """
    chain = list(
        Disclosure.objects.filter(
            Q(status__in=FROZEN_STATUSES) | Q(pk=disclosure.pk),
            agency=disclosure.agency_id,
            fiscal_year=disclosure.fiscal_year_id,
            kind=disclosure.kind,
            revision__lte=disclosure.revision,
        )
        .order_by("revision")
        .values_list("pk", "revision", "corrects_id", "published_at", "correction_reason")
    )
    figures = _figures_by_revision([row[0] for row in chain], format_for(disclosure))
    in_chain = {row[0] for row in chain}
    corrections = [
        Correction(revision, published_at, reason, _diff(figures[corrects], figures[pk]))
        for pk, revision, corrects, published_at, reason in chain
        if corrects in in_chain
    ]
    return corrections[::-1]
