"""The URLs of a list's rows, reversed once per page.

`reverse()` per row (`get_absolute_url`, `{% url %}`) was most of a long list's render time:
each call walks the resolver again. A list reverses each URL name once with placeholders and
fills in every row's slug and year by string formatting: the same URLs, in the page's language.
"""

from django.urls import reverse

# A slug no agency has (slugs are lower case) and a year the converter accepts: markers to cut
# the reversed URL at. Slugs and years need no quoting, so filling them in is exact.
SLUG = "SLUG-MARKER"
YEAR = 1000


def _template(name: str, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs).replace("{", "{{").replace("}", "}}")
    if "slug" in kwargs:
        head, _, tail = url.partition(SLUG)
        url = head + "{slug}" + tail
    if "year" in kwargs:
        head, _, tail = url.rpartition(f"{YEAR:04d}")
        url = head + "{year:04d}" + tail
    return url


class Links:
    """Row URLs of the public lists: `links.disclosure(slug, year)`, …"""

    def __init__(self):
        self._agency = _template("agency_detail", slug=SLUG)
        self._disclosure = _template("disclosure_detail", slug=SLUG, year=YEAR)
        self._csv = _template("disclosure_csv", slug=SLUG, year=YEAR)
        self._xlsx = _template("disclosure_xlsx", slug=SLUG, year=YEAR)

    def agency(self, slug: str) -> str:
        return self._agency.format(slug=slug)

    def disclosure(self, slug: str, year: int) -> str:
        return self._disclosure.format(slug=slug, year=year)

    def disclosure_csv(self, slug: str, year: int) -> str:
        return self._csv.format(slug=slug, year=year)

    def disclosure_xlsx(self, slug: str, year: int) -> str:
        return self._xlsx.format(slug=slug, year=year)
