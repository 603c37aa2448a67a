"""bench/pages_site.py's settings with bench/load_urls.py, for bench/bench_load.py only."""

from bench.pages_site import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
