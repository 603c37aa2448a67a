"""/search/?q=…: thin over search.selectors; a refused query is a Chinese message, 400."""

from django.shortcuts import render

from disclosure.public.selectors import print_footer

from . import selectors
from .query import QueryError


def search(request):
    params = request.GET
    context = {
        "search_query": params.get("q", "")[:200],
        "print_footer": print_footer(request=request),
    }
    try:
        context["results"] = selectors.search(
            query=params.get("q", ""), kind=params.get("type", ""), page=params.get("page")
        )
    except QueryError as error:
        context["error"] = error.args[0]
        return render(request, "disclosure/search.html", context, status=400)
    return render(request, "disclosure/search.html", context)
