"""The product's URLs and /bench/bare/: a view that does nothing (bench/bench_pages.py)."""

from django.http import HttpResponse
from django.urls import path

from disclosure.config import urls as product


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


# The product's patterns themselves, not include()d: its i18n_patterns may only sit in a root
# URLconf (include() refuses them).
urlpatterns = [path("bench/bare/", bare), *product.urlpatterns]
handler404 = product.handler404
handler500 = product.handler500
