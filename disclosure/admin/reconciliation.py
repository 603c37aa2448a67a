"""Admin: every save reconciles the disclosure and tells the clerk what does not add up.

Both through the workflow's disclosure_figures_changed, which also moves the version on. The
save is never refused (a clerk fixes figures one at a time); publication is. The change
page shows the stored findings in a read-only "数据核对" panel below the disclosure's fields;
during review, a reviewer with `disclosure.acknowledge_errors` finds beside each error a
"确认原文如此" reason and button (workflow.acknowledgements), which publication then accepts.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import urlencode

from disclosure.access import can_view
from disclosure.models import Disclosure
from disclosure.models.findings import Severity
from disclosure.models.frozen import owning_disclosure_id
from disclosure.models.states import PUBLISH
from disclosure.reconciliation.engine import Finding
from disclosure.reconciliation.selectors import reconciliation_summary
from disclosure.workflow.acknowledgements import ACKNOWLEDGE_PERMISSION, finding_acknowledge
from disclosure.workflow.services import disclosure_figures_changed

SHOWN = 5  # findings quoted in a message; the panel and the auditor page list them all
MESSAGES = [
    (Severity.ERROR, messages.ERROR, "数据核对发现 {n} 处数字相互矛盾（已保存，但更正前不能发布）"),
    (Severity.WARNING, messages.WARNING, "数据核对发现 {n} 处需要说明原因的差异或变动"),
    (Severity.NOTICE, messages.INFO, "数据核对提示 {n} 条"),
]


def findings_messages(findings: list[Finding]) -> list[tuple[int, str]]:
    """One message per severity: the count and the first sentences."""
    if not findings:
        return [(messages.SUCCESS, "数据核对未发现问题：各项合计与明细、各表之间的数字相符。")]
    out = []
    for severity, level, heading in MESSAGES:
        sentences = [f.message for f in findings if f.severity == severity]
        if sentences:
            listed = "".join(f"（{i}）{s}" for i, s in enumerate(sentences[:SHOWN], 1))
            more = (
                f"……另有 {len(sentences) - SHOWN} 处，见下方“数据核对”。"
                if len(sentences) > SHOWN
                else ""
            )
            out.append((level, f"{heading.format(n=len(sentences))}：{listed}{more}"))
    return out


def _disclosure_of(obj) -> Disclosure:
    return obj if isinstance(obj, Disclosure) else obj.disclosure


def _owner_id(obj) -> int | None:
    """The disclosure whose content `obj` is: itself, or the one its row belongs to."""
    if isinstance(obj, Disclosure):
        return obj.pk
    return _part_owner_id(obj)


def _part_owner_id(obj) -> int | None:
    path = getattr(type(obj), "disclosure_path", None)
    return owning_disclosure_id(obj) if path else None


class FiguresChangedAdminMixin:
    """Each save or delete of a disclosure or one of its rows ends with the workflow's
    disclosure_figures_changed, once, after the inlines: forms of the whole disclosure opened
    before go stale, and the findings are computed again. (Part of ScopedHistoryAdmin.)"""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # inlines are saved by now
        disclosure_id = _owner_id(form.instance)
        if disclosure_id is not None:
            findings = disclosure_figures_changed(disclosure_id=disclosure_id, by=request.user)
            self.show_findings(request, findings)

    def show_findings(self, request, findings: list[Finding]) -> None:
        """Said only where the clerk edits figures (ReconciliationAdminMixin)."""

    def delete_model(self, request, obj):
        disclosure_id = _part_owner_id(obj)  # a deleted disclosure has nothing left to check
        super().delete_model(request, obj)
        if disclosure_id is not None:
            disclosure_figures_changed(disclosure_id=disclosure_id, by=request.user)

    def delete_queryset(self, request, queryset):
        owners = {_part_owner_id(obj) for obj in queryset} - {None}
        super().delete_queryset(request, queryset)
        for disclosure_id in sorted(owners):
            disclosure_figures_changed(disclosure_id=disclosure_id, by=request.user)


class ReconciliationAdminMixin(FiguresChangedAdminMixin):
    """For the admins that edit a disclosure or its figures (lines, rows with their cells):
    the findings after each save as messages, and all of them in a panel on the page."""

    def show_findings(self, request, findings: list[Finding]) -> None:
        for level, text in findings_messages(findings):
            messages.add_message(request, level, text)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [self._panel(request, obj)] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        description = "每次保存后自动核对；有“错误”的决算可以保存，但不能发布。"
        panel = ("数据核对", {"fields": [self._panel(request, obj)], "description": description})
        return [*fieldsets, panel]

    def _panel(self, request, obj) -> str:
        """The panel with the acknowledgement forms, for whom may acknowledge now."""
        reviewing = (
            isinstance(obj, Disclosure)
            and obj.status in PUBLISH.sources
            and request.user.has_perm(ACKNOWLEDGE_PERMISSION)
            and can_view(request.user, obj)
        )
        return "reconciliation_review_panel" if reviewing else "reconciliation_panel"

    @admin.display(description="核对结果")
    def reconciliation_panel(self, obj):
        return self._render_panel(obj, acknowledge_url="")

    @admin.display(description="核对结果")
    def reconciliation_review_panel(self, obj):
        url = reverse("admin:disclosure_disclosure_acknowledge", args=[obj.pk])
        return self._render_panel(obj, acknowledge_url=url)

    def _render_panel(self, obj, *, acknowledge_url: str):
        disclosure = _disclosure_of(obj)
        query = urlencode({"agency": disclosure.agency.slug, "year": disclosure.fiscal_year.year})
        return render_to_string(
            "disclosure/reconciliation_panel.html",
            {
                "summary": reconciliation_summary(disclosure_id=disclosure.pk),
                "url": f"{reverse('reconciliation')}?{query}",
                "acknowledge_url": acknowledge_url,
            },
        )

    def get_urls(self):
        if self.model is not Disclosure:
            return super().get_urls()
        acknowledge = path(
            "<path:object_id>/acknowledge/",
            self.admin_site.admin_view(self.acknowledge_view),
            name="disclosure_disclosure_acknowledge",
        )
        return [acknowledge, *super().get_urls()]

    def acknowledge_view(self, request, object_id):
        """The panel's button: the page's form posts the finding's key and its reason here."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        disclosure = self.get_object(request, unquote(object_id))
        if disclosure is None:
            raise Http404("没有找到该决算公开。")
        key = request.POST.get("finding_key", "")
        try:
            finding_acknowledge(
                disclosure=disclosure,
                finding_key=key,
                reason=request.POST.get(f"reason-{key}", ""),
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已确认该核对错误为原文如此。")
        change = reverse("admin:disclosure_disclosure_change", args=[disclosure.pk])
        return redirect(change)
