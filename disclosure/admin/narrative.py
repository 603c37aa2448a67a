"""“粘贴情况说明”: a section of 情况说明 pasted as printed, previewed, decided and saved.

GET shows the form; “预览” matches the text (formats.paste) and shows it with every figure
marked, the proposals with their fields and choices, and the findings; nothing is written
until “保存”, which applies the clerk's decisions and calls workflow.narrative. The page
carries the disclosure's version from its first opening, so a save after anyone else's is
refused whole.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from disclosure.access import can_edit, disclosures_visible_to
from disclosure.formats.base import format_for
from disclosure.formats.paste import (
    CITED,
    CONFIRM,
    CORRECT,
    LITERAL,
    Decision,
    apply_choices,
    catalogue_for,
    match_section,
)
from disclosure.models import ExplanationSection, FigureSection, FigureUnit
from disclosure.workflow.narrative import NOT_EDITABLE, section_paste_save

STATUS_NAMES = {
    CITED: "已引用",
    "proposed": "新数字",
    "reported": "与表格不符",
    LITERAL: "照印（标准、限额）",
}
CHOICE_NAMES = [
    (CONFIRM, "确认为情况说明数字"),
    (LITERAL, "按原文照印"),
    (CORRECT, "改为引用表格数字"),
]


class PasteForm(forms.Form):
    section = forms.ChoiceField(label="情况说明部分", required=False)
    number = forms.CharField(label="新部分的序号", max_length=8, required=False)
    title = forms.CharField(label="新部分的标题", max_length=200, required=False)
    parent = forms.ChoiceField(label="上级部分", required=False)
    text = forms.CharField(
        label="情况说明原文",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        error_messages={"required": "请粘贴情况说明的文字。"},
        help_text="按原文粘贴，每段一行；数字照原样，不要改写。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {str(s.pk): s for s in sections}
        self.fields["section"].choices = [("", "新建一个部分")] + [
            (pk, str(s)) for pk, s in self.sections.items()
        ]
        self.fields["parent"].choices = [("", "（无，一级部分）")] + [
            (pk, str(s)) for pk, s in self.sections.items() if s.parent_id is None
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("section") and not (cleaned.get("number") and cleaned.get("title")):
            raise ValidationError("请选择一个情况说明部分，或填写新部分的序号和标题。")
        return cleaned

    def heading(self) -> str:
        section = self.sections.get(self.cleaned_data.get("section") or "")
        return section.title if section else self.cleaned_data.get("title", "")


def _decisions(post, count: int) -> dict[int, Decision]:
    fields = ("key", "label", "value", "unit", "section")
    return {
        n: Decision(
            choice=post.get(f"p-{n}-choice", ""),
            **{name: post.get(f"p-{n}-{name}") for name in fields},
        )
        for n in range(count)
    }


def _segments(result) -> list[list[tuple[str, dict | None]]]:
    """Each paragraph as runs of plain text and marked figures, for the template."""
    paragraphs = []
    for i, text in enumerate(result.paragraphs):
        runs, at = [], 0
        for n, outcome in enumerate(result.outcomes):
            f = outcome.figure
            if f.paragraph != i:
                continue
            runs.append((text[at : f.start], None))
            mark = {"n": n + 1, "status": outcome.status, "name": STATUS_NAMES[outcome.status]}
            if outcome.candidate is not None:
                mark["source"] = outcome.candidate.label
            runs.append((text[f.start : f.unit_end], mark))
            at = f.unit_end
        runs.append((text[at:], None))
        paragraphs.append(runs)
    return paragraphs


def _rows(result, post) -> list[dict]:
    rows = []
    for n, outcome in enumerate(result.outcomes):
        p = outcome.proposal
        if p is None:
            continue
        row = {
            "n": n,
            "number": n + 1,
            "figure": outcome.figure,
            "status": STATUS_NAMES[outcome.status],
            "cell": p.cell,
        }
        # What the clerk typed survives another preview; the proposal fills the rest.
        for name in ("choice", "key", "label", "value", "unit", "section"):
            row[name] = post.get(f"p-{n}-{name}", getattr(p, name))
        rows.append(row)
    return rows


def paste_view(admin, request, disclosure_id):
    disclosure = (
        disclosures_visible_to(request.user)
        .select_related("agency", "fiscal_year")
        .filter(pk=disclosure_id)
        .first()
    )
    if disclosure is None:
        raise Http404("没有找到该决算公开。")
    if not format_for(disclosure).has_tables:
        raise Http404("该年度的格式没有可粘贴的情况说明（2014 格式的说明由数字生成）。")
    editable = can_edit(request.user, disclosure)
    if request.method == "POST" and "save" in request.POST and not editable:
        raise PermissionDenied(NOT_EDITABLE)  # a preview writes nothing: anyone who sees may
    sections = list(ExplanationSection.objects.filter(disclosure=disclosure).order_by("order"))
    post = request.POST if request.method == "POST" else None
    initial = {"version": disclosure.version, "section": request.GET.get("section", "")}
    form = PasteForm(post, initial=initial, sections=sections)
    context = {
        **admin.admin_site.each_context(request),
        "opts": admin.model._meta,
        "title": f"粘贴情况说明：{disclosure}",
        "disclosure": disclosure,
        "editable": editable,
        "form": form,
        "choices": CHOICE_NAMES,
        "units": FigureUnit.choices,
        "figure_sections": FigureSection.choices,
    }
    if post is not None and form.is_valid():
        catalogue = catalogue_for(disclosure)
        result = match_section(form.cleaned_data["text"], catalogue=catalogue, title=form.heading())
        if "save" in post:
            saved = _save(request, disclosure, form, result, catalogue)
            if saved is not None:
                return saved
        context |= {
            "result": result,
            "paragraphs": _segments(result),
            "rows": _rows(result, post),
            "counts": {name: result.count(status) for status, name in STATUS_NAMES.items()},
        }
    return TemplateResponse(request, "admin/disclosure/explanationsection/paste.html", context)


def _save(request, disclosure, form, result, catalogue):
    data = form.cleaned_data
    try:
        applied = apply_choices(result, catalogue, _decisions(request.POST, len(result.outcomes)))
        section = section_paste_save(
            disclosure=disclosure,
            by=request.user,
            version=data["version"],
            applied=applied,
            section_id=int(data["section"]) if data["section"] else None,
            number=data["number"],
            title=data["title"],
            parent_id=int(data["parent"]) if data["parent"] else None,
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None
    messages.success(
        request,
        f"已保存“{section}”：{len(applied.paragraphs)} 段，新增情况说明数字 "
        f"{len(applied.figures)} 个。",
    )
    # Back to an empty page for the next section (the clerk pastes section after section).
    return redirect(reverse("admin:disclosure_explanationsection_paste", args=[disclosure.pk]))
