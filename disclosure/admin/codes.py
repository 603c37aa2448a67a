"""The classification autocomplete of a disclosure's rows offers the codes of its year.

The change page's own URL names the disclosure being edited (or one of its rows); the widget
carries that disclosure's id in the autocomplete's URL (`?disclosure=<id>`, next to the
app_label, model_name and field_name of the source field that the admin's JavaScript sends),
and ClassificationCodeAdmin offers only that year's code version's codes. Nothing is read from
the Referer header. The model's clean() enforces the same rule on save.
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.http import urlencode

from disclosure.access import disclosure_code_version
from disclosure.models import Disclosure

DISCLOSURE_PARAM = "disclosure"


class CodesAutocomplete(AutocompleteSelect):
    def __init__(self, *args, disclosure_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.disclosure_id = disclosure_id

    def get_url(self):
        url = super().get_url()
        if self.disclosure_id is None:  # a new disclosure or row: no year yet, every code
            return url
        return f"{url}?{urlencode({DISCLOSURE_PARAM: self.disclosure_id})}"


class YearCodesMixin:
    """For the admins and inlines of rows with a `classification` autocomplete field."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classification" and "widget" not in kwargs:
            if db_field.name in self.get_autocomplete_fields(request):
                kwargs["widget"] = CodesAutocomplete(
                    db_field,
                    self.admin_site,
                    using=kwargs.get("using"),
                    disclosure_id=self._page_disclosure_id(request),
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _page_disclosure_id(self, request) -> int | None:
        """The disclosure of the change page: its own, or (a row's page) its row's."""
        match = getattr(request, "resolver_match", None)
        object_id = str(match.kwargs.get("object_id", "")) if match else ""
        if not object_id:
            # A new row from a table's grid (增加一行): the add page's initial disclosure.
            initial = request.GET.get(DISCLOSURE_PARAM, "")
            return int(initial) if initial.isascii() and initial.isdigit() else None
        if not object_id.isdigit():
            return None
        page_model = getattr(self, "parent_model", self.model)  # an inline's page is its parent's
        if page_model is Disclosure:
            return int(object_id)
        return (
            page_model._default_manager.filter(pk=object_id)
            .values_list("disclosure_id", flat=True)
            .first()
        )


def codes_of_the_year(request, queryset):
    """The autocomplete's codes, narrowed to the year of the disclosure the widget names; a
    disclosure the user may not see, or no disclosure, offers none."""
    if DISCLOSURE_PARAM not in request.GET:
        return queryset
    version = disclosure_code_version(request.user, request.GET[DISCLOSURE_PARAM])
    return queryset.filter(version_id=version) if version is not None else queryset.none()
