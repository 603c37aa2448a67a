"""The audit trail: django-simple-history, named and shown in Chinese.

Every model whose rows a citizen or an auditor relies on declares `history = AuditTrail()` (the
disclosure's parts inherit it from DisclosurePart). Saves and deletes are recorded by the
library's signals, with the admin user taken from HistoryRequestMiddleware; bulk writes must go
through simple_history.utils.bulk_create_with_history / bulk_update_with_history, and
GuardedQuerySet.update() records its own rows (see disclosure/models/frozen.py).

The rest of this module says how a history row reads to an auditor: the action in Chinese, an
empty user as 系统, and a change as "field: old → new" with choices by their labels and amounts
in 万元 (the documents' unit; stored amounts are 元).
"""

import dataclasses
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Field, Model
from django.utils import timezone
from simple_history.models import HistoricalRecords, ModelChange

from .money import format_wan

ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
SYSTEM_USER = "系统"  # imports by command, migrations, the workflow's own bulk writes
EMPTY = "—"
TEXT_SHOWN = 60  # characters of a text shown in a change; the detail page has the whole text


class AuditTrail(HistoricalRecords):
    """HistoricalRecords whose admin names are Chinese (the library's are "historical …")."""

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = f"{model._meta.verbose_name}（历史记录）"
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = f"{model._meta.verbose_name_plural}（历史记录）"
        return meta

    def post_save(self, instance, created, using=None, **kwargs):
        # A save that changes nothing records nothing: the admin saves the object of every page
        # it posts (a table row whose one cell changed), so the auditor would read a "修改"
        # of a row nobody touched. A save with a reason (a workflow step) is always recorded.
        if not created and not kwargs.get("raw") and self._unchanged(instance, using):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _unchanged(self, instance, using) -> bool:
        if getattr(instance, "_change_reason", None):
            return False
        latest = getattr(instance, self.manager_name).using(using).first()  # newest first
        return latest is not None and not changed_fields(latest, instance)

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        extra["__str__"] = _record_str  # the library's is "… as of <UTC time>"
        return extra

    def get_extra_fields_m2m(self, model, through_model, fields):
        extra = super().get_extra_fields_m2m(model, through_model, fields)
        extra["__str__"] = _m2m_record_str
        return extra

    def get_meta_options_m2m(self, through_model):
        meta = super().get_meta_options_m2m(through_model)
        meta["verbose_name"] = f"{self.cls._meta.verbose_name}的关联（历史记录）"
        return meta


def local_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _record_str(record) -> str:
    return f"{record.history_object}（{local_time(record.history_date)}的记录）"


def _m2m_record_str(record) -> str:
    return f"{record._meta.verbose_name}（{local_time(record.history.history_date)}的记录）"


def action_label(history_type: str) -> str:
    return ACTIONS.get(history_type, history_type)


def user_label(user) -> str:
    return str(user) if user is not None else SYSTEM_USER


def is_amount(field: Field) -> bool:
    return field.name.endswith("_yuan")


def field_label(field: Field) -> str:
    """The field's Chinese name; an amount is shown in 万元, so its "（元）" goes."""
    label = str(field.verbose_name)
    return label.replace("（元）", "") if is_amount(field) else label


def value_label(field: Field, value) -> str:
    """One value of a field as an auditor reads it; never "None"."""
    if value is None or value == "":
        return EMPTY
    if is_amount(field):
        return f"{format_wan(value)} 万元"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return local_time(value)
    text = str(value)
    return text if len(text) <= TEXT_SHOWN else f"{text[:TEXT_SHOWN]}…"


def audited_fields(record) -> list[Field]:
    """The fields a change is shown for: all recorded ones but timestamps (auto_now)."""
    return [
        f
        for f in record.instance_type._meta.concrete_fields
        if not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
    ]


def changed_fields(record, row: Model) -> list[Field]:
    """The audited fields whose value in `row` differs from the history `record`."""
    return [
        f for f in audited_fields(record) if getattr(record, f.attname) != getattr(row, f.attname)
    ]


def changes_between(old, new, *, related_objects: bool = False) -> list[ModelChange]:
    """What changed from one history record of a row to the next.

    Not simple_history's diff_against: it reads values with model_to_dict, which skips fields
    that are not editable in forms, and those are the workflow's (a disclosure's status,
    revision, publication time). Foreign keys are raw ids unless `related_objects` (then the
    records' selected related rows, which may query)."""
    changes = []
    for field in changed_fields(old, new):
        before, after = getattr(old, field.attname), getattr(new, field.attname)
        if related_objects and field.many_to_one:
            before, after = _related(old, field), _related(new, field)
        changes.append(ModelChange(field.name, before, after))
    return changes


def _related(record, field: Field):
    try:
        return getattr(record, field.name)
    except ObjectDoesNotExist:  # deleted since: the id is all there is
        return f"#{getattr(record, field.attname)}"


@dataclasses.dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field}：{self.old} → {self.new}"


def readable_change(model: type[Model], change: ModelChange, related: dict | None = None) -> Change:
    """A ModelChange as Chinese text. `related` maps (model, pk) to rows for raw foreign keys."""
    field = model._meta.get_field(change.field)

    def show(value) -> str:
        if related is not None and field.many_to_one and value is not None:
            value = related.get((field.related_model, value), f"#{value}")
        return value_label(field, value)

    return Change(field_label(field), show(change.old), show(change.new))


def annotate_history_page(model: type[Model], records) -> None:
    """Ready a newest-first page of one object's history for display, in Chinese.

    Each record gets `audit_action`, `audit_user` and `history_delta_changes` (against the next,
    older record). simple_history's own page diffs only editable fields (so never a
    disclosure's status or revision) and prints raw values."""
    records = list(records)
    for record in records:
        record.audit_action = action_label(record.history_type)
        record.audit_user = user_label(record.history_user)
    for newer, older in zip(records, records[1:], strict=False):
        changes = changes_between(older, newer, related_objects=True)
        newer.history_delta_changes = [readable_change(model, c) for c in changes]
