"""What a citizen typed into the search box, cleaned or refused with a Chinese message."""

import unicodedata

from django.utils.translation import gettext as _

MAX_LENGTH = 50  # characters: the longest agency name is 100, but nobody types half of one
MIN_LENGTH = 2  # one Chinese character (局, 市) matches nearly everything
MAX_TERMS = 5


class QueryError(ValueError):
    """A query the search refuses; `args[0]` is the Chinese message shown to the citizen."""


def search_terms(raw: str) -> list[str]:
    """The query's words (each must match), or [] for an empty query.

    Control characters (a NUL byte is an error on PostgreSQL) and over-long input are refused,
    full-width spaces separate words as ASCII ones do, and LIKE's % and _ are matched as typed
    (Django escapes them).
    """
    text = unicodedata.normalize("NFKC", raw or "")
    if any(_unprintable(ch) for ch in text):
        raise QueryError(_("搜索词中含有无法识别的字符，请重新输入。"))
    text = " ".join(text.split())
    if not text:
        return []
    if len(text) > MAX_LENGTH:
        raise QueryError(_("搜索词太长，请不要超过 %(n)d 个字。") % {"n": MAX_LENGTH})
    if len(text.replace(" ", "")) < MIN_LENGTH:
        raise QueryError(_("请至少输入 %(n)d 个字。") % {"n": MIN_LENGTH})
    terms = list(dict.fromkeys(text.split(" ")))
    if len(terms) > MAX_TERMS:
        raise QueryError(_("请不要超过 %(n)d 个词。") % {"n": MAX_TERMS})
    return terms


def _unprintable(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")
