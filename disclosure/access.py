"""Who may see and touch which rows: the scoping selectors, the predicates, the admin mixin.

Roles are groups created by migration disclosure/0008_roles; what they may do to which rows:

- 财务录入员 (clerk): bound to one or more agencies (bureaus.Agency.clerks). Sees only those
  agencies' disclosures; adds, edits, deletes, imports and submits them while they are drafts
  or returned.
- 审核人员 (reviewer) and 审计人员 (auditor): permission `disclosure.view_all_agencies`; they read
  every agency and edit nothing. Reviewers return, publish and open corrections (services);
  auditors read the history and export.
- Superuser: every agency, but still only drafts are editable; published figures are frozen
  for everyone (disclosure/models/frozen.py).

Model permissions say what a role may do; this module says to which rows. Which workflow
step needs which permission is the table in disclosure/models/states.py.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet

from bureaus.models import Agency
from disclosure.models import Disclosure
from disclosure.models.frozen import owning_disclosure_id
from disclosure.models.states import EDITABLE_STATUSES, STEPS, Transition

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


def edits_all_agencies(user) -> bool:
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
    if not edits_all_agencies(user):
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
    if not (edits_all_agencies(user) or agency_id in bound_agency_ids(user)):
        return False
    return status is None or status in EDITABLE_STATUSES


def can_import_into(user, disclosure: Disclosure) -> bool:
    """The check every import path (admin, command line, service) makes before writing."""
    return user.has_perm("disclosure.import_disclosure") and can_edit(user, disclosure)


def require_visible(user, obj: Model) -> None:
    if not can_view(user, obj):
        raise PermissionDenied(NOT_YOURS_MESSAGE)


def workflow_actions(user, disclosure: Disclosure) -> list[Transition]:
    """The workflow buttons to offer on the change page (states.STEPS, in order); the services
    check the same table for real."""
    return [
        step
        for step in STEPS
        if disclosure.status in step.sources
        and user.has_perm(step.permission)
        and (can_edit(user, disclosure) if step.own_editable else can_view(user, disclosure))
    ]


def disclosure_code_version(user, disclosure_id: str | int | None) -> int | None:
    """The code version (政府收支分类科目) of the disclosure's year: the codes its rows may use.

    Codes are public reference data; the disclosure is not, so an id the user may not see, or
    that names no disclosure, gives None rather than telling which year's version it has.
    """
    text = str(disclosure_id)
    if not (text.isascii() and text.isdigit() and len(text) <= 18):  # a 500 on none of them
        return None
    return (
        disclosures_visible_to(user)
        .filter(pk=int(disclosure_id))
        .values_list("fiscal_year__code_version", flat=True)
        .first()
    )
