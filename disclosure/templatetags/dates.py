"""Dates for <time datetime>: the HTML spec allows at most three digits of a second's fraction,
and Django's `date:'c'` prints six (microseconds), so the validator rejects the page."""

from datetime import datetime

from django import template
from django.utils import timezone

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
