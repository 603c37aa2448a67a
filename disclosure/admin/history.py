"""The audit log: one read-only page per history model, for auditors (审计人员).

Every model with `history = AuditTrail()` gets its page here without an edit: the list is read
off the app registry (`history_models()`), so a new part of a disclosure is audited in the admin
the day it is added. Each page is scoped like the data (a clerk sees their agencies' rows, an
auditor all), lists who did what when to which row of which agency and year, and for a change
what changed ("变更内容", from simple_history's diff_against against the previous record of the
same row, fetched for the whole page in two queries).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Model, OuterRef, Q, Subquery
from django.utils.html import format_html_join

from disclosure.access import bound_agency_ids, sees_all_agencies
from disclosure.admin.scoping import AuditLogAdmin
from disclosure.core.audit import (
    EMPTY,
    action_label,
    changes_between,
    local_time,
    readable_change,
    user_label,
)


def history_models() -> list[type[Model]]:
    """Every history model of the project: each audited model's, and its many-to-many ones'."""
    return [model for model in apps.get_models() if hasattr(model, "instance_type")]


def is_m2m_history(model: type[Model]) -> bool:
    return not hasattr(model, "history_date") and hasattr(model, "m2m_history_id")


def owner_path(model: type[Model]) -> str | None:
    """The lookup from a history row to its Disclosure ("" for the disclosure's own rows)."""
    return getattr(model.instance_type, "disclosure_path", None)


def _join(*parts: str) -> str:
    return "__".join(p for p in parts if p)


# --- filters -------------------------------------------------------------------------------------


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "op"

    def lookups(self, request, model_admin):
        return [("+", "新增"), ("~", "修改"), ("-", "删除")]

    def queryset(self, request, queryset):
        field = model_admin_field(queryset.model, "history_type")
        return queryset.filter(**{field: self.value()}) if self.value() else queryset


class UserFilter(admin.SimpleListFilter):
    """The users who appear in the rows the viewer may see, and 系统 for writes without one."""

    title = "用户"
    parameter_name = "user"

    def lookups(self, request, model_admin):
        field = model_admin_field(model_admin.model, "history_user")
        ids = model_admin.get_queryset(request).order_by().values_list(field, flat=True)
        users = get_user_model().objects.filter(pk__in=ids).order_by("username")
        return [*[(str(u.pk), str(u)) for u in users], ("system", user_label(None))]

    def queryset(self, request, queryset):
        field = model_admin_field(queryset.model, "history_user")
        if self.value() == "system":
            return queryset.filter(**{f"{field}__isnull": True})
        if self.value():
            return queryset.filter(**{field: self.value()})
        return queryset


def model_admin_field(model: type[Model], name: str) -> str:
    # A many-to-many history row keeps its date, user and action on the owner's history row.
    return f"history__{name}" if is_m2m_history(model) else name


# --- the pages -----------------------------------------------------------------------------------


class AuditChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)
        self.model_admin.prepare_page(self.result_list)


class HistoryAdmin(AuditLogAdmin):
    """Read-only, scoped (AuditLogAdmin); the columns say who, when, what, where and why."""

    empty_value_display = EMPTY
    date_hierarchy = "history_date"
    owner: str | None = None  # lookup to the Disclosure; None: the row has none (Agency)

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    def get_list_display(self, request):
        columns = ["audit_when", "audit_user", "audit_action", "audit_row"]
        if self.owner is not None:
            columns += ["audit_agency", "audit_year", "audit_revision"]
        if self.owner == "":
            columns += ["audit_status"]
        return [*columns, "audit_reason", "audit_changes_column"]

    def get_list_filter(self, request):
        filters = [ActionFilter, UserFilter]
        if self.owner is not None:
            filters += [
                (_join(self.owner, "agency"), admin.RelatedOnlyFieldListFilter),
                (_join(self.owner, "fiscal_year"), admin.RelatedOnlyFieldListFilter),
            ]
        return filters

    def get_fields(self, request, obj=None):
        tracked = [f.name for f in self.model.instance_type._meta.concrete_fields]
        return [
            "audit_when",
            "audit_user",
            "audit_action",
            "audit_reason",
            "audit_changes_column",
            *tracked,
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="时间", ordering="history_date")
    def audit_when(self, record):
        # Text, not the datetime: a read-only field on the detail page would print it in UTC.
        return local_time(record.history_date)

    @admin.display(description="用户", ordering="history_user")
    def audit_user(self, record):
        return user_label(record.history_user)

    @admin.display(description="操作")
    def audit_action(self, record):
        return action_label(record.history_type)

    @admin.display(description="对象")
    def audit_row(self, record):
        return str(recorded_row(record))

    @admin.display(description="单位")
    def audit_agency(self, record):
        return getattr(self._disclosure(record), "agency", None)

    @admin.display(description="年度")
    def audit_year(self, record):
        disclosure = self._disclosure(record)
        return disclosure.fiscal_year.year if disclosure is not None else None

    @admin.display(description="修订版本")
    def audit_revision(self, record):
        disclosure = self._disclosure(record)
        return disclosure.revision if disclosure is not None else None

    @admin.display(description="状态")
    def audit_status(self, record):
        return record.get_status_display()

    @admin.display(description="变更原因")
    def audit_reason(self, record):
        return record.history_change_reason or EMPTY

    @admin.display(description="变更内容")
    def audit_changes_column(self, record):
        if not hasattr(record, "audit_changes"):  # the detail page: one record, its own queries
            self.prepare_page([record])
        return format_html_join("", "<div>{}</div>", ((str(c),) for c in record.audit_changes))

    def _disclosure(self, record):
        """The disclosure the row belonged to (selected with the page), None if deleted since."""
        obj = record
        for name in self.owner.split("__") if self.owner else ():
            try:
                obj = getattr(obj, name)
            except ObjectDoesNotExist:
                return None
            if obj is None:
                return None
        return obj

    def prepare_page(self, records: list) -> None:
        """Attach `audit_changes` to each record: a bounded number of queries for a whole page."""
        changed = [r for r in records if r.history_type == "~"]
        previous = previous_records(self.model, changed)
        deltas = {r.pk: changes_between(previous[r.pk], r) for r in changed if r.pk in previous}
        related = related_rows(self.model.instance_type, deltas.values())
        model = self.model.instance_type
        for record in records:
            changes = deltas.get(record.pk, [])
            record.audit_changes = [readable_change(model, c, related) for c in changes]


