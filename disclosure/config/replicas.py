"""Read replicas: anonymous reads of the public site go to a replica, everything else to the
primary.

Configured by DATABASE_REPLICA_URLS (comma-separated database URLs, README "Deploy"). What may go
to a replica is decided per request, not per model: the same Disclosure row is read by a
citizen's page (published data, which never changes, so a replica's lag only delays a new
publication by its lag) and by a clerk's form (which must see its own writes at once). So the
middleware marks the anonymous GET/HEAD requests outside the admin, and the router sends their
reads to a replica. Writes, migrations and every request of a logged-in user use the primary.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)
STAFF_ONLY = ("/admin/", "/reconciliation/")


def replica_aliases() -> list[str]:
    return [alias for alias in connections.settings if alias.startswith("replica")]


class PublicReadsOnReplicas:
    """Middleware: anonymous GET/HEAD requests of public pages, the API and downloads read from a
    replica. "Anonymous" is read off the session cookie, without a query: a request that carries
    one (a clerk previewing a draft at its public URL) reads the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(STAFF_ONLY)
        )
        # Set for every request and never reset: a streamed CSV reads its rows after this
        # returns, in the same thread, and the next request on the thread sets it again.
        _public_read.set(public)
        return self.get_response(request)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if replicas and _public_read.get():
            return random.choice(replicas)
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Every replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
