"""The Content Security Policy, and that our public pages need nothing it refuses."""

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/agencies/liyang-xinfang/",
    "/agencies/liyang-xinfang/2014/",
    "/agencies/putuo-ghzy/2024/",
    "/years/2014/",
    "/years/2024/",
    "/downloads/",
    "/no-such-page/",
]
# What a strict policy (script-src 'self'; style-src 'self') would refuse in a page.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"",
    re.IGNORECASE,
)


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_served_under_the_strict_policy_and_need_no_inline_code(
    client, seed, putuo, url
):
    response = client.get(url)
    assert response.status_code in (200, 404)
    policy = directives(response)
    assert policy["script-src"] == "script-src 'self'"
    assert policy["style-src"] == "style-src 'self'"
    assert policy["object-src"] == "object-src 'none'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert INLINE.findall(response.content.decode()) == []


def test_the_admin_may_use_inline_styles_but_never_inline_scripts(client, seed):
    admin = get_user_model().objects.create_superuser("root", password="x-long-password-1")
    client.force_login(admin)
    response = client.get(f"/admin/disclosure/disclosure/{seed.pk}/change/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["style-src"] == "style-src 'self' 'unsafe-inline'"
    assert policy["script-src"] == "script-src 'self'"


def test_the_scan_is_real():
    assert INLINE.findall('<p style="x">a</p><script>alert(1)</script><a onclick="y">') != []
    assert INLINE.findall('<script src="/static/a.js"></script>') == []