def previous_records(model: type[Model], records: list) -> dict[int, Model]:
    """For each record (history_id), the record of the same row just before it: two queries."""
    if not records:
        return {}
    earlier = model._default_manager.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    pairs = dict(
        model._default_manager.filter(pk__in=[r.pk for r in records])
        .annotate(
            previous=Subquery(earlier.order_by("-history_date", "-history_id").values("pk")[:1])
        )
        .values_list("pk", "previous")
    )
    rows = model._default_manager.in_bulk([p for p in pairs.values() if p is not None])
    return {pk: rows[prev] for pk, prev in pairs.items() if prev in rows}


def related_rows(model: type[Model], deltas) -> dict:
    """The rows a changed foreign key pointed to, old and new: one query per related model."""
    wanted: dict[type[Model], set] = {}
    for changes in deltas:
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.many_to_one:
                values = {v for v in (change.old, change.new) if v is not None}
                wanted.setdefault(field.related_model, set()).update(values)
    found = {}
    for related, pks in wanted.items():
        selected = [f.name for f in related._meta.concrete_fields if f.many_to_one]
        rows = related._base_manager.select_related(*selected).in_bulk(pks)
        found |= {(related, pk): row for pk, row in rows.items()}
    return found


def recorded_row(record) -> Model:
    """The row as it was, with the related rows the page selected copied in (no query per row)."""
    obj = record.history_object
    for field in obj._meta.concrete_fields:
        if not field.many_to_one:
            continue
        try:
            recorded = record._meta.get_field(field.name)
        except FieldDoesNotExist:
            continue
        if recorded.is_cached(record) and recorded.get_cached_value(record) is not None:
            field.set_cached_value(obj, recorded.get_cached_value(record))
    return obj


# --- many-to-many (an agency's clerks) -----------------------------------------------------------


class M2MHistoryAdmin(AuditLogAdmin):
    """The bindings recorded with each save of the owner: a snapshot, one row per binding."""

    empty_value_display = EMPTY
    date_hierarchy = "history__history_date"
    list_filter = [ActionFilter, UserFilter]
    ordering = ["-history__history_date", "-history_id", "-m2m_history_id"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The through model has no scope of its own (access.scope_lookup): its agency has.
        if sees_all_agencies(request.user):
            return queryset
        agency = next(
            f.name for f in self.model._meta.fields if f.name != "history" and f.many_to_one
        )
        return queryset.filter(**{f"{agency}__in": bound_agency_ids(request.user)})

    @admin.display(description="时间", ordering="history__history_date")
    def audit_when(self, record):
        return local_time(record.history.history_date)

    @admin.display(description="用户")
    def audit_user(self, record):
        return user_label(record.history.history_user)

    @admin.display(description="操作")
    def audit_action(self, record):
        return action_label(record.history.history_type)

    @admin.display(description="变更原因")
    def audit_reason(self, record):
        return record.history.history_change_reason or EMPTY


def _relation_column(name: str, label: str):
    @admin.display(description=label, ordering=name)
    def column(self, record):
        return getattr(record, name)

    return column


def _relation_label(model: type[Model], field) -> str:
    """单位 for the owner's side, the many-to-many field's name (财务录入员) for the other."""
    owner = model._meta.get_field("history").related_model.instance_type
    if field.related_model is owner:
        return str(owner._meta.verbose_name)
    m2m = next(f for f in owner._meta.many_to_many if f.remote_field.through is model.instance_type)
    return str(m2m.verbose_name)


def m2m_admin(model: type[Model]) -> type[M2MHistoryAdmin]:
    relations = [f for f in model._meta.fields if f.many_to_one and f.name != "history"]
    columns = {f"bound_{f.name}": _relation_label(model, f) for f in relations}
    shown = ["audit_when", "audit_user", "audit_action", *columns, "audit_reason"]
    attrs = {
        "list_display": shown,
        "list_select_related": ["history__history_user", *(f.name for f in relations)],
        "fields": shown,
        "readonly_fields": shown,
    }
    for column, field in zip(columns, relations, strict=True):
        attrs[column] = _relation_column(field.name, columns[column])
    return type(f"{model.__name__}Admin", (M2MHistoryAdmin,), attrs)


def history_admin(model: type[Model]) -> type[HistoryAdmin]:
    owner = owner_path(model)
    tracked = model.instance_type._meta
    direct = [f.name for f in tracked.concrete_fields if f.many_to_one]
    selected = ["history_user", *direct]
    if owner is not None:
        selected += [_join(owner, "agency"), _join(owner, "fiscal_year")]
    return type(
        f"{model.__name__}Admin",
        (HistoryAdmin,),
        {"owner": owner, "list_select_related": sorted(set(selected))},
    )


for _model in history_models():
    admin.site.register(
        _model, m2m_admin(_model) if is_m2m_history(_model) else history_admin(_model)
    )
