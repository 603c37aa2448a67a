"""The product's URLs and /bench/bare/: a view that does nothing (bench/bench_pages.py)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("disclosure.config.urls"))]
