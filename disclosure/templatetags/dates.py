"""Dates for <time datetime>: the HTML spec allows at most three digits of a second's fraction,
and Django's `date:'c'` prints six (microseconds), so the validator rejects the page."""

from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

register = template.Library()


@register.filter
def iso_seconds(moment: datetime | None) -> str:
    """An aware datetime as ISO 8601 in the site's time zone, whole seconds, with its offset
    (2024-09-30T10:00:00+08:00); "" when there is none."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(microsecond=0).isoformat()


# The one place dates are written out for the reader, per language: 2024年12月31日 in Chinese,
# 31 December 2024 in English (Django's month names in the active language).
DATE_FORMATS = {"en": "j F Y"}
DATETIME_FORMATS = {"en": "j F Y, H:i:s"}


@register.filter
def long_date(moment) -> str:
    """A date, or an aware datetime's day in the site's time zone, as the page's language
    writes it; "" when there is none."""
    if not moment:
        return ""
    return date_filter(_local(moment), DATE_FORMATS.get(translation.get_language(), "Y年n月j日"))


@register.filter
def long_datetime(moment) -> str:
    if not moment:
        return ""
    return date_filter(
        _local(moment), DATETIME_FORMATS.get(translation.get_language(), "Y年n月j日 H:i:s")
    )


def _local(moment):
    """An aware datetime in the site's time zone (Beijing): the day printed is Beijing's day.
    A filter called by the template gets the value as stored (UTC), unlike Django's `date`."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        return timezone.localtime(moment)
    return moment
