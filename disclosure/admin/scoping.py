"""The admin's row-level scoping: every admin and inline of agency-owned data uses these bases.

Which rows a user may see or change is decided in disclosure.access; this module only
applies it to the admin's querysets, permissions, choices, filters and autocomplete. What a
save or delete means for the disclosure (version, findings) is admin/reconciliation.py's.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import PermissionDenied
from django.db.models import TextField
from simple_history.admin import SimpleHistoryAdmin

from bureaus.models import Agency
from disclosure.access import (
    bound_agency_ids,
    can_edit,
    can_view,
    edits_all_agencies,
    scope_editable,
    scope_lookup,
    scope_visible,
)
from disclosure.core.audit import annotate_history_page
from disclosure.models import FiscalYear

from .changelists import AgencyFilter, YearFilter
from .deleting import VersionedDeleteMixin
from .forms import TextareaField, VersionedPartForm
from .reconciliation import FiguresChangedAdminMixin

# --- the admin -----------------------------------------------------------------------------------


def is_autocomplete(request) -> bool:
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

    # One COUNT per page: the "of N in total" next to a search's count is a second one, a scan
    # of every row at national scale.
    show_full_result_count = False

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
        return edits_all_agencies(request.user) or bool(bound_agency_ids(request.user))

    def has_import_permission(self, request, *args, **kwargs):
        user = request.user
        return user.has_perm("disclosure.import_disclosure") and (
            edits_all_agencies(user) or bool(bound_agency_ids(user))
        )

    def has_export_permission(self, request, *args, **kwargs):
        return request.user.has_perm("disclosure.export_disclosure")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TextField) and not db_field.choices:
            kwargs.setdefault("form_class", TextareaField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_editable(formfield.queryset, request.user)
        return formfield

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if is_autocomplete(request):
            # Autocomplete fills a foreign key: offer only what the user may write into.
            queryset = scope_editable(queryset, request.user)
        return queryset, may_have_duplicates

    def get_list_filter(self, request):
        return [_scoped_filter(self.model, item) for item in super().get_list_filter(request)]


def _scoped_filter(model, item):
    """A relation filter lists every related row; the scoped one only those in the changelist.
    Years and agencies are listed without reading the changelist's rows (changelists.py)."""
    if isinstance(item, str):
        name, filter_class = item, None
    elif isinstance(item, tuple):
        name, filter_class = item
    else:
        return item  # a SimpleListFilter computes its own choices
    if filter_class in (None, admin.RelatedFieldListFilter):
        field = get_fields_from_path(model, name)[-1]
        if field.is_relation:
            if field.related_model is FiscalYear:
                return (name, YearFilter)
            if field.related_model is Agency:
                return (name, AgencyFilter)
            return (name, admin.RelatedOnlyFieldListFilter)
    return item


class ScopedHistoryAdmin(
    AgencyScopedAdminMixin, VersionedDeleteMixin, FiguresChangedAdminMixin, SimpleHistoryAdmin
):
    """The base for every admin of agency-owned data: scoped, each save or delete of a
    disclosure's content reported to the workflow (a delete confirmed from a stale page
    refused: admin/deleting.py), with a read-only history view."""

    def _versioned(self, request, obj) -> bool:
        """A row of a disclosure, changed on its own page (inlines ride on the disclosure's
        own version field)."""
        return bool(getattr(self.model, "disclosure_path", "")) and (
            obj is not None and self.has_change_permission(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._versioned(request, obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(f"Versioned{base.__name__}", (VersionedPartForm, base), {})
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._versioned(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = [*options["fields"], "disclosure_version"]
        return [(name, {**options, "fields": fields}), *rest]

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # The "历史" page's 变更内容 in Chinese, status and revision included (see core.audit).
        annotate_history_page(self.model, historical_records)

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
