"""/compare/: a GET form; thin over compare.selectors. A bad parameter is a Chinese message
with HTTP 400; nothing is written."""

from django.shortcuts import render

from disclosure.public.selectors import print_footer

from . import params as form
from . import selectors
from .measures import INDICATORS
from .stats import FENCE, MIN_PEERS


def compare(request):
    options = form.choices()
    context = {
        "options": options,
        "indicators": INDICATORS,
        "fence": FENCE,
        "min_peers": MIN_PEERS,
        "print_footer": print_footer(request=request),
    }
    try:
        params = form.parse(request.GET, options)
    except form.CompareError as error:
        context["error"] = error.args[0]
        return render(request, "disclosure/compare.html", context, status=400)
    context["params"] = params
    if params.agency is not None:
        context["across_years"] = selectors.agency_across_years(params)
    elif params.year is not None:
        context["in_year"] = selectors.agencies_in_year(params)
    return render(request, "disclosure/compare.html", context)
