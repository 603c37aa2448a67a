"""ETag and Last-Modified on every API response, and 304 Not Modified for revalidation.

Published revisions never change, so what a response shows changes only when a disclosure is
published or superseded, its findings are refreshed or an agency is edited: Last-Modified is
the newest of those moments, the ETag a hash of the body (Django's ConditionalGet).
"""

from django.db.models import Max
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date

from bureaus.models import Agency
from disclosure.models import Disclosure
from disclosure.models.states import FROZEN_STATUSES

# Sets an ETag from the body where the view set none, and answers If-None-Match /
# If-Modified-Since with 304 (GET and HEAD only): the site-wide middleware, for the API only.
conditional = decorator_from_middleware(ConditionalGetMiddleware)


def last_change():
    """Two queries: the newest update or reconciliation of a frozen (published or superseded)
    disclosure, and the newest audited change of an agency. None when there is neither."""
    row = Disclosure.objects.filter(status__in=FROZEN_STATUSES).aggregate(
        updated=Max("updated_at"), checked=Max("reconciliation__checked_at")
    )
    agencies = Agency.history.aggregate(changed=Max("history_date"))
    moments = [m for m in (*row.values(), agencies["changed"]) if m is not None]
    return max(moments) if moments else None


def with_last_modified(view):
    """Sets Last-Modified on a successful response (the ETag is set after it, by `conditional`)."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.has_header("Last-Modified"):
            changed = last_change()
            if changed is not None:
                response["Last-Modified"] = http_date(changed.timestamp())
        return response

    return wrapped
