from django.contrib import admin

from bureaus.models import Agency
from disclosure.admin.scoping import ScopedHistoryAdmin


@admin.register(Agency)
class AgencyAdmin(ScopedHistoryAdmin):
    list_display = ["name", "unit_kind", "level", "region", "parent"]
    list_filter = ["unit_kind", "region"]
    list_select_related = ["parent"]
    search_fields = ["name", "former_names", "region"]
    autocomplete_fields = ["parent", "clerks"]
