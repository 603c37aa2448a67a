"""Pages of a long list: a fixed number of rows per page, whatever the size of the corpus.

The page number comes from `?page=`; anything but a page of the list (text, 0, past the end)
is a Chinese 404 naming the pages there are, never a 500 and never another page silently.
Page 1 is the list's own URL, without `?page=1`: one address (and one kept response) per page.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext

PER_PAGE = 50


@dataclass(frozen=True)
class Pager:
    number: int
    pages: int
    first: str | None  # URLs; None where there is no such page (no dead links)
    previous: str | None
    next: str | None
    last: str | None

    @property
    def shown(self) -> bool:
        return self.pages > 1


def page_number(raw: str | None, *, count: int) -> tuple[int, int]:
    """(number, pages) for the `?page=` value, or Http404 with a Chinese sentence."""
    pages = max(1, -(-count // PER_PAGE))
    if raw is None:
        return 1, pages
    if not raw.isascii() or not raw.isdigit():
        raise Http404(gettext("页码应为正整数，例如 ?page=2。"))
    # Ten digits and more are past any list's end (and int() of thousands of digits refuses).
    number = int(raw) if len(raw) < 10 else 0
    if not 1 <= number <= pages:
        raise Http404(gettext("没有这一页：本列表共 %(pages)s 页。") % {"pages": pages})
    return number, pages


def pager(path: str, number: int, pages: int) -> Pager:
    def url(n: int) -> str:
        return path if n == 1 else f"{path}?page={n}"

    return Pager(
        number=number,
        pages=pages,
        first=url(1) if number > 2 else None,
        previous=url(number - 1) if number > 1 else None,
        next=url(number + 1) if number < pages else None,
        last=url(pages) if number < pages - 1 else None,
    )


def bounds(number: int) -> slice:
    """The page's rows of the list, as a slice (a LIMIT/OFFSET on a queryset)."""
    return slice((number - 1) * PER_PAGE, number * PER_PAGE)
