"""Reference data that published pages depend on, frozen once a published disclosure uses it.

A published page is printed from its rows and from the reference data of its year: the
year's format (which statements or tables), its code version (科目 names), and the format's
tables, columns and fixed rows. The probe switched a FiscalYear's format in the admin and
the statements disappeared from published pages. Once a published (or superseded) disclosure
uses a row of these, changing or deleting it is refused, and so is adding a table, column or
fixed row to its format: a new year or a new format is made instead. A change that changes
nothing (the reference data loaded again) passes.

Two layers, as for the disclosures' own rows (frozen.py): `clean()`/`save()`/`delete()` here,
with a Chinese message the admin shows, and on PostgreSQL a trigger (triggers.py style,
ignoring `pgtrigger.ignore`) for raw SQL.
"""

import pgtrigger
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from .states import FROZEN_STATUSES
from .triggers import FROZEN_SQL, UnignorableTrigger, _raise

USED_MESSAGE = (
    "该{what}已被已发布的决算公开使用，不能修改或删除（已发布的页面依赖它）；如需改动，请新建。"
)


def _published():
    return apps.get_model("disclosure", "Disclosure")._base_manager.filter(
        status__in=FROZEN_STATUSES
    )


class FrozenOnceUsed(models.Model):
    """`used_lookup`: from a Disclosure to this row's reference (a filter, with `{pk}` and
    the row's attribute names in braces); `used_sql`: the same in SQL over {row}."""

    used_lookup: tuple[str, str] = ("", "")  # (lookup, attribute of self)
    insert_frozen = False  # adding one to a used format changes published tables too

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_write()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.used_by_published(stored=True):
            self._refuse()
        return super().delete(*args, **kwargs)

    def used_by_published(self, *, stored: bool = False) -> bool:
        lookup, attribute = self.used_lookup
        source = type(self)._base_manager.get(pk=self.pk) if stored else self
        value = getattr(source, attribute)
        return value is not None and _published().filter(**{lookup: value}).exists()

    def _changed(self) -> bool:
        stored = type(self)._base_manager.filter(pk=self.pk).values().first()
        if stored is None:
            return True
        return any(
            stored[f.attname] != getattr(self, f.attname) for f in self._meta.concrete_fields
        )

    def _refuse(self) -> None:
        raise ValidationError(USED_MESSAGE.format(what=self._meta.verbose_name), code="used")

    def clean(self):
        super().clean()
        self._check_write()

    def _check_write(self) -> None:
        if self.pk is None or self._state.adding:
            if self.insert_frozen and self.used_by_published():
                self._refuse()
        elif self._changed() and self.used_by_published(stored=True):
            self._refuse()


def used_trigger(used_sql: str, *, what: str, insert: bool = False) -> UnignorableTrigger:
    """Refuse UPDATE (that changes something) and DELETE of a used row; INSERT too if asked.
    `used_sql` is a condition over {row} (NEW or OLD) naming a published disclosure using it."""
    published = f"d.status IN ({FROZEN_SQL})"

    def used(row: str) -> str:
        return (
            "EXISTS (SELECT 1 FROM disclosure_disclosure d "
            + used_sql.format(row=row, published=published)
            + ")"
        )

    refused = _raise(USED_MESSAGE.format(what=what))
    func = f"""
        IF TG_OP = 'UPDATE' AND to_jsonb(NEW) = to_jsonb(OLD) THEN RETURN NEW; END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') AND {used("OLD")} THEN {refused} END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND {insert and "TRUE" or "TG_OP = 'UPDATE'"}
           AND {used("NEW")} THEN {refused} END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """
    operation = pgtrigger.Update | pgtrigger.Delete
    return UnignorableTrigger(
        name="frozen_once_used",
        when=pgtrigger.Before,
        operation=(pgtrigger.Insert | operation) if insert else operation,
        func=func,
    )


# The SQL of "a published disclosure uses {row}", after "FROM disclosure_disclosure d".
YEAR_USED = "WHERE d.fiscal_year_id = {row}.id AND {published}"
_BY_YEAR = "JOIN disclosure_fiscalyear fy ON fy.id = d.fiscal_year_id WHERE {published} AND "
VERSION_USED = _BY_YEAR + "fy.code_version_id = {row}.id"
CODE_USED = _BY_YEAR + "fy.code_version_id = {row}.version_id"
FORMAT_USED = _BY_YEAR + "fy.report_format_id = {row}.id"
TABLE_USED = _BY_YEAR + "fy.report_format_id = {row}.report_format_id"
SPEC_USED = (
    _BY_YEAR + "fy.report_format_id = (SELECT report_format_id FROM disclosure_tablespec t"
    " WHERE t.id = {row}.table_id)"
)
