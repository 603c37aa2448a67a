"""The `.json` sibling of a public page: the same JSON as the API resource the page shows.

/agencies/<slug>.json, /agencies/<slug>/<year>.json and /years/<year>.json answer exactly as
/api/v1/agencies/<slug>, /api/v1/disclosures/<slug>/<year> and /api/v1/years/<year> (the
request is handed to the API's own view, so errors, ETag and 304s are the same too).
"""

from django.urls import resolve, reverse


def _api(request, name: str, **kwargs):
    match = resolve(reverse(f"api-v1:{name}", kwargs=kwargs))
    return match.func(request, *match.args, **match.kwargs)


def agency_json(request, slug: str):
    return _api(request, "agency", slug=slug)


def disclosure_json(request, slug: str, year: int):
    return _api(request, "disclosure", slug=slug, year=year)


def year_json(request, year: int):
    return _api(request, "year", year=year)
