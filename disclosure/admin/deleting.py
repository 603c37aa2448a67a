"""Admin: a delete confirmed on a page opened before someone else's save is refused.

The change pages carry the disclosure's version and refuse a stale save (forms.py,
VersionedPartForm; workflow.services.disclosure_check_version); the delete confirmation pages
did not, so a clerk who opened "删除" on a line, then confirmed after a colleague had corrected
that line (or any other part of the disclosure), deleted the correction unseen. Now both
confirmation pages (one row; the changelist's "删除所选") carry the version of every disclosure
they would change, and the confirmation is checked against it, in the delete's transaction,
with the disclosure row locked: stale or missing, nothing is deleted and the clerk is told why.
(Part of ScopedHistoryAdmin; a row that belongs to no disclosure is deleted as before.)
"""

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect

from disclosure.models import Disclosure
from disclosure.models.frozen import owning_disclosure_id
from disclosure.workflow.services import disclosure_check_version

FIELD = "disclosure_version"  # hidden inputs "<disclosure id>:<version>", one per disclosure
STALE_DELETE_MESSAGE = (
    "该决算在您打开删除确认页之后已被他人修改（版本已变化），为避免删除他人刚保存的内容，"
    "本次删除未执行。请查看最新内容后，如仍需删除，再次确认。"
)


def _disclosure_path(model) -> str | None:
    """How the model's rows reach their disclosure ("" for Disclosure), None if they don't."""
    return getattr(model, "disclosure_path", None)


def current_versions(disclosure_ids) -> list[str]:
    """The hidden inputs' values for these disclosures, as the confirmation page carries them."""
    rows = Disclosure._base_manager.filter(pk__in=disclosure_ids).order_by("pk")
    return [f"{pk}:{version}" for pk, version in rows.values_list("pk", "version")]


def posted_versions(request) -> dict[int, int]:
    """{disclosure id: version} as the confirmation page carried them; malformed ones dropped
    (the check then finds the version missing and refuses)."""
    versions = {}
    for value in request.POST.getlist(FIELD):
        pk, _, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            versions[int(pk)] = int(version)
    return versions


def check_versions(request, disclosure_ids) -> None:
    """Inside the delete's transaction: each disclosure locked and its version compared."""
    posted = posted_versions(request)
    for pk in sorted(disclosure_ids):  # a fixed order: two deletes never lock crosswise
        disclosure_check_version(disclosure_id=pk, version=posted.get(pk))


class VersionedDeleteMixin:
    delete_confirmation_template = "admin/disclosure/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/disclosure/delete_selected_confirmation.html"

    def delete_view(self, request, object_id, extra_context=None):
        obj = None
        if _disclosure_path(self.model) is not None:
            obj = self.get_object(request, unquote(object_id))
        if obj is None:  # not a disclosure's row, or not found (Django answers that)
            return super().delete_view(request, object_id, extra_context)
        owner = owning_disclosure_id(obj)
        if request.method != "POST" or "post" not in request.POST:
            versions = {"disclosure_versions": current_versions([owner])}
            return super().delete_view(request, object_id, {**(extra_context or {}), **versions})
        with transaction.atomic():
            try:
                check_versions(request, [owner])
            except ValidationError:
                messages.error(request, STALE_DELETE_MESSAGE)
                return redirect(request.path)  # the page again, with the current version
            return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions and _disclosure_path(self.model) is not None:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (versioned_delete_selected, name, description)
        return actions


def versioned_delete_selected(modeladmin, request, queryset):
    """Django's "删除所选", its confirmation page carrying the versions of the disclosures the
    selected rows belong to, its confirmation refused whole if any has moved on."""
    path = _disclosure_path(modeladmin.model) or "pk"
    owners = set(queryset.values_list(path, flat=True)) - {None}
    if not request.POST.get("post"):
        response = delete_selected(modeladmin, request, queryset)
        if response is not None and hasattr(response, "context_data"):
            response.context_data["disclosure_versions"] = current_versions(owners)
        return response
    with transaction.atomic():
        try:
            check_versions(request, owners)
        except ValidationError:
            messages.error(request, STALE_DELETE_MESSAGE)
            return None  # back to the changelist, its filters kept
        return delete_selected(modeladmin, request, queryset)
