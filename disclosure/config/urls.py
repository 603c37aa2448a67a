"""Root URLconf: the public pages, the JSON API, the auditors' reconciliation pages, the admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from disclosure.api import siblings
from disclosure.api.api import urls as api_urls

admin.site.site_header = "决算公开管理"
admin.site.site_title = "决算公开管理"
admin.site.index_title = "数据录入与审核"

# The citizen's pages in Chinese at their unprefixed URLs and in English under /en/ (one set of
# patterns: the language is the prefix, never a translated path). The admin, the API and the
# `.json` siblings are outside: they are not localised and keep their one URL.
urlpatterns = i18n_patterns(
    path("", include("disclosure.public.urls")),
    # The citizen's search box (every page's header) and the comparisons of agencies and years.
    path("search/", include("disclosure.search.urls")),
    path("compare/", include("disclosure.compare.urls")),
    # Auditors: every finding of every disclosure, filtered; staff only.
    path("", include("disclosure.reconciliation.urls")),
    prefix_default_language=False,
)
urlpatterns += [
    # The `.json` siblings of the public pages (the API's resources). Here rather than in
    # public/urls.py: the API sits above the public pages in the layers and public/ may not
    # import it. The year converter is public/urls.py's, registered when it is imported above.
    path("agencies/<slug:slug>.json", siblings.agency_json, name="agency_json"),
    path("agencies/<slug:slug>/<year:year>.json", siblings.disclosure_json, name="disclosure_json"),
    path("years/<year:year>.json", siblings.year_json, name="year_json"),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
]

handler404 = "disclosure.public.views.page_not_found"
handler500 = "disclosure.config.errors.server_error"
