"""granian, the production server: `python -m disclosure.config.granian` (README "Deploy").

Chosen over gunicorn (disclosure/config/gunicorn.py, kept for the benchmarks that compare and for
whoever prefers it) by `make bench-load`: see gunicorn.py's docstring for the figures. WSGI, not
ASGI: the app is synchronous Django, and granian runs each request on one of a worker's blocking
threads, as gunicorn's gthread does; a streamed CSV holds one thread while the others go on.
Every value can be set from the environment, with granian's own names (its CLI reads the same).
"""

import multiprocessing
import os

from granian import Granian
from granian.constants import Interfaces


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def server() -> Granian:
    return Granian(
        "disclosure.config.wsgi:application",
        interface=Interfaces.WSGI,
        address=os.environ.get("GRANIAN_HOST", "127.0.0.1"),
        port=_int("GRANIAN_PORT", 8000),
        workers=_int("GRANIAN_WORKERS", multiprocessing.cpu_count() * 2 + 1),
        # The requests one process serves at once (gunicorn's `threads`).
        blocking_threads=_int("GRANIAN_BLOCKING_THREADS", 4),
        # Django keeps one database connection per thread (CONN_MAX_AGE): threads that stay
        # keep theirs, instead of connecting again after each idle half minute (the default).
        blocking_threads_idle_timeout=600,
        websockets=False,
        # A worker that dies is replaced; each is replaced anyway after a while, so a slow leak
        # in any library cannot grow without bound (gunicorn's max_requests).
        respawn_failed_workers=True,
        workers_lifetime=_int("GRANIAN_WORKERS_LIFETIME", 6 * 3600),
        # Behind the proxy of the README's "Deploy": Django reads X-Forwarded-Proto itself
        # (TRUST_X_FORWARDED_PROTO), the proxy logs the clients' addresses.
        log_access=os.environ.get("GRANIAN_ACCESS_LOG", "1") == "1",
    )


if __name__ == "__main__":
    server().serve()
