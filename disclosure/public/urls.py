"""The citizen's pages. URLs are stable; the CSV URLs are part of the export interface."""

from django.urls import path, register_converter

from disclosure.exports import views as export_views

from . import budget, downloads, views


class YearConverter:
    """Four digits only, so /agencies/x/99999999999999999999/ is a 404, not a database error."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


register_converter(YearConverter, "year")

urlpatterns = [
    path("", views.home, name="home"),
    path("index.csv", downloads.home_csv, name="home_csv"),
    path("index.xlsx", downloads.home_xlsx, name="home_xlsx"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
    path("agencies/<slug:slug>.csv", downloads.agency_csv, name="agency_csv"),
    path("agencies/<slug:slug>.xlsx", downloads.agency_xlsx, name="agency_xlsx"),
    path("agencies/<slug:slug>/<year:year>/", views.disclosure_detail, name="disclosure_detail"),
    path(
        "agencies/<slug:slug>/<year:year>.csv", export_views.disclosure_csv, name="disclosure_csv"
    ),
    path(
        "agencies/<slug:slug>/<year:year>.xlsx", downloads.disclosure_xlsx, name="disclosure_xlsx"
    ),
    # The same year's 部门预算 (a document of its own: page and CSV).
    path("agencies/<slug:slug>/<year:year>/budget/", budget.budget_detail, name="budget_detail"),
    path("agencies/<slug:slug>/<year:year>/budget.csv", budget.budget_csv, name="budget_csv"),
    path("years/<year:year>/", views.year_detail, name="year_detail"),
    path("years/<year:year>.csv", export_views.year_csv, name="year_csv"),
    path("years/<year:year>.xlsx", downloads.year_xlsx, name="year_xlsx"),
    path("years/<year:year>/agencies.csv", downloads.year_list_csv, name="year_list_csv"),
    path("all.csv", export_views.all_csv, name="all_csv"),
    path("all.xlsx", downloads.all_xlsx, name="all_xlsx"),
    path("downloads/", export_views.downloads, name="downloads"),
    path("downloads/<str:name>.zip", export_views.download_package, name="download_package"),
]
