"""Root URLconf. Public URLs are stable: the CSV URLs are part of the export interface."""

from django.contrib import admin
from django.urls import include, path, register_converter

from . import reconciliation_views, views


class YearConverter:
    """Four digits only, so /agencies/x/99999999999999999999/ is a 404, not a database error."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


register_converter(YearConverter, "year")

admin.site.site_header = "决算公开管理"
admin.site.site_title = "决算公开管理"
admin.site.index_title = "数据录入与审核"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("bureaus.urls")),
    path("agencies/<slug:slug>/<year:year>/", views.disclosure_detail, name="disclosure_detail"),
    path("agencies/<slug:slug>/<year:year>.csv", views.disclosure_csv, name="disclosure_csv"),
    path("years/<year:year>/", views.year_detail, name="year_detail"),
    path("years/<year:year>.csv", views.year_csv, name="year_csv"),
    path("all.csv", views.all_csv, name="all_csv"),
    # Auditors: every finding of every disclosure, filtered; staff only.
    path("reconciliation/", reconciliation_views.reconciliation, name="reconciliation"),
    path("reconciliation.csv", reconciliation_views.reconciliation_csv, name="reconciliation_csv"),
    path("admin/", admin.site.urls),
]

handler404 = "disclosure.views.page_not_found"
