"""bench/pages_urls.py's URLs (the product's and the bare view) plus /bench/trickle/, for
bench/bench_load.py only.

/bench/trickle/ streams one line every 0.1 s for 2 s: a server that streams hands each line on
as it comes (the first body byte after ~0 s, the last after ~2 s); one that buffers sends them
all at 2 s. The demo data's /all.csv is too small to tell the two apart.
"""

import time

from django.http import StreamingHttpResponse
from django.urls import path

from bench.load import TRICKLE_LINES, TRICKLE_PAUSE
from bench.pages_urls import handler404, handler500  # noqa: F401
from bench.pages_urls import urlpatterns as page_urls


def trickle(request):
    def lines():
        for n in range(TRICKLE_LINES):
            yield f"{n}\n"
            time.sleep(TRICKLE_PAUSE)

    return StreamingHttpResponse(lines(), content_type="text/plain")


urlpatterns = [path("bench/trickle/", trickle), *page_urls]
