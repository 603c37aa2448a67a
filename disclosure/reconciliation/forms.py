"""The auditor page's filters: every value from the query string is validated, never trusted."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from bureaus.models import Agency
from disclosure.models import FiscalYear
from disclosure.models.findings import Severity

from .engine import RULES

# More agencies than this and the agency filter is a box to type the agency's name or code in:
# a list of a nation's 2,000 agencies made the page 8 times heavier and its rendering most of
# its time (the admin's changelists draw the same line, admin/changelists.AGENCY_CHOICES).
AGENCY_CHOICES = 30


class AgencyField(forms.ModelChoiceField):
    """An agency by its code (the slug of its public pages, what a link carries) or its exact
    name, which is what someone typing in the box knows."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":  # a NUL, say: refused as it is
                raise
            named = self.queryset.filter(name=value).first()  # names are unique
            if named is None:
                raise
            return named


class FindingFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "没有这个年度，请从列表中选择。"},
    )
    agency = AgencyField(
        label=gettext_lazy("单位"),
        queryset=Agency.objects.order_by("region", "name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("全部单位"),
        error_messages={"invalid_choice": "没有这个单位，请从列表中选择。"},
    )
    rule = forms.ChoiceField(
        label=gettext_lazy("核对规则"),
        choices=[("", gettext_lazy("全部规则")), *((r.code, r.name) for r in RULES)],
        required=False,
        error_messages={"invalid_choice": "没有这条核对规则，请从列表中选择。"},
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("严重程度"),
        choices=[("", gettext_lazy("全部")), *Severity.choices],
        required=False,
        error_messages={"invalid_choice": "严重程度只能是错误、警告或提示。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        few = list(field.queryset[: AGENCY_CHOICES + 1])
        if len(few) > AGENCY_CHOICES:
            field.widget = forms.TextInput(
                attrs={"placeholder": gettext("单位名称或代码"), "size": 16}
            )
        else:  # the list as read here, not read again to draw it
            field.widget.choices = [
                ("", field.empty_label),
                *((a.slug, field.label_from_instance(a)) for a in few),
            ]
        years = FiscalYear.objects.order_by("-year").values_list("year", flat=True)
        # Labels in the page's language (the English page's filters); errors stay Chinese.
        self.fields["year"].choices = [
            ("", gettext("全部年度")),
            *((y, gettext("%(year)s年度") % {"year": y}) for y in years),
        ]
        self.fields["severity"].choices = [
            (value, gettext(label)) for value, label in self.fields["severity"].choices
        ]
