"""Admin for the standard format: reference data (codes, formats) and a disclosure's tables.

A disclosure's tables are edited as printed grids, one page per table (admin/grid.py); a row's
code, name and explanation, and its cells one by one, on the row's own page, entered in 万元
like every amount here. 情况说明数字, 表说明 and 单位构成 have pages of their own (admin/parts.py)
built from the inlines below.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.urls import path

from disclosure.admin.scoping import AgencyScopedAdminMixin, ScopedHistoryAdmin, is_autocomplete
from disclosure.formats.citations import check_references
from disclosure.importing.resources import CellResource
from disclosure.models import (
    Cell,
    ClassificationCode,
    CodeVersion,
    ColumnSpec,
    ConsolidatedUnit,
    Disclosure,
    ExplanationParagraph,
    ExplanationSection,
    GlossaryTerm,
    NarrativeFigure,
    ReportFormat,
    ReportRow,
    RowSpec,
    TableNote,
    TableSpec,
)

from .changelists import CappedPaginator
from .codes import YearCodesMixin, codes_of_the_year
from .forms import WanAmountForm, WanDisplay
from .importing import FiguresImportExportMixin
from .narrative import paste_view
from .reconciliation import ReconciliationAdminMixin


class CellForm(WanAmountForm):
    class Meta:
        model = Cell
        exclude = ["amount_yuan"]


@admin.register(CodeVersion)
class CodeVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "first_year"]


@admin.register(ClassificationCode)
class ClassificationCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "scheme", "version"]
    list_filter = ["version", "scheme"]
    search_fields = ["code", "name"]
    list_select_related = ["version"]

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if is_autocomplete(request):
            queryset = codes_of_the_year(request, queryset)  # ?disclosure=, see codes.py
        return queryset, distinct


class ColumnInline(admin.TabularInline):
    model = ColumnSpec
    extra = 0


class RowSpecInline(admin.TabularInline):
    model = RowSpec
    extra = 0


@admin.register(ReportFormat)
class ReportFormatAdmin(admin.ModelAdmin):
    list_display = ["name", "key"]


@admin.register(TableSpec)
class TableSpecAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "report_format", "row_source", "two_sided"]
    list_filter = ["report_format"]
    inlines = [ColumnInline, RowSpecInline]


class CellInline(WanDisplay, AgencyScopedAdminMixin, admin.TabularInline):
    model = Cell
    form = CellForm
    extra = 0
    fields = ["column", "amount_wan"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "column":
            row_id = request.resolver_match.kwargs.get("object_id")
            table = ReportRow.objects.filter(pk=row_id).values("table_id") if row_id else None
            kwargs["queryset"] = (
                ColumnSpec.objects.filter(table_id__in=table)
                if table
                else ColumnSpec.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReportRow)
class ReportRowAdmin(YearCodesMixin, ReconciliationAdminMixin, ScopedHistoryAdmin):
    list_display = ["__str__", "table", "side", "disclosure"]
    paginator = CappedPaginator  # a million rows at national scale
    ordering = ["disclosure_id", "table_id", "order"]  # the report_row_place_once index
    list_filter = ["table__number", "disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["table", "disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["code", "name", "disclosure__agency__name"]
    autocomplete_fields = ["disclosure", "classification", "parent"]
    fields = [
        "disclosure",
        "table",
        "order",
        ("side", "panel", "ordinal"),
        ("code", "classification"),
        "name",
        ("role", "parent"),
        "explanation",
    ]
    inlines = [CellInline]


@admin.register(Cell)
class CellAdmin(FiguresImportExportMixin, WanDisplay, ScopedHistoryAdmin):
    """Standard-format figures: listed, imported and exported here; edited on their row."""

    resource_classes = [CellResource]
    list_display = ["row", "column", "amount_yuan"]
    paginator = CappedPaginator  # 1.9 million cells at national scale
    ordering = ["row_id", "column_id"]  # the cell_once index
    list_filter = ["row__table__number", "row__disclosure__fiscal_year", "row__disclosure__agency"]
    list_select_related = ["row__table", "row__disclosure__agency", "column__table"]
    search_fields = ["row__code", "row__name", "row__disclosure__agency__name"]
    form = CellForm
    fields = ["row", "column", "amount_wan"]
    autocomplete_fields = ["row"]


class UnitInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = ConsolidatedUnit
    extra = 1


class GlossaryInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = GlossaryTerm
    extra = 0
    classes = ["collapse"]


class TableNoteInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = TableNote
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "table":
            # Only the tables of the disclosure's year (the page's URL names the disclosure).
            disclosure_id = request.resolver_match.kwargs.get("object_id")
            formats = Disclosure.objects.filter(pk=disclosure_id).values(
                "fiscal_year__report_format"
            )
            formfield.queryset = formfield.queryset.filter(report_format__in=formats)
        return formfield


class NarrativeFigureInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = NarrativeFigure
    extra = 1
    fields = ["section", "key", "label", "value", "unit", "order"]


class ExplanationSectionInline(AgencyScopedAdminMixin, admin.TabularInline):
    model = ExplanationSection
    extra = 0
    fields = ["order", "number", "title", "parent"]
    show_change_link = True  # paragraphs are edited on the section's page
    classes = ["collapse"]


# On the disclosure's page. The tables, 情况说明数字, 表说明 and 单位构成 are linked from it
# instead: as inlines they made a disclosure of a few hundred rows post thousands of fields.
STANDARD_INLINES = [ExplanationSectionInline, GlossaryInline]


class ParagraphForm(forms.ModelForm):
    class Meta:
        model = ExplanationParagraph
        fields = ["order", "text"]

    def clean(self):
        cleaned = super().clean()
        if "text" in cleaned and self.instance.section_id:
            self.instance.text = cleaned["text"]
            check_references(self.instance)
        return cleaned


class ParagraphInline(AgencyScopedAdminMixin, admin.StackedInline):
    model = ExplanationParagraph
    form = ParagraphForm
    extra = 0


@admin.register(ExplanationSection)
class ExplanationSectionAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "disclosure"]
    list_filter = ["disclosure__fiscal_year", "disclosure__agency"]
    list_select_related = ["disclosure__agency", "disclosure__fiscal_year"]
    search_fields = ["title", "disclosure__agency__name"]
    autocomplete_fields = ["disclosure"]
    inlines = [ParagraphInline]

    def get_urls(self):
        # A disclosure's “粘贴情况说明” page (admin/narrative.py), linked from its change page.
        paste = path(
            "paste/<int:disclosure_id>/",
            self.admin_site.admin_view(partial(paste_view, self)),
            name="disclosure_explanationsection_paste",
        )
        return [paste, *super().get_urls()]
