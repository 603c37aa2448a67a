"""Error pages in Chinese for what Django answers in English by default: a refused CSRF check
and a request method a view does not accept (405). 400, 403, 404 and 500 use templates/NNN.html
through Django's own handlers."""

from django.shortcuts import render


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
