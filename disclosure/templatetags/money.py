from django import template

from disclosure.money import format_wan, format_yuan

register = template.Library()


@register.filter
def wan(yuan):
    """元 stored → 万元 shown, two decimals, rounded half up."""
    return format_wan(yuan)


@register.filter
def yuan(value):
    return format_yuan(value)
