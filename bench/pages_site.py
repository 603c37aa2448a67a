"""The product's settings and URLs plus one bare view, for bench/bench_pages.py only.

The bare view goes through the same middleware, server and worker as the pages: what a page
costs beyond it is the page's own work. Used as both settings module and URLconf.
"""

from disclosure.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
