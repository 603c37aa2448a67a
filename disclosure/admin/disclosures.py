from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from disclosure.access import agencies_editable_by, workflow_actions
from disclosure.admin.scoping import AgencyScopedAdminMixin, ScopedHistoryAdmin
from disclosure.core.csv import csv_response
from disclosure.exports import packages
from disclosure.exports import rows as exports
from disclosure.formats.base import format_for, structure_source
from disclosure.formats.simple2014 import STANDARD_LINES, STATEMENT_SCHEMES, line_layout
from disclosure.importing.parsing import normalise
from disclosure.importing.resources import ExpenditureLineResource, ThreePublicExpenseResource
from disclosure.models import (
    ClassificationCode,
    Disclosure,
    DocumentKind,
    Duty,
    ExpenditureLine,
    FiscalYear,
    StaffingEntry,
    ThreePublicExpense,
    ThreePublicItem,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models.states import PUBLISH, SUBMIT, TRANSITIONS, Transition
from disclosure.workflow import corrections, services

from .changelists import CappedPaginator
from .codes import YearCodesMixin
from .forms import WanAmountForm, WanDisplay
from .grid import GridAdminMixin  # the table grids and the links to them (standard format)
from .importing import FiguresImportExportMixin
from .parts import PartsAdminMixin  # 情况说明数字, 表说明, 单位构成 on pages of their own
from .reconciliation import ReconciliationAdminMixin
from .standard import STANDARD_INLINES


class ExpenditureLineForm(WanAmountForm):
    """A line as the clerk types it: the code fills 科目 (the year's classification) and, when
    left blank, the name."""

    class Meta:
        model = ExpenditureLine
        exclude = ["amount_yuan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "name" in self.fields:
            self.fields["name"].required = False  # the code's name fills it (clean)

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code") or ""
        if "classification" not in self.fields or not cleaned.get("classification"):
            # The inline has no 科目 field: the code decides it, so the two cannot disagree.
            self.instance.classification = self._classification(code, cleaned.get("statement"))
            cleaned["classification"] = self.instance.classification
        classification = self.instance.classification
        if not cleaned.get("name"):
            if classification is not None:
                cleaned["name"] = self.instance.name = classification.name
            elif "name" not in self.errors:
                self.add_error("name", "请填写项目名称（或填写本年度科目版本中的科目编码）。")
        return cleaned

    def _classification(self, code: str, statement: str | None):
        scheme = STATEMENT_SCHEMES.get(statement)
        if not code or scheme is None:
            return None
        # On the disclosure's page the line is not attached yet (a new disclosure has no id):
        # the formset hands over the disclosure being saved.
        disclosure = getattr(self, "disclosure", None) or self.cleaned_data.get("disclosure")
        try:
            disclosure = disclosure or self.instance.disclosure
            version = disclosure.fiscal_year.code_version_id
        except (Disclosure.DoesNotExist, FiscalYear.DoesNotExist, AttributeError):
            return None
        if version is None:
            return None
        return ClassificationCode.objects.filter(
            version_id=version, scheme=scheme, code=code
        ).first()


class ExpenditureLineInlineForm(ExpenditureLineForm):
    """On the disclosure's page the "其中" parent is named by its code or name, so it can be a
    line added in the same save (a select offers only saved lines), and is looked up in the
    same statement only (ExpenditureLineFormSet)."""

    parent_ref = forms.CharField(
        label="“其中”所属",
        required=False,
        max_length=100,
        help_text="上级项目的编码或名称（同一报表）；留空时按编码推断，如 30101 属于 301。",
        widget=forms.TextInput(attrs={"size": 8}),
    )

    class Meta:
        model = ExpenditureLine
        fields = ["statement", "code", "name", "order"]
        widgets = {
            "code": forms.TextInput(attrs={"size": 7, "class": "line-code"}),
            "name": forms.TextInput(attrs={"size": 16, "class": "line-name"}),
            "order": forms.NumberInput(attrs={"style": "width: 4em"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.instance.parent if self.instance.parent_id else None
        if parent is not None:
            self.initial.setdefault("parent_ref", parent.code or parent.name)


class ExpenditureLineFormSet(BaseInlineFormSet):
    """Resolves each line's "其中" parent among the lines of the page, same statement only."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.disclosure = self.instance
        return form

    def clean(self):
        super().clean()
        live = [
            f
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not self._should_delete_form(f)
            and f.cleaned_data.get("statement")
        ]
        by_code, by_name = {}, {}
        for f in live:
            statement = f.cleaned_data["statement"]
            if f.cleaned_data.get("code"):
                by_code[(statement, f.cleaned_data["code"])] = f
            by_name.setdefault((statement, f.cleaned_data.get("name", "")), f)
        for f in live:
            f.parent_form = None
        for f in live:
            ref = normalise(f.cleaned_data.get("parent_ref") or "")
            if not ref:
                continue
            statement = f.cleaned_data["statement"]
            target = by_code.get((statement, ref)) or by_name.get((statement, ref))
            if target is None:
                f.add_error(
                    "parent_ref",
                    f"同一报表中没有编码或名称为“{ref}”的项目，不能作为“其中”所属项目。",
                )
            elif target is f:
                f.add_error("parent_ref", "项目不能是自己的“其中”项。")
            else:
                f.parent_form = target
        # 30101 is a "其中" of 301, 2010301 of 20103, where that line is on the page and is
        # not itself a "其中" (the documents, and the page, print one level of "其中").
        for f in sorted(live, key=lambda f: len(f.cleaned_data.get("code") or "")):
            code = f.cleaned_data.get("code") or ""
            if f.parent_form is None and len(code) > 3 and not f.cleaned_data.get("parent_ref"):
                target = by_code.get((f.cleaned_data["statement"], code[:-2]))
                if target is not None and target.parent_form is None:
                    f.parent_form = target
        for f in live:
            target = f.parent_form
            if target is not None and target.parent_form is not None:
                f.parent_form = None
                name = target.cleaned_data.get("name")
                f.add_error("parent_ref", f"“{name}”本身是“其中”项；“其中”项只能属于一级项目。")

    def _with_parent(self, form):
        target = getattr(form, "parent_form", None)
        if target is None:
            form.instance.parent = None
        elif target.instance.pk is not None:
            form.instance.parent = target.instance
        else:
            form.instance.parent = None
            self._pending.append(form)  # its parent is saved later in this formset

    def save_new(self, form, commit=True):
        self._with_parent(form)
        return super().save_new(form, commit)

    def save_existing(self, form, obj, commit=True):
        self._with_parent(form)
        return super().save_existing(form, obj, commit)

    def save(self, commit=True):
        self._pending = []
        saved = super().save(commit)
        for form in self._pending:
            form.instance.parent = form.parent_form.instance
            form.instance.save(update_fields=["parent"])
        return saved


class ThreePublicForm(WanAmountForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model decides: required in the 2014 format, absent in the standard one (07表).
        self.fields["amount_wan"].required = False
        self.fields["amount_wan"].help_text += "标准格式年度不填（金额在公开07表）。"

    class Meta:
        model = ThreePublicExpense
        exclude = ["amount_yuan"]


class StartForm(forms.Form):
    agency = forms.ModelChoiceField(label="单位", queryset=None)
    fiscal_year = forms.ModelChoiceField(label="年度", queryset=FiscalYear.objects.all())
    # Not required: a form posted without it (as before there were two kinds) starts a 决算.
    kind = forms.ChoiceField(
        label="文件类型", choices=DocumentKind.choices, initial=DocumentKind.FINAL, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_editable_by(user)


class DisclosureForm(forms.ModelForm):
    """Carries the version it was loaded at; a save from an outdated page is refused whole."""

    class Meta:
        model = Disclosure
        fields = ["agency", "fiscal_year", "kind", "head_name", "head_posts", "version"]
        widgets = {"version": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            # A new disclosure has no one else's changes to protect.
            self.fields["version"].required = self.instance.pk is not None
        if "kind" in self.fields:
            # Omitted from a post, the model's default (决算) applies.
            self.fields["kind"].required = False

    def clean(self):
        cleaned = super().clean()
        if "kind" in self.fields and not cleaned.get("kind"):
            # Set before the model's constraints are checked: an empty optional field would be
            # left out of that check (one disclosure per agency, year and kind).
            cleaned["kind"] = DocumentKind.FINAL
        if self.instance.pk is not None:
            services.disclosure_check_version(
                disclosure_id=self.instance.pk, version=cleaned.get("version")
            )
        return cleaned

    def _get_validation_exclusions(self):
        # Status and revision are not in the form, but the constraints on them (one disclosure
        # per agency, year and revision) must be checked here: a Chinese error, not a 500.
        return super()._get_validation_exclusions() - {"status", "revision"}


class StaffingInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = StaffingEntry
    extra = 0
    fields = ["kind", "category", "headcount", "order"]

    def get_extra(self, request, obj=None, **kwargs):
        return len(staffing_initial(obj)) if lays_out(obj, "staffing") else 0


class DutyInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = Duty
    extra = 0
    fields = ["order", "text"]


class WorkTaskInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = WorkTask
    extra = 0
    fields = ["order", "heading"]
    show_change_link = True  # the numbered sub-items are edited on the task's own page


class ExpenditureLineInline(WanDisplay, AgencyScopedAdminMixin, admin.TabularInline):
    """Narrow enough for a 1,366 px window: 科目 is shown, not chosen (the code decides it),
    and the parent is a short text (its code or name) instead of a select."""

    model = ExpenditureLine
    form = ExpenditureLineInlineForm
    formset = ExpenditureLineFormSet
    extra = 0
    fields = ["statement", "code", "name", "parent_ref", "order", "amount_wan", "subject"]
    readonly_fields = ["subject"]

    class Media:
        js = ["js/line-codes.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("classification", "parent")

    def get_extra(self, request, obj=None, **kwargs):
        return len(lines_initial(obj)) if lays_out(obj, "lines") else 0

    @admin.display(description="科目")
    def subject(self, obj):
        return obj.classification.name if obj.classification_id else ""


def lays_out(obj, related: str) -> bool:
    """A new disclosure, or one without any such rows yet, gets the usual rows laid out."""
    return obj is None or obj.pk is None or not getattr(obj, related).exists()


def standard_lines_initial() -> list[dict]:
    return _lines(STANDARD_LINES)


def lines_initial(obj) -> list[dict]:
    """A new disclosure's lines: the usual ones; a saved draft's: those of the disclosure it
    starts from (last year's), without their amounts."""
    if obj is None or obj.pk is None:
        return standard_lines_initial()
    return _lines(line_layout(structure_source(obj)))


def _lines(layout) -> list[dict]:
    return [
        {"statement": st, "code": code, "name": name, "parent_ref": parent, "order": i + 1}
        for i, (st, code, name, parent) in enumerate(layout)
    ]


def staffing_initial(obj) -> list[dict]:
    """Last year's staffing categories for the clerk to count again (never its counts)."""
    source = structure_source(obj) if obj is not None and obj.pk is not None else None
    if source is None:
        return []
    return list(source.staffing.order_by("kind", "order", "pk").values("kind", "category", "order"))


def three_public_initial() -> list[dict]:
    return [{"item": item.value} for item in ThreePublicItem]


class ThreePublicInline(WanDisplay, AgencyScopedAdminMixin, admin.StackedInline):
    model = ThreePublicExpense
    form = ThreePublicForm
    extra = 0
    max_num = 4

    def get_extra(self, request, obj=None, **kwargs):
        return len(ThreePublicItem) if lays_out(obj, "three_public") else 0

    fieldsets = [
        (None, {"fields": [("item", "amount_wan"), ("yoy_remark",), "explanation"]}),
        (
            "数量",
            {
                "fields": [
                    ("delegations", "outbound_persons"),
                    ("vehicles_purchased", "vehicles_held"),
                    ("reception_batches", "reception_persons", "accompanying_persons"),
                    ("foreign_reception_batches", "foreign_reception_persons"),
                ],
                "description": "只填写与该项目相关的数量，例如公务接待费填写接待批次和人次。",
            },
        ),
    ]


# The change page's workflow buttons (states.STEPS): step → its service, called with the text.
STEP_SERVICES = {
    "submit": lambda d, user, text: services.disclosure_submit(disclosure=d, by=user),
    "return": lambda d, user, text: services.disclosure_return(disclosure=d, by=user, comment=text),
    "publish": lambda d, user, text: services.disclosure_publish(disclosure=d, by=user, note=text),
    "correct": lambda d, user, text: corrections.disclosure_open_correction(
        disclosure=d, by=user, reason=text
    ),
}


@admin.register(Disclosure)
class DisclosureAdmin(
    ReconciliationAdminMixin, GridAdminMixin, PartsAdminMixin, ScopedHistoryAdmin
):
    form = DisclosureForm
    list_display = [
        "agency",
        "fiscal_year",
        "kind",
        "revision",
        "status",
        "published_at",
        "updated_at",
    ]
    list_filter = ["fiscal_year", "kind", "agency", "status"]
    list_select_related = ["agency", "fiscal_year"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]
    readonly_fields = [
        "status",
        "published_at",
        "revision",
        "corrects",
        "correction_reason",
        "return_comment",
        "publication_note",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["agency", "fiscal_year", "kind", ("status", "published_at"), "version"]},
        ),
        ("单位负责人", {"fields": [("head_name", "head_posts")]}),
        (
            "审核与更正",
            {
                "fields": [
                    ("revision", "corrects"),
                    "correction_reason",
                    "return_comment",
                    "publication_note",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [StaffingInline, DutyInline, WorkTaskInline, ExpenditureLineInline, ThreePublicInline]

    def get_inlines(self, request, obj):
        # A standard-format year is entered as tables and 情况说明, not as 2014 statements.
        if obj is not None and format_for(obj).has_tables:
            return [StaffingInline, DutyInline, ThreePublicInline, *STANDARD_INLINES]
        return self.inlines

    actions = ["submit", "publish", "export_csv", "add_table_rows"]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # The same initial rows on the page and on its POST: unchanged ones are not saved.
        if isinstance(inline, ExpenditureLineInline) and lays_out(obj, "lines"):
            kwargs["initial"] = lines_initial(obj)
        elif isinstance(inline, StaffingInline) and lays_out(obj, "staffing"):
            kwargs["initial"] = staffing_initial(obj)
        elif isinstance(inline, ThreePublicInline) and lays_out(obj, "three_public"):
            kwargs["initial"] = three_public_initial()
        return kwargs

    @admin.action(description="按本年度格式生成公开表的固定行", permissions=["change"])
    def add_table_rows(self, request, queryset):
        for disclosure in queryset.select_related("fiscal_year__report_format", "agency"):
            try:
                created = services.disclosure_add_table_rows(disclosure=disclosure, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{disclosure}：{_text(exc)}")
            else:
                messages.success(request, f"{disclosure}：已生成 {created} 行。")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # A document does not change kind: a 预算 is a new disclosure, not an edited 决算.
        return [*readonly, "kind"] if obj is not None else readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # A read-only page has nothing to save, so no version to carry.
            first = [f for f in fieldsets[0][1]["fields"] if f != "version"]
            fieldsets = [(None, {"fields": first}), *fieldsets[1:]]
        return fieldsets

    def get_urls(self):
        workflow = path(
            "<path:object_id>/workflow/<str:step>/",
            self.admin_site.admin_view(self.workflow_view),
            name="disclosure_disclosure_workflow",
        )
        start = path(
            "start/",
            self.admin_site.admin_view(self.start_view),
            name="disclosure_disclosure_start",
        )
        return [workflow, start, *super().get_urls()]

    def start_view(self, request):
        """“按上年结构新建”: the clerk picks the agency and the new year; the draft is laid out
        as the agency's last disclosure (workflow.services.disclosure_start_from_last_year)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StartForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.disclosure_start_from_last_year(
                    agency=form.cleaned_data["agency"],
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    kind=form.cleaned_data["kind"] or DocumentKind.FINAL,
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _text(exc))
            else:
                messages.success(request, f"{draft}：已按上年结构新建，请填写本年数字。")
                return redirect(reverse("admin:disclosure_disclosure_change", args=[draft.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "按上年结构新建决算公开",
            "form": form,
        }
        return TemplateResponse(request, "admin/disclosure/disclosure/start.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        actions = workflow_actions(request.user, obj) if obj is not None else []
        # Submitting with errors is allowed (the reviewer decides), but never without a word:
        # the errors are listed beside the button and its confirmation names them.
        submit_errors = (
            services.reconciliation_errors(obj)
            if any(step.step == "submit" for step in actions) and request.method == "GET"
            else []
        )
        extra_context = {
            **(extra_context or {}),
            "workflow_actions": actions,
            "submit_errors": submit_errors,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        disclosure = self.get_object(request, unquote(object_id))
        if disclosure is None or step not in STEP_SERVICES:
            raise Http404("没有找到该决算公开。")
        try:
            result = STEP_SERVICES[step](disclosure, request.user, request.POST.get("text", ""))
        except ValidationError as exc:
            messages.error(request, _text(exc))
            result = disclosure
        else:
            messages.success(request, f"{result}：{TRANSITIONS[step].success}")
            if step == "submit":
                _warn_of_errors(request, result)
        return redirect(reverse("admin:disclosure_disclosure_change", args=[result.pk]))

    @admin.action(description="提交所选决算公开审核", permissions=["submit"])
    def submit(self, request, queryset):
        self._run_action(request, queryset, services.disclosure_submit, SUBMIT)

    @admin.action(description="发布所选决算公开", permissions=["publish"])
    def publish(self, request, queryset):
        # Each year's data package is built once, after the last of the selection.
        with packages.rebuilt_once():
            self._run_action(request, queryset, services.disclosure_publish, PUBLISH)

    @admin.action(description="导出所选决算公开的全部数字（CSV）", permissions=["export"])
    def export_csv(self, request, queryset):
        rows = exports.figure_rows(queryset)
        return csv_response(exports.csv_chunks(rows), "juesuan-admin-export.csv")

    def has_submit_permission(self, request):
        return request.user.has_perm(SUBMIT.permission)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH.permission)

    def _run_action(self, request, queryset, service, step: Transition) -> None:
        done = 0
        for disclosure in queryset.select_related("agency", "fiscal_year"):
            try:
                service(disclosure=disclosure, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{disclosure}：{_text(exc)}")
                continue
            if step is SUBMIT:
                _warn_of_errors(request, disclosure)
        if done:
            messages.success(request, f"{step.success.rstrip('。')} {done} 份决算公开。")


def _warn_of_errors(request, disclosure) -> None:
    """Submitted with errors: said, not refused (the reviewer cannot publish them as they are)."""
    errors = services.reconciliation_errors(disclosure)
    if errors:
        messages.warning(
            request,
            f"{disclosure}：注意，核对发现 {len(errors)} 个错误，发布前须更正："
            + "；".join(errors),
        )


def _text(exc: Exception) -> str:
    """One line for a message: "核对发现错误，不能发布：A；B"."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    head, *rest = exc.messages
    return head + "；".join(rest) if head.endswith("：") else "；".join(exc.messages)


class WorkTaskItemInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = WorkTaskItem
    extra = 0
    fields = ["order", "text"]


@admin.register(WorkTask)
class WorkTaskAdmin(ScopedHistoryAdmin):
    list_display = ["heading", "order", "disclosure"]
    list_filter = ["disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["heading", "disclosure__agency__name"]
    autocomplete_fields = ["disclosure"]
    inlines = [WorkTaskItemInline]


@admin.register(ExpenditureLine)
class ExpenditureLineAdmin(
    YearCodesMixin,
    ReconciliationAdminMixin,
    FiguresImportExportMixin,
    WanDisplay,
    ScopedHistoryAdmin,
):
    resource_classes = [ExpenditureLineResource]  # import and export: see admin/importing.py
    form = ExpenditureLineForm
    list_display = ["name", "code", "statement", "amount_yuan", "disclosure"]
    paginator = CappedPaginator  # 742,000 lines at national scale
    # Each disclosure's lines in document order, read off the line_order index.
    ordering = ["disclosure_id", "statement", "order", "pk"]
    list_filter = [
        "statement",
        "disclosure__status",
        "disclosure__fiscal_year",
        "disclosure__agency",
    ]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["name", "code", "disclosure__agency__name"]
    autocomplete_fields = ["disclosure", "parent", "classification"]
    fields = [
        "disclosure",
        "statement",
        "code",
        "classification",
        "name",
        "parent",
        "order",
        "amount_wan",
    ]


@admin.register(ThreePublicExpense)
class ThreePublicExpenseAdmin(
    ReconciliationAdminMixin, FiguresImportExportMixin, WanDisplay, ScopedHistoryAdmin
):
    resource_classes = [ThreePublicExpenseResource]
    form = ThreePublicForm
    list_display = ["item", "amount_yuan", "disclosure"]
    ordering = ["disclosure_id", "item"]  # the three_public_item_once index
    list_filter = ["item", "disclosure__status", "disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["disclosure__agency__name"]
    autocomplete_fields = ["disclosure"]
    fieldsets = (
        ThreePublicInline.fieldsets[:1]
        + [(None, {"fields": ["disclosure"]})]
        + ThreePublicInline.fieldsets[1:]
    )
