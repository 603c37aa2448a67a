"""The product's URLs and /bench/bare/: a view that does nothing (bench/bench_pages.py).

The product's patterns are spliced in, not include()d: Django refuses i18n_patterns in an
included URLconf (it did, and `make bench-pages` stopped at its first `migrate`).
"""

from django.http import HttpResponse
from django.urls import path

from disclosure.config import urls as product


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product.urlpatterns]
handler404 = product.handler404
handler500 = product.handler500
