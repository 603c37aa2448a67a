"""Fiscal years: a reviewer opens the next one, its format and code version defaulting from the
previous year (workflow.services.fiscal_year_open: permission, Chinese errors, history)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max

from disclosure.models import FiscalYear
from disclosure.workflow import services

CHOICES = ["disclosure_format", "code_version", "report_format"]


class FiscalYearForm(forms.ModelForm):
    class Meta:
        model = FiscalYear
        fields = ["year", *CHOICES]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                services.fiscal_year_check(
                    year=cleaned.get("year"),
                    by=self.user,
                    **{name: cleaned.get(name) for name in CHOICES},
                )
            except (ValidationError, PermissionDenied) as exc:
                raise ValidationError(getattr(exc, "messages", [str(exc)])) from exc
        return cleaned

    def validate_unique(self):
        # The service says it in its own words (“2025年度已存在，不能重复开设。”).
        if self.instance.pk is not None:
            super().validate_unique()


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    form = FiscalYearForm
    list_display = ["year", "disclosure_format", "code_version", "report_format"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_changeform_initial_data(self, request):
        """The next year, laid out as the last one."""
        initial = super().get_changeform_initial_data(request)
        latest = FiscalYear.objects.aggregate(latest=Max("year"))["latest"]
        year = int(initial.get("year") or (latest + 1 if latest else 2014))
        defaults = services.fiscal_year_defaults(year)
        return {"year": year} | {k: getattr(v, "pk", v) for k, v in defaults.items()} | initial

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        opened = services.fiscal_year_open(
            year=obj.year, by=request.user, **{name: getattr(obj, name) for name in CHOICES}
        )
        obj.pk = opened.pk
        obj._state.adding = False
