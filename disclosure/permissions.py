"""Who may see and touch which rows: the scoping selectors, the predicates, the admin mixin.

Roles are groups created by migration disclosure/0008_roles; what they may do to which rows:

- 财务录入员 (clerk): bound to one or more agencies (bureaus.Agency.clerks). Sees only those
  agencies' disclosures; adds, edits, deletes, imports and submits them while they are drafts
  or returned.
- 审核人员 (reviewer) and 审计人员 (auditor): permission `disclosure.view_all_agencies`; they read
  every agency and edit nothing. Reviewers return, publish and open corrections (services);
  auditors read the history and export.
- Superuser: every agency, but still only drafts are editable; published figures are frozen
  for everyone (disclosure/immutability.py).

Model permissions say what a role may do; this module says to which rows.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from simple_history.admin import SimpleHistoryAdmin

from bureaus.models import Agency

from .immutability import owning_disclosure_id
from .models import Disclosure
from .workflow import EDITABLE_STATUSES, DisclosureStatus

NOT_YOURS_MESSAGE = "无权查看或处理其他单位的决算公开。"


# --- who -----------------------------------------------------------------------------------------


def sees_all_agencies(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("disclosure.view_all_agencies"))


def bound_agency_ids(user) -> frozenset[int]:
    """The agencies a clerk is bound to; cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_bound_agency_ids"):
        ids = Agency.objects.filter(clerks=user).values_list("pk", flat=True)
        user._bound_agency_ids = frozenset(ids)
    return user._bound_agency_ids


def _edits_all_agencies(user) -> bool:
    return user.is_active and user.is_superuser


# --- scoping selectors ---------------------------------------------------------------------------


def scope_lookup(model) -> str | None:
    """The lookup from a model (or its historical model) to its agency's pk; None: unscoped."""
    model = getattr(model, "instance_type", model)  # simple_history's model → the tracked one
    if issubclass(model, Agency):
        return "id"
    path = getattr(model, "disclosure_path", None)
    if path is None:
        return None
    return f"{path}__agency" if path else "agency"


def scope_visible(queryset: QuerySet, user) -> QuerySet:
    """The rows of `queryset` the user may read."""
    lookup = scope_lookup(queryset.model)
    if lookup is None or sees_all_agencies(user):
        return queryset
    return queryset.filter(**{f"{lookup}__in": bound_agency_ids(user)})


def scope_editable(queryset: QuerySet, user) -> QuerySet:
    """The rows of `queryset` the user may change: their agencies' drafts and returned ones."""
    lookup = scope_lookup(queryset.model)
    if lookup is None:
        return queryset
    if not _edits_all_agencies(user):
        queryset = queryset.filter(**{f"{lookup}__in": bound_agency_ids(user)})
    model = getattr(queryset.model, "instance_type", queryset.model)
    path = getattr(model, "disclosure_path", None)
    if path is not None:
        status = f"{path}__status__in" if path else "status__in"
        queryset = queryset.filter(**{status: EDITABLE_STATUSES})
    return queryset


def agencies_visible_to(user) -> QuerySet[Agency]:
    return scope_visible(Agency.objects.all(), user)


def agencies_editable_by(user) -> QuerySet[Agency]:
    return scope_editable(Agency.objects.all(), user)


def disclosures_visible_to(user) -> QuerySet[Disclosure]:
    if not user.has_perm("disclosure.view_disclosure"):
        return Disclosure.objects.none()
    return scope_visible(Disclosure.objects.all(), user)


def disclosures_editable_by(user) -> QuerySet[Disclosure]:
    if not user.has_perm("disclosure.change_disclosure"):
        return Disclosure.objects.none()
    return scope_editable(Disclosure.objects.all(), user)


# --- predicates on one row -----------------------------------------------------------------------


def owner_state(obj: Model) -> tuple[int | None, str | None]:
    """(agency id, disclosure status) of the row; the status is None for an Agency."""
    if hasattr(type(obj), "instance_type"):
        obj = obj.instance  # a history row: judge it as the row it recorded
    if isinstance(obj, Agency):
        return obj.pk, None
    path = getattr(type(obj), "disclosure_path", None)
    if path is None:
        return None, None
    if path == "":
        return obj.agency_id, obj.status
    try:
        disclosure_id = owning_disclosure_id(obj)
    except ObjectDoesNotExist:  # a history row whose task has since been deleted
        return None, None
    row = (
        Disclosure._base_manager.filter(pk=disclosure_id).values_list("agency_id", "status").first()
    )
    return row or (None, None)


def can_view(user, obj: Model) -> bool:
    if scope_lookup(type(obj)) is None or sees_all_agencies(user):
        return True
    agency_id, _status = owner_state(obj)
    return agency_id in bound_agency_ids(user)


def can_edit(user, obj: Model) -> bool:
    if scope_lookup(type(obj)) is None:
        return True
    agency_id, status = owner_state(obj)
    if agency_id is None:
        return False
    if not (_edits_all_agencies(user) or agency_id in bound_agency_ids(user)):
        return False
    return status is None or status in EDITABLE_STATUSES


def can_import_into(user, disclosure: Disclosure) -> bool:
    """The check every import path (admin, command line, service) makes before writing."""
    return user.has_perm("disclosure.import_disclosure") and can_edit(user, disclosure)


def require_visible(user, obj: Model) -> None:
    if not can_view(user, obj):
        raise PermissionDenied(NOT_YOURS_MESSAGE)


