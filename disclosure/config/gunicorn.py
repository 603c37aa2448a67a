"""gunicorn's configuration: `gunicorn -c python:disclosure.config.gunicorn disclosure.config.wsgi`.

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
