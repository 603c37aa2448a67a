"""The markup behind phone and print: labelled scroll regions, the print footer, whole-second
<time> values and an honest 发布时间 (browser checks of the layout: tests/browser)."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from disclosure.models import Disclosure
from tests.factories import DisclosureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module", "putuo_for_module")]

SEED_URL, PUTUO_URL = "/agencies/liyang-xinfang/2014/", "/agencies/putuo-ghzy/2024/"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PAGES = ["/", "/agencies/putuo-ghzy/", "/years/2024/", SEED_URL, PUTUO_URL]


def datetimes(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', html)


@pytest.mark.parametrize("url", PAGES)
def test_every_scroll_region_is_focusable_and_labelled(client, url):
    html = client.get(url).content.decode()
    boxes = re.findall(r'<div class="scroll"([^>]*)>', html)
    for attrs in boxes:
        assert 'tabindex="0"' in attrs and 'role="region"' in attrs
        assert re.search(r'aria-label="[^"]+"', attrs), attrs
    labels = re.findall(r'<div class="scroll"[^>]*aria-label="([^"]+)"', html)
    assert len(set(labels)) == len(labels), "two regions of one page share a name"


@pytest.mark.parametrize("url", PAGES)
def test_the_print_footer_names_the_page_and_when_it_was_made(client, url):
    html = client.get(url).content.decode()
    footer = re.search(r'<p class="print-footer[^"]*">(.*?)</p>', html, flags=re.S).group(1)
    assert f"本页网址：http://testserver{url}" in footer
    [when] = datetimes(footer)
    assert ISO.match(when)
    assert abs(datetime.fromisoformat(when) - timezone.now()).total_seconds() < 60


def test_a_publication_time_prints_whole_seconds(client):
    disclosure = DisclosureFactory()
    moment = datetime(2015, 9, 30, 2, 0, 0, 123456, tzinfo=UTC)
    # Set before publishing: a published disclosure is frozen.
    Disclosure.objects.filter(pk=disclosure.pk).update(published_at=moment, status="published")
    html = client.get(disclosure.get_absolute_url()).content.decode()
    assert '<time datetime="2015-09-30T10:00:00+08:00">2015年9月30日</time>' in html
    assert all(ISO.match(value) for value in datetimes(html))
    assert "发布时间不详" not in html


@pytest.mark.parametrize("url", [SEED_URL, PUTUO_URL])
def test_a_demo_disclosure_without_a_publication_time_says_so(client, url):
    """Neither document states when it was published: the page says it is unknown."""
    html = client.get(url).content.decode()
    assert "发布时间不详" in html
    assert "发布于" not in html
