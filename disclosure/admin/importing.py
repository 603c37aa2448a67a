"""Admin import and export of a disclosure's figures, through django-import-export.

The clerk chooses the agency and year in the import form (never taken from the file), sees a
dry-run preview with each bad row's row, column and Chinese message, and confirms; the confirm
step runs the import again from the stored file, so a database that changed in between is met
again, and any error then rolls everything back and says so. The stored file is the clerk's
own upload, named by a random token (importing/uploads.py), never a path; the confirmation is
refused if the disclosure changed since the preview (its version). The long-layout template is
downloadable from the import page.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from bureaus.models import Agency
from disclosure.importing import ImportFileError
from disclosure.importing.kinds import detected_kind
from disclosure.importing.resources import FORMATS
from disclosure.importing.scope import importable_agencies
from disclosure.importing.service import open_revision_version
from disclosure.importing.template import template_csv, template_xlsx
from disclosure.importing.uploads import (
    TOKEN,
    import_upload_discard,
    import_upload_store,
    import_upload_take,
)
from disclosure.models import FiscalYear


class _TargetFields:
    """The agency and year to import into, limited to the agencies the user may import for."""

    def _init_target(self, user, hidden: bool):
        widget = forms.HiddenInput if hidden else None
        self.fields["agency"] = forms.ModelChoiceField(
            label="单位",
            queryset=importable_agencies(user) if user else Agency.objects.none(),
            widget=widget,
            help_text="文件中的数字导入到该单位该年度的决算；文件里写的单位和年度必须与此一致。",
        )
        self.fields["fiscal_year"] = forms.ModelChoiceField(
            label="年度", queryset=FiscalYear.objects.all(), widget=widget
        )


class FiguresImportForm(_TargetFields, ImportForm):
    def __init__(self, formats, resources, user=None, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self._user = user
        limit = settings.IMPORT_MAX_UPLOAD_BYTES // 2**20
        self.fields["import_file"].help_text = f"CSV 或 .xlsx，最大 {limit} MB。"
        self.fields["import_file"].error_messages["empty"] = "文件是空的。"
        self._init_target(user, hidden=False)
        self.order_fields(["agency", "fiscal_year", "resource", "import_file", "format"])

    def clean_import_file(self):
        # Refused before django-import-export stores the upload or reads a row of it. A proxy in
        # front (README, "Deploy") should refuse such a body before it reaches a worker at all.
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                f"文件过大（{upload.size / 2**20:.1f} MB），网页导入的上限是 {limit // 2**20} MB："
                "请按单位或年度拆分后导入，或由管理员用命令行 import_disclosures 批量导入。"
            )
        if upload is not None:
            upload.uploaded_by = self._user  # whose stored upload it becomes (write_to_tmp_storage)
        return upload


class FiguresConfirmForm(_TargetFields, ConfirmImportForm):
    """Every hidden field checked, so a forged or damaged one is a Chinese error, never a 500."""

    disclosure_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, resources=1, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_target(user, hidden=True)
        self._resources = resources

    def clean_import_file_name(self):
        token = self.cleaned_data["import_file_name"]
        if not TOKEN.fullmatch(token):
            raise forms.ValidationError("文件标识格式不对：请重新上传文件并预览。")
        return token

    def clean_format(self):
        return _index(self.cleaned_data["format"], len(FORMATS), "文件格式")

    def clean_resource(self):
        return _index(self.cleaned_data.get("resource") or "0", self._resources, "导入内容")


def _index(value: str, count: int, what: str) -> str:
    if not (value.isascii() and value.isdigit() and int(value) < count):
        raise forms.ValidationError(f"{what}无效：请重新上传文件并预览。")
    return value


class _StoredUpload:
    """What django-import-export expects of its temporary storage: a name and the bytes."""

    def __init__(self, token: str, data: bytes):
        self.name, self._data = token, data

    def read(self) -> bytes:
        return self._data


class FiguresImportExportMixin(ImportExportMixin):
    import_form_class = FiguresImportForm
    confirm_form_class = FiguresConfirmForm
    # The layout is a public interface: no choosing of columns.
    export_form_class = ExportForm
    import_formats = FORMATS
    export_formats = FORMATS
    import_template_name = "admin/disclosure/figures_import.html"

    def has_import_permission(self, request):
        # An import adds, changes and deletes figures; it needs all three permissions.
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change", "delete")
        ) and super().has_import_permission(request)

    def get_import_form_kwargs(self, request):
        return super().get_import_form_kwargs(request) | {"user": request.user}

    def get_confirm_form_kwargs(self, request, import_form=None):
        resources = len(self.get_import_resource_classes(request))
        kwargs = super().get_confirm_form_kwargs(request, import_form)
        return kwargs | {"user": request.user, "resources": resources}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            agency, year = (import_form.cleaned_data[k] for k in ("agency", "fiscal_year"))
            initial["agency"], initial["fiscal_year"] = agency.pk, year.pk
            # The revision the file goes into: the year's 预算 or 决算, as its tables say.
            kind = detected_kind(import_form.cleaned_data["import_file"])
            initial["disclosure_version"] = open_revision_version(agency, year, kind)
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.pop("form", None)
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        if form is not None and form.is_bound and form.is_valid():
            kwargs["agency"] = form.cleaned_data["agency"]
            kwargs["fiscal_year"] = form.cleaned_data["fiscal_year"]
            if isinstance(form, FiguresConfirmForm):
                kwargs["expected_version"] = form.cleaned_data["disclosure_version"]
        return kwargs

    # --- the stored upload: the uploader's own, by token (importing/uploads.py) -------------

    def write_to_tmp_storage(self, import_file, input_format):
        input_format.file_name = import_file.name  # named in a refusal (importing/caps.py)
        upload = import_upload_store(
            by=import_file.uploaded_by, name=import_file.name, chunks=import_file.chunks()
        )
        return _StoredUpload(upload.token, bytes(upload.data))

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        # The form drops a field it found errors in: the upload itself carries its token.
        token = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if token and not context.get("confirm_form"):
            import_upload_discard(by=request.user, token=token)  # nothing to confirm
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation, from the uploader's own stored upload, consumed by it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return self._not_imported(request, _form_errors(form))
        try:
            data = import_upload_take(by=request.user, token=form.cleaned_data["import_file_name"])
            input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
            input_format.file_name = form.cleaned_data.get("original_file_name") or ""
            dataset = input_format.create_dataset(data)
        except ImportFileError as exc:
            return self._not_imported(request, str(exc))
        result = self.process_dataset(dataset, form, request, **kwargs)
        return self.process_result(result, request)

    def _not_imported(self, request, text: str):
        messages.error(request, f"导入未执行，未写入任何数据：{text}")
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        )

    def get_import_data_kwargs(self, **kwargs):
        # Nothing to add: the import service never keeps valid rows around a bad one.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", "无法读取该文件：请选择 CSV 或 .xlsx 文件。")

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Only reachable at confirm: the database changed after the preview.
            messages.error(request, "导入失败，未写入任何数据：" + "；".join(_messages(result)))
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        report = result.report
        self._log(request, report)
        messages.success(request, f"已导入 {report.disclosure}：{report.summary()}。")
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )

    def generate_log_entries(self, result, request):
        pass  # one entry per import, on the disclosure (see _log)

    def _log(self, request, report) -> None:
        LogEntry.objects.log_actions(
            request.user.pk,
            [report.disclosure],
            CHANGE,
            change_message=f"导入数字：{report.summary()}",
            single_object=True,
        )

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        urls = [
            path(
                "import-template.<str:fmt>",
                self.admin_site.admin_view(self.template_view),
                name=f"{info[0]}_{info[1]}_import_template",
            )
        ]
        return urls + super().get_urls()

    def template_view(self, request, fmt: str):
        if fmt == "csv":
            body, content_type = template_csv(), "text/csv; charset=utf-8"
        elif fmt == "xlsx":
            body = template_xlsx()
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            return HttpResponse(status=404)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="juesuan-import-template.{fmt}"'
        return response


def _form_errors(form) -> str:
    return "；".join(m for errors in form.errors.values() for m in errors)


def _messages(result) -> list[str]:
    found = [str(e.error) for e in result.base_errors]
    for row in result.invalid_rows:
        for column, texts in row.error_dict.items():
            found += [f"{row.number}“{column}”列：{t}" for t in texts]
    return found[:10]
