from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from . import services
from .admin_standard import STANDARD_INLINES
from .forms import WanAmountForm
from .models import (
    Disclosure,
    Duty,
    ExpenditureLine,
    FiscalYear,
    StaffingEntry,
    ThreePublicExpense,
    WorkTask,
    WorkTaskItem,
)
from .reconciliation_admin import ReconciliationAdminMixin


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


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "disclosure_format"]


class StaffingInline(admin.TabularInline):
    model = StaffingEntry
    extra = 0
    fields = ["kind", "category", "headcount", "order"]


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    fields = ["order", "text"]


class WorkTaskInline(admin.TabularInline):
    model = WorkTask
    extra = 0
    fields = ["order", "heading"]
    show_change_link = True  # the numbered sub-items are edited on the task's own page


class ExpenditureLineInline(admin.TabularInline):
    model = ExpenditureLine
    form = ExpenditureLineForm
    extra = 0
    fields = ["statement", "code", "name", "parent", "order", "amount_wan"]

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


class ThreePublicInline(admin.StackedInline):
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


@admin.register(Disclosure)
class DisclosureAdmin(ReconciliationAdminMixin, admin.ModelAdmin):
    list_display = ["agency", "fiscal_year", "status", "published_at", "updated_at"]
    list_filter = ["fiscal_year", "agency", "status"]
    list_select_related = ["agency", "fiscal_year"]
    search_fields = ["agency__name"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["status", "published_at"]
    fieldsets = [
        (None, {"fields": ["agency", "fiscal_year", ("status", "published_at")]}),
        ("单位负责人", {"fields": [("head_name", "head_posts")]}),
    ]
    inlines = [
        StaffingInline,
        DutyInline,
        WorkTaskInline,
        ExpenditureLineInline,
        ThreePublicInline,
        *STANDARD_INLINES,
    ]
    actions = ["publish"]

    @admin.action(description="发布所选决算公开", permissions=["publish"])
    def publish(self, request, queryset):
        done = 0
        for disclosure in queryset.select_related("agency", "fiscal_year"):
            try:
                services.disclosure_publish(disclosure=disclosure, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"{disclosure}：{'；'.join(_messages(exc))}")
        if done:
            messages.success(request, f"已发布 {done} 份决算公开。")

    def has_publish_permission(self, request):
        return request.user.has_perm("disclosure.publish_disclosure")


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


class WorkTaskItemInline(admin.TabularInline):
    model = WorkTaskItem
    extra = 0
    fields = ["order", "text"]


@admin.register(WorkTask)
class WorkTaskAdmin(admin.ModelAdmin):
    list_display = ["heading", "order", "disclosure"]
    list_filter = ["disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["heading", "disclosure__agency__name"]
    autocomplete_fields = ["disclosure"]
    inlines = [WorkTaskItemInline]


@admin.register(ExpenditureLine)
class ExpenditureLineAdmin(ReconciliationAdminMixin, admin.ModelAdmin):
    form = ExpenditureLineForm
    list_display = ["name", "code", "statement", "amount_yuan", "disclosure"]
    list_filter = ["statement", "disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["name", "code", "disclosure__agency__name"]
    autocomplete_fields = ["disclosure", "parent"]
    fields = ["disclosure", "statement", "code", "name", "parent", "order", "amount_wan"]


@admin.register(ThreePublicExpense)
class ThreePublicExpenseAdmin(ReconciliationAdminMixin, admin.ModelAdmin):
    form = ThreePublicForm
    list_display = ["item", "amount_yuan", "disclosure"]
    list_filter = ["item", "disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["disclosure__agency__name"]
    autocomplete_fields = ["disclosure"]
    fieldsets = (
        ThreePublicInline.fieldsets[:1]
        + [(None, {"fields": ["disclosure"]})]
        + ThreePublicInline.fieldsets[1:]
    )
