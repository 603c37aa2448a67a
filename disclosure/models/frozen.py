"""What citizens have read never changes silently.

A disclosure's content may change only while its clerks hold it (draft or returned). Three
layers refuse everything else:

1. Model `save()`/`delete()` guards (Disclosure and every DisclosurePart): the one place where
   save() overrides are justified, because the rule is an invariant of the data, whoever writes.
2. GuardedQuerySet: `update()`, `bulk_update()`, `bulk_create()` and `delete()` refuse rows of a
   locked disclosure, so imports and bulk paths cannot slip past the model guards.
3. On PostgreSQL, triggers (triggers.py) refuse UPDATE, DELETE and TRUNCATE of a published
   or superseded disclosure and of its rows, and INSERT of rows into one, even for raw SQL and
   whatever `pgtrigger.ignore` says. The only change they let through is the workflow's own:
   published → superseded when a correction is published; `loaddata` of already-published
   documents goes through the tables' owner's door (triggers.owner_maintenance).

A row may widen the statuses it is written in (`writable_statuses`): a reviewer's
FindingAcknowledgement is recorded while the disclosure is submitted, and freezes with it.

A new model that belongs to a disclosure inherits DisclosurePart (and sets `disclosure_path` if
it reaches the disclosure through another row, as WorkTaskItem does through its task).
"""

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from disclosure.core.audit import AuditTrail

from .states import EDITABLE_STATUSES, LOCKED_MESSAGE
from .triggers import frozen_part_triggers


class PublishedDisclosureError(ValidationError):
    """A write to a disclosure (or one of its rows) that its clerks no longer hold."""

    def __init__(self, message: str = LOCKED_MESSAGE):
        super().__init__(message, code="locked")


def _disclosure_model():
    return apps.get_model("disclosure", "Disclosure")


def owning_disclosure_id(obj: models.Model) -> int | None:
    """The id of the disclosure a row belongs to, following the model's `disclosure_path`."""
    path = type(obj).disclosure_path
    if not path:
        return obj.pk
    *via, last = path.split("__")
    for name in via:
        obj = getattr(obj, name)
    return getattr(obj, f"{last}_id")


def owning_disclosure_ids(model, objs: list) -> set:
    """owning_disclosure_id for many rows of one model in at most one query."""
    path = model.disclosure_path
    if not path:
        return {obj.pk for obj in objs}
    head, _, rest = path.partition("__")
    head_ids = {getattr(obj, f"{head}_id") for obj in objs}
    if not rest:
        return head_ids
    related = model._meta.get_field(head).related_model
    return set(related._base_manager.filter(pk__in=head_ids).values_list(rest, flat=True))


def refuse_unless_editable(
    disclosure_ids: Iterable[int | None], statuses: Iterable[str] = EDITABLE_STATUSES
) -> None:
    ids = {pk for pk in disclosure_ids if pk is not None}
    if not ids:
        return
    locked = _disclosure_model()._base_manager.filter(pk__in=ids)
    if locked.exclude(status__in=statuses).exists():
        raise PublishedDisclosureError()


def _writable(model) -> tuple[str, ...]:
    # The Disclosure itself shares the queryset, without the attribute of its parts.
    return getattr(model, "writable_statuses", EDITABLE_STATUSES)


def _status_lookup(model) -> str:
    path = model.disclosure_path
    return f"{path}__status" if path else "status"


def _record_updates(model, pks: list, using: str) -> None:
    """QuerySet.update() sends no signals, so the audit rows are written here."""
    history = getattr(model, "history", None)
    if history is None or not pks:
        return
    rows = list(model._base_manager.using(using).filter(pk__in=pks))
    history.bulk_history_create(rows, update=True)


class GuardedQuerySet(models.QuerySet):
    """The bulk paths of a disclosure's data: each refuses rows of a locked disclosure."""

    def refuse_locked(self) -> None:
        lookup = f"{_status_lookup(self.model)}__in"
        if self.exclude(**{lookup: _writable(self.model)}).exists():
            raise PublishedDisclosureError()

    def _refuse_locked_targets(self, values: dict) -> None:
        # Moving rows into a locked disclosure changes it as much as editing its own rows.
        path = self.model.disclosure_path
        if not path:
            return
        head, _, rest = path.partition("__")
        related = self.model._meta.get_field(head).related_model
        lookup = f"{rest}__status__in" if rest else "status__in"
        for key in (head, f"{head}_id"):
            if key in values:
                target = getattr(values[key], "pk", values[key])
                rows = related._base_manager.filter(pk=target)
                if rows.exclude(**{lookup: _writable(self.model)}).exists():
                    raise PublishedDisclosureError()

    def update(self, **kwargs):
        self.refuse_locked()
        self._refuse_locked_targets(kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            _record_updates(self.model, pks, self.db)
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        self.model._base_manager.filter(pk__in=[o.pk for o in objs]).refuse_locked()
        if self.model.disclosure_path:
            refuse_unless_editable(owning_disclosure_ids(self.model, objs), _writable(self.model))
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if self.model.disclosure_path:
            refuse_unless_editable(owning_disclosure_ids(self.model, objs), _writable(self.model))
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def delete(self):
        self.refuse_locked()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class DisclosurePart(models.Model):
    """A row that belongs to one disclosure: audited, and frozen when the disclosure is.

    `disclosure_path` is the lookup from the row to its Disclosure; the admin scoping
    (disclosure/access.py) follows the same path to the row's agency.
    """

    disclosure_path = "disclosure"
    # The statuses in which the row may be written: the clerks' content only while they hold
    # it; a reviewer's record of the review (FindingAcknowledgement) also while it is submitted.
    writable_statuses: tuple[str, ...] = EDITABLE_STATUSES

    objects = GuardedQuerySet.as_manager()
    # History is looked up by the row and by the disclosure, never by a "其中" parent or a
    # classification code: those columns are copied, not indexed (an import writes a history
    # row per figure).
    history = AuditTrail(inherit=True, no_db_index=["parent", "classification"])

    class Meta:
        abstract = True
        # Django's own bulk paths (e.g. RelatedManager.add) use the base manager: guard it too.
        base_manager_name = "objects"
        triggers = frozen_part_triggers()

    def save(self, *args, **kwargs):
        ids = [owning_disclosure_id(self), self._stored_disclosure_id()]
        refuse_unless_editable(ids, self.writable_statuses)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_unless_editable([self._stored_disclosure_id()], self.writable_statuses)
        return super().delete(*args, **kwargs)

    def _stored_disclosure_id(self) -> int | None:
        if self._state.adding or self.pk is None:
            return None
        rows = type(self)._base_manager.filter(pk=self.pk)
        return rows.values_list(self.disclosure_path, flat=True).first()
