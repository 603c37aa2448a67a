"""Error pages in Chinese for what Django answers in English by default: a refused CSRF check
and a request method a view does not accept (405). 400, 403, 404 and 500 use templates/NNN.html
through Django's own handlers; 500 through server_error, which answers 503 while the database
is unreachable."""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader


def csrf_failure(request, reason=""):
    # The reason is for developers (English, and it can name cookies); the page says what to do.
    return render(request, "403_csrf.html", status=403)


class MethodNotAllowedPage:
    """Renders templates/405.html for a bare 405 (HttpResponseNotAllowed has no body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(
            request,
            "405.html",
            {"method": request.method, "allowed": response.get("Allow", "")},
            status=405,
        )
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


# The database unreachable (a restart, a failover, a full connection table) is not a bug in the
# request: the citizen is told to come back in a moment (503 + Retry-After), and load balancers
# and crawlers see a temporary condition. Anything else stays an ordinary 500.
OUTAGE_RETRY_SECONDS = 30


def server_error(request):
    """handler500: 503 while the database is unreachable, templates/500.html otherwise.

    Called by Django inside its exception handler, so sys.exc_info() is the request's error.
    Rendered without a request context: the auth context processor would query the very
    database that is down.
    """
    error = sys.exc_info()[1]
    if not _is_outage(error):
        return HttpResponseServerError(loader.get_template("500.html").render())
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "数据库暂时不可用，请稍后再试。"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        body = loader.get_template("503.html").render({"retry": OUTAGE_RETRY_SECONDS})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _is_outage(error: BaseException | None) -> bool:
    # OperationalError covers "connection refused", "server closed the connection" and "the
    # database system is starting up"; InterfaceError a connection already closed under us.
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False
