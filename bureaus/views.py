from django.http import Http404
from django.shortcuts import render

from disclosure import selectors

from .models import Agency


def agency_detail(request, slug: str):
    try:
        context = selectors.agency_page(slug=slug)
    except Agency.DoesNotExist:
        raise Http404("没有找到该单位。") from None
    return render(request, "bureaus/agency_detail.html", context)
