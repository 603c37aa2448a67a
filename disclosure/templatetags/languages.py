"""The page in the other language: the switch link and the `hreflang` alternates (base.html).

The public URLs are one set of patterns with the language as a prefix (config/urls.py), so
the same page in another language is `translate_url` of this one, query string included. A page
outside those patterns (the admin's lockout page) has no other language: no switch, no
alternates. An error page links to the other language's home page, never to the same error.
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# BCP 47 tags for `lang` and `hreflang` (Django's codes are lower case: zh-hans).
HTML_LANG = {"zh-hans": "zh-Hans", "en": "en"}
# Each language's name in itself, as a switch shows it.
OWN_NAME = {"zh-hans": "中文", "en": "English"}


@dataclass(frozen=True)
class Alternate:
    code: str  # Django's language code
    lang: str  # the BCP 47 tag
    name: str  # the language's name in itself
    url: str  # absolute, as search engines want hreflang links


@register.simple_tag
def html_lang() -> str:
    return HTML_LANG.get(translation.get_language() or settings.LANGUAGE_CODE, "zh-Hans")


def _alternates(request, *, error: bool) -> list[Alternate]:
    path = request.get_full_path()
    urls = {}
    for code, _name in settings.LANGUAGES:
        if error:
            with translation.override(code):
                urls[code] = reverse("home")
        else:
            urls[code] = translate_url(path, code)
    if not error and len(set(urls.values())) == 1:
        return []  # not a localised page
    return [
        Alternate(code, HTML_LANG[code], OWN_NAME[code], request.build_absolute_uri(url))
        for code, url in urls.items()
    ]


@register.simple_tag(takes_context=True)
def alternates(context, error: bool = False) -> list[Alternate]:
    """This page in every language (for `<link rel="alternate" hreflang>`); [] when the page is
    not localised. With `error`, each language's home page (an error page's way out)."""
    request = context.get("request")
    if request is None:
        return []
    return _alternates(request, error=error)


@register.simple_tag
def other_languages(alternates: list[Alternate]) -> list[Alternate]:
    current = translation.get_language() or settings.LANGUAGE_CODE
    return [a for a in alternates if a.code != current]


@register.simple_tag
def default_alternate(alternates: list[Alternate]) -> Alternate | None:
    """The x-default: the Chinese page, at the unprefixed URL."""
    return next((a for a in alternates if a.code == settings.LANGUAGE_CODE), None)


@register.filter
def vocab(value):
    """A word from data (a table's title, a column, a fixed row, a choice's label) in the
    page's language: formats/vocabulary.py lists them for the catalogue; anything else (an
    agency's own wording) is shown as written."""
    return translation.gettext(value) if isinstance(value, str) and value else value


@register.filter
def row_name(row, code_names: dict | None):
    """A classified row's name: the 政府收支分类科目's English name of its code where it has
    one (`code_names`, code → English name, given to English pages only), else the vocabulary's
    word for a fixed row, else the row's own Chinese name (printed beside its code), marked as
    Chinese on a page in another language."""
    code = getattr(row, "code", "")
    if code_names and code in code_names:
        return code_names[code]
    translated = vocab(row.name)
    return zh_text(row.name) if translated == row.name else translated


@register.simple_tag
def zh():
    """` lang="zh-Hans"` on an element holding Chinese as written (a name, the agency's own
    text) when the page is in another language, so screen readers and translators know; ""
    on a Chinese page, where it is the page's own language."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    if current == settings.LANGUAGE_CODE:
        return ""
    return mark_safe(' lang="zh-Hans"')


@register.filter
def zh_text(value):
    """Chinese as written inside a translated sentence: wrapped in `<span lang="zh-Hans">` on
    a page in another language; on a Chinese page, the text alone (escaped)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    if current == settings.LANGUAGE_CODE or value in (None, ""):
        return conditional_escape("" if value is None else value)
    return format_html('<span lang="zh-Hans">{}</span>', value)
