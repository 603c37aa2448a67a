from django.contrib import admin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_kind", "level", "region", "parent"]
    list_filter = ["unit_kind", "region"]
    list_select_related = ["parent"]
    search_fields = ["name", "region"]
    autocomplete_fields = ["parent"]
