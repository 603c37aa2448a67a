"""gunicorn's configuration: `gunicorn -c python:disclosure.config.gunicorn disclosure.config.wsgi`.

Not the documented production server any more: granian is (disclosure/config/granian.py, README
"Deploy"). Measured by `make bench-load` (three runs, 2 processes x 4 threads each, wrk with 64
connections, PostgreSQL and Redis, on a shared 2-core machine; granian's figure / gunicorn's):
- a bare Django view: medians 1,929, 2,951 and 1,978 against 549, 668 and 696 req/s, 2.8-4.4x:
  per request, gunicorn's Python HTTP handling costs more than a cached page's own work;
- cached pages (home, the 2014 seed page, the 2024 standard page, its CSV, the API, /all.csv):
  0.8-4.8x the req/s (median 2.1x, faster in 16 of 18), p99 latency 0.1-1.6x (median 0.37x;
  gunicorn's p99 up to 4.7 s, granian's 2.1 s);
- uncached pages: no difference beyond the noise (0.6-2.9x either way): rendering is the cost;
- 0 errors from either (no non-2xx answer, no socket error) in every measurement;
- streaming: both send /all.csv chunked as it is made (first byte 176-275 ms against 514-765
  ms) and a view yielding a line every 0.1 s arrives line by line under both (first byte 1-4
  ms); both stop the generator and close it when the client hangs up.
So granian wins where a server can make a difference (its own overhead and the tail under many
connections, which is what cached pages cost) and loses nothing on streaming. This file stays
for the benchmarks that compare (`make bench-load`, `make bench-pages`), the outage test, and
whoever prefers gunicorn.

gthread workers: a CSV or a data package is streamed for seconds while other requests go on, and
pages wait mostly on the database, so a few processes with several threads each serve more than
sync workers would with the same memory. Every value can be set from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A streamed /all.csv of a national corpus takes a while; a stuck request is still cut off.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Behind the proxy of the README's "Deploy": it sets X-Forwarded-For/-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
