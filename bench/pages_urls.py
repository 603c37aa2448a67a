"""The product's URLs and /bench/bare/: a view that does nothing (bench/bench_pages.py)."""

from django.http import HttpResponse
from django.urls import path

from disclosure.config import urls


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


# The product's patterns spliced in, not include()d: they use i18n_patterns (/en/…), which
# Django allows only in the root URLconf.
urlpatterns = [path("bench/bare/", bare), *urls.urlpatterns]
