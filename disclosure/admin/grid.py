"""Admin: each public table of a standard-format disclosure edited as the printed grid.

The disclosure's page links to one page per table (rows × columns, codes and names as printed,
万元); static/js/grid.js adds keyboard moves and pasting a block copied from Excel. The page
posts ONE field, the changed cells as JSON, so a table of 300 rows × 12 columns stays far
below Django's limit on form fields; grid.services.table_cells_save writes them with the
import's rules. Findings are shown beside the cells they name.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse

from disclosure.formats.base import format_for
from disclosure.grid.selectors import Grid, table_counts, table_grid
from disclosure.grid.services import CellChange, table_cells_save
from disclosure.models import ConsolidatedUnit, NarrativeFigure, TableNote, TableSpec

from .reconciliation import findings_messages

UNREADABLE = "提交的修改无法读取，未写入任何数字。请刷新页面后重新编辑。"
UNSAVED_SHOWN = 20  # of a refused stale save's changes, listed so that the clerk can redo them


class GridAdminMixin:
    """For DisclosureAdmin: the table grids' URLs and the panel of links on the change page."""

    def get_urls(self):
        grid = path(
            "<path:object_id>/tables/<str:number>/",
            self.admin_site.admin_view(self.grid_view),
            name="disclosure_disclosure_grid",
        )
        return [grid, *super().get_urls()]

    # --- the links on the disclosure's page --------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not format_for(obj).has_tables:
            return fieldsets
        description = "公开表按印制的样式逐表编辑；情况说明数字、表说明和单位构成各有自己的页面。"
        return [*fieldsets, ("公开表", {"fields": ["tables_panel"], "description": description})]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and format_for(obj).has_tables:
            fields.append("tables_panel")
        return fields

    @admin.display(description="逐表编辑")
    def tables_panel(self, obj):
        return render_to_string(
            "admin/disclosure/disclosure/_tables_panel.html",
            {
                "disclosure": obj,
                "tables": table_counts(disclosure=obj),
                "parts": [
                    ("figures", NarrativeFigure._meta.verbose_name, obj.figures.count()),
                    ("notes", TableNote._meta.verbose_name, obj.table_notes.count()),
                    ("units", ConsolidatedUnit._meta.verbose_name_plural, obj.units.count()),
                ],
            },
        )

    # --- the grid ----------------------------------------------------------------------------

    def standard_disclosure(self, request, object_id):
        """The disclosure, scoped as its change page is (another agency's: not found)."""
        disclosure = self.get_object(request, unquote(object_id))
        if disclosure is None:
            raise Http404("没有找到该决算公开。")
        if not self.has_view_or_change_permission(request, disclosure):
            raise PermissionDenied
        if not format_for(disclosure).has_tables:
            raise Http404("该年度的格式没有公开表。")
        return disclosure

    def grid_view(self, request, object_id, number):
        disclosure = self.standard_disclosure(request, object_id)
        tables = list(
            TableSpec.objects.filter(report_format_id=disclosure.table_set_id).order_by("number")
        )
        table = next((t for t in tables if t.number == number), None)
        if table is None:
            raise Http404(f"该年度没有公开{number}表。")
        editable = self.has_change_permission(request, disclosure) and request.user.has_perm(
            "disclosure.change_cell"
        )
        pending, errors, stale = {}, [], []
        if request.method == "POST":
            if not editable:
                raise PermissionDenied("只能编辑本单位草稿或已退回的决算公开。")
            changes, errors = posted_changes(request.POST.get("changes", ""))
            if not errors:
                try:
                    saved = table_cells_save(
                        disclosure=disclosure,
                        table=table,
                        changes=changes,
                        version=_number(request.POST.get("version")),
                        by=request.user,
                    )
                except ValidationError as exc:
                    errors = exc.messages
                    if getattr(exc, "code", None) == "stale":
                        stale = changes  # never kept in the grid: it would hide the other save
                    else:
                        pending = {(c.row, c.column): c.value for c in changes}
                else:
                    self._say_saved(request, saved)
                    return redirect(request.path)
        grid = table_grid(disclosure=disclosure, table=table)
        if stale:
            errors.append(_unsaved(grid, stale))
        _show(grid, pending, errors)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": disclosure,
            "title": f"公开{table.number}表 {table.title}",
            "grid": grid,
            "tables": tables,
            "editable": editable,
            "errors": errors,
            "add_row_url": reverse("admin:disclosure_reportrow_add")
            + f"?disclosure={disclosure.pk}&table={table.pk}",
        }
        return TemplateResponse(request, "admin/disclosure/disclosure/grid.html", context)

    def _say_saved(self, request, saved) -> None:
        if not saved.written:
            messages.info(request, "没有修改任何数字。")
            return
        counts = f"新增 {saved.created} 个、修改 {saved.updated} 个、清空 {saved.deleted} 个数字"
        messages.success(request, f"已保存：{counts}。")
        for level, text in findings_messages(saved.findings):
            messages.add_message(request, level, text)


def posted_changes(text: str) -> tuple[list[CellChange], list[str]]:
    """The one field the grid posts: [{"row": id, "column": id, "value": "12.30"}, …]."""
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return [], [UNREADABLE]
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        return [], [UNREADABLE]
    return [
        CellChange(_text(d.get("row")), _text(d.get("column")), _text(d.get("value"))) for d in data
    ], []


def _text(value) -> str:
    return "" if value is None else str(value)


def _number(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _show(grid: Grid, pending: dict, errors: list[str]) -> None:
    """What each input shows: the clerk's refused figures kept, the cells in error marked."""
    wrong = {e.split("：", 1)[0] for e in errors}
    for block in grid.blocks:
        for grid_row in block.rows:
            for cell in grid_row.cells:
                key = (str(grid_row.row.pk), str(cell.column.pk))
                cell.value = pending.get(key, cell.text)
                cell.changed = key in pending and pending[key].strip() != cell.text
                cell.wrong = cell.place in wrong


def _unsaved(grid: Grid, changes: list[CellChange]) -> str:
    places = {(str(r), str(c)): place for (r, c), place in grid.places().items()}
    listed = [
        f"{places.get((c.row, c.column), '未知单元格')} → {c.value.strip() or '空白'}"
        for c in changes[:UNSAVED_SHOWN]
    ]
    more = f"……共 {len(changes)} 处" if len(changes) > UNSAVED_SHOWN else ""
    return "未保存的修改（请在刷新后的表格中重新填写）：" + "；".join(listed) + more
