"""Admin: the parts of a standard-format disclosure that have a page of their own, linked from
the disclosure's page: 情况说明数字 (NarrativeFigure), 表说明 (TableNote) and 单位构成
(ConsolidatedUnit). Each is the admin's own inline formset, on its own URL, so the disclosure's
page stays small whatever their number.

A save carries the disclosure's version, like every other page of it: a page opened before
anyone else's save of the disclosure is refused whole, then the figures are checked again.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from disclosure.workflow.services import disclosure_check_version, disclosure_figures_changed

from .reconciliation import findings_messages
from .standard import NarrativeFigureInline, TableNoteInline, UnitInline

PART_INLINES = {"figures": NarrativeFigureInline, "notes": TableNoteInline, "units": UnitInline}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PartsAdminMixin:
    """For DisclosureAdmin (after GridAdminMixin, whose standard_disclosure it uses)."""

    def get_urls(self):
        parts = path(
            "<path:object_id>/parts/<str:part>/",
            self.admin_site.admin_view(self.parts_view),
            name="disclosure_disclosure_parts",
        )
        return [parts, *super().get_urls()]

    def parts_view(self, request, object_id, part):
        disclosure = self.standard_disclosure(request, object_id)
        if part not in PART_INLINES:
            raise Http404("没有这一部分。")
        inline = PART_INLINES[part](self.model, self.admin_site)
        editable = self.has_change_permission(request, disclosure)
        if request.method == "POST" and not editable:
            raise PermissionDenied("只能编辑本单位草稿或已退回的决算公开。")
        formset_class = inline.get_formset(request, disclosure)
        prefix = formset_class.get_default_prefix()
        formset = formset_class(**self.get_formset_kwargs(request, disclosure, inline, prefix))
        version = VersionForm(request.POST or None, initial={"version": disclosure.version})
        errors = []
        if request.method == "POST" and version.is_valid() and formset.is_valid():
            try:
                findings = _save(request, disclosure, formset, version.cleaned_data["version"])
            except ValidationError as exc:
                errors = exc.messages
            else:
                _say_saved(request, formset, findings)
                return redirect(request.path)
        (admin_formset,) = self.get_inline_formsets(request, [formset], [inline], disclosure)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": disclosure,
            "title": f"{inline.model._meta.verbose_name_plural}：{disclosure}",
            "inline_admin_formset": admin_formset,
            "version_form": version,
            "errors": errors,
            "editable": editable,
            "media": self.media + admin_formset.media,
        }
        return TemplateResponse(request, "admin/disclosure/disclosure/parts.html", context)


@transaction.atomic
def _save(request, disclosure, formset, version) -> list | None:
    """The admin's own way to save a page of a disclosure (FiguresChangedAdminMixin): the
    version checked with the row locked, the forms saved, the figures checked again."""
    disclosure_check_version(disclosure_id=disclosure.pk, version=version)
    if not formset.has_changed():
        return None
    formset.save()
    return disclosure_figures_changed(disclosure_id=disclosure.pk, by=request.user)


def _say_saved(request, formset, findings) -> None:
    if findings is None:
        messages.info(request, "没有修改任何内容。")
        return
    messages.success(request, f"{formset.model._meta.verbose_name_plural}已保存。")
    for level, text in findings_messages(findings):
        messages.add_message(request, level, text)
