from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse

from disclosure.access import workflow_actions
from disclosure.admin.scoping import AgencyScopedAdminMixin, ScopedHistoryAdmin
from disclosure.core.csv import csv_response
from disclosure.exports import rows as exports
from disclosure.formats.base import format_for
from disclosure.importing.resources import ExpenditureLineResource, ThreePublicExpenseResource
from disclosure.models import (
    Disclosure,
    Duty,
    ExpenditureLine,
    FiscalYear,
    StaffingEntry,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from disclosure.models.states import PUBLISH, SUBMIT, TRANSITIONS, Transition
from disclosure.workflow import corrections, services

from .codes import YearCodesMixin
from .forms import WanAmountForm, WanDisplay
from .importing import FiguresImportExportMixin
from .reconciliation import ReconciliationAdminMixin
from .standard import STANDARD_INLINES


class ExpenditureLineForm(WanAmountForm):
    class Meta:
        model = ExpenditureLine
        exclude = ["amount_yuan"]


class ThreePublicForm(WanAmountForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model decides: required in the 2014 format, absent in the standard one (07表).
        self.fields["amount_wan"].required = False
        self.fields["amount_wan"].help_text += "标准格式年度不填（金额在公开07表）。"

    class Meta:
        model = ThreePublicExpense
        exclude = ["amount_yuan"]


class DisclosureForm(forms.ModelForm):
    """Carries the version it was loaded at; a save from an outdated page is refused whole."""

    class Meta:
        model = Disclosure
        fields = ["agency", "fiscal_year", "head_name", "head_posts", "version"]
        widgets = {"version": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            # A new disclosure has no one else's changes to protect.
            self.fields["version"].required = self.instance.pk is not None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            services.disclosure_check_version(
                disclosure_id=self.instance.pk, version=cleaned.get("version")
            )
        return cleaned

    def _get_validation_exclusions(self):
        # Status and revision are not in the form, but the constraints on them (one disclosure
        # per agency, year and revision) must be checked here: a Chinese error, not a 500.
        return super()._get_validation_exclusions() - {"status", "revision"}


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "disclosure_format"]


class StaffingInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = StaffingEntry
    extra = 0
    fields = ["kind", "category", "headcount", "order"]


class DutyInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = Duty
    extra = 0
    fields = ["order", "text"]


class WorkTaskInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = WorkTask
    extra = 0
    fields = ["order", "heading"]
    show_change_link = True  # the numbered sub-items are edited on the task's own page


class ExpenditureLineInline(
    YearCodesMixin, WanDisplay, AgencyScopedAdminMixin, admin.TabularInline
):
    model = ExpenditureLine
    form = ExpenditureLineForm
    extra = 0
    fields = ["statement", "code", "classification", "name", "parent", "order", "amount_wan"]
    autocomplete_fields = ["classification"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # "其中" parents come only from this disclosure's own lines.
        if db_field.name == "parent":
            disclosure_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                ExpenditureLine.objects.filter(disclosure_id=disclosure_id, parent__isnull=True)
                if disclosure_id and disclosure_id.isdigit()
                else ExpenditureLine.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ThreePublicInline(WanDisplay, AgencyScopedAdminMixin, admin.StackedInline):
    model = ThreePublicExpense
    form = ThreePublicForm
    extra = 0
    max_num = 4
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
class DisclosureAdmin(ReconciliationAdminMixin, ScopedHistoryAdmin):
    form = DisclosureForm
    list_display = ["agency", "fiscal_year", "revision", "status", "published_at", "updated_at"]
    list_filter = ["fiscal_year", "agency", "status"]
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
        (None, {"fields": ["agency", "fiscal_year", ("status", "published_at"), "version"]}),
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

    @admin.action(description="按本年度格式生成公开表的固定行", permissions=["change"])
    def add_table_rows(self, request, queryset):
        for disclosure in queryset.select_related("fiscal_year__report_format", "agency"):
            try:
                created = services.disclosure_add_table_rows(disclosure=disclosure, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{disclosure}：{_text(exc)}")
            else:
                messages.success(request, f"{disclosure}：已生成 {created} 行。")

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
        return [workflow, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        actions = workflow_actions(request.user, obj) if obj is not None else []
        extra_context = {**(extra_context or {}), "workflow_actions": actions}
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
        return redirect(reverse("admin:disclosure_disclosure_change", args=[result.pk]))

    @admin.action(description="提交所选决算公开审核", permissions=["submit"])
    def submit(self, request, queryset):
        self._run_action(request, queryset, services.disclosure_submit, SUBMIT)

    @admin.action(description="发布所选决算公开", permissions=["publish"])
    def publish(self, request, queryset):
        self._run_action(request, queryset, services.disclosure_publish, PUBLISH)

    @admin.action(description="导出所选决算公开的全部数字（CSV）", permissions=["export"])
    def export_csv(self, request, queryset):
        rows = exports.figure_rows(queryset)
        return csv_response(exports.csv_lines(rows), "juesuan-admin-export.csv")

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
        if done:
            messages.success(request, f"{step.success.rstrip('。')} {done} 份决算公开。")


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
    list_filter = ["item", "disclosure__status", "disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["disclosure__agency__name"]
    autocomplete_fields = ["disclosure"]
    fieldsets = (
        ThreePublicInline.fieldsets[:1]
        + [(None, {"fields": ["disclosure"]})]
        + ThreePublicInline.fieldsets[1:]
    )
