"""Root URLconf: the public pages, the auditors' reconciliation pages and the admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "决算公开管理"
admin.site.site_title = "决算公开管理"
admin.site.index_title = "数据录入与审核"

urlpatterns = [
    path("", include("disclosure.public.urls")),
    # Auditors: every finding of every disclosure, filtered; staff only.
    path("", include("disclosure.reconciliation.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "disclosure.public.views.page_not_found"