def workflow_actions(user, disclosure: Disclosure) -> list[str]:
    """The workflow buttons to offer on the change page; the services decide for real."""
    actions = []
    status = disclosure.status
    if status in EDITABLE_STATUSES and user.has_perm("disclosure.submit_disclosure"):
        if can_edit(user, disclosure):
            actions.append("submit")
    if not can_view(user, disclosure):
        return actions
    if status == DisclosureStatus.SUBMITTED:
        if user.has_perm("disclosure.return_disclosure"):
            actions.append("return")
        if user.has_perm("disclosure.publish_disclosure"):
            actions.append("publish")
    if status == DisclosureStatus.PUBLISHED and user.has_perm("disclosure.correct_disclosure"):
        actions.append("correct")
    return actions


# --- the admin -----------------------------------------------------------------------------------


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


class AgencyScopedAdminMixin:
    """Row-level scoping for every ModelAdmin and inline of agency-owned data.

    Put it first in the bases of every admin whose model belongs to an agency:
    `class CellAdmin(AgencyScopedAdminMixin, admin.ModelAdmin)` or, with the audit trail,
    `class CellAdmin(ScopedHistoryAdmin)`; the same for inlines. The model says how it reaches
    its agency: Agency itself, Disclosure, or a DisclosurePart subclass (`disclosure_path`,
    e.g. "disclosure" or "table__disclosure"); simple_history's models follow their tracked model.

    What it scopes, all from `scope_visible` / `scope_editable` above:
    - changelist, change, delete, history and export querysets (`get_queryset`): rows of other
      agencies do not exist for a clerk (the admin answers "not found"); django-import-export's
      export reads `get_queryset`, so it is scoped too;
    - object permissions (view/change/delete/add; for an inline, of its parent): change and
      delete only for the user's own agencies' drafts, so a published disclosure is view-only;
    - foreign-key choices and autocomplete results: only rows the user may write into;
    - list filters: every relation filter shows only values present in the scoped rows;
    - import: `has_import_permission` and, per disclosure, `can_import_into`.
    """

    # The model's rows, and rows the user may write into, as the admin lists them.
    def get_queryset(self, request):
        return scope_visible(super().get_queryset(request), request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit(request.user, obj))

    def has_add_permission(self, request, *args):
        # ModelAdmin passes only the request; an inline also passes its parent object.
        if not super().has_add_permission(request, *args):
            return False
        parent = args[0] if args else None
        if parent is not None:
            return can_edit(request.user, parent)
        if scope_lookup(self.model) in (None, "id"):
            return True
        return _edits_all_agencies(request.user) or bool(bound_agency_ids(request.user))

    def has_import_permission(self, request, *args, **kwargs):
        user = request.user
        return user.has_perm("disclosure.import_disclosure") and (
            _edits_all_agencies(user) or bool(bound_agency_ids(user))
        )

    def has_export_permission(self, request, *args, **kwargs):
        return request.user.has_perm("disclosure.export_disclosure")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_editable(formfield.queryset, request.user)
        return formfield

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            # Autocomplete fills a foreign key: offer only what the user may write into.
            queryset = scope_editable(queryset, request.user)
        return queryset, may_have_duplicates

    def get_list_filter(self, request):
        return [_scoped_filter(self.model, item) for item in super().get_list_filter(request)]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _touch_owner(obj)

    def delete_model(self, request, obj):
        owner = _owner_to_touch(obj)
        super().delete_model(request, obj)
        _touch(owner)

    def delete_queryset(self, request, queryset):
        owners = {_owner_to_touch(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for owner in owners:
            _touch(owner)


def _scoped_filter(model, item):
    """A relation filter lists every related row; the scoped one only those in the changelist."""
    if isinstance(item, str):
        name, filter_class = item, None
    elif isinstance(item, tuple):
        name, filter_class = item
    else:
        return item  # a SimpleListFilter computes its own choices
    if filter_class in (None, admin.RelatedFieldListFilter):
        if get_fields_from_path(model, name)[-1].is_relation:
            return (name, admin.RelatedOnlyFieldListFilter)
    return item


def _owner_to_touch(obj: Model) -> int | None:
    # A row edited on its own admin page changes its disclosure: bump the disclosure's version,
    # so a form of the whole disclosure opened before is refused rather than overwriting it.
    path = getattr(type(obj), "disclosure_path", None)
    return owning_disclosure_id(obj) if path else None


def _touch(disclosure_id: int | None) -> None:
    if disclosure_id is not None:
        from .services import disclosure_touch  # services import this module

        disclosure_touch(disclosure_id=disclosure_id)


def _touch_owner(obj: Model) -> None:
    _touch(_owner_to_touch(obj))


class ScopedHistoryAdmin(AgencyScopedAdminMixin, SimpleHistoryAdmin):
    """The base for every admin of agency-owned data: scoped, with a read-only history view."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting would bypass the workflow, the version check and the freeze.
        if request.method == "POST":
            raise PermissionDenied("历史记录只读，不能恢复。")
        return super().history_form_view(request, object_id, version_id, extra_context)


class AuditLogAdmin(AgencyScopedAdminMixin, admin.ModelAdmin):
    """The history rows of one model, for auditors: every create, change and delete."""

    list_display = ["history_date", "history_user", "history_type", "__str__"]
    list_filter = ["history_type", "history_user"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
