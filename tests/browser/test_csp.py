"""In a real browser, the Content Security Policy refuses nothing our pages use."""

import pytest

from tests.browser.test_clerk import log_in
from tests.factories import CLERK, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page) -> list[str]:
    seen = []
    page.on(
        "console",
        lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def test_public_pages_and_the_admin_raise_no_policy_violation(page, live_server, seed, putuo):
    seen = violations(page)
    for url in [
        "/",
        "/agencies/liyang-xinfang/2014/",
        "/agencies/putuo-ghzy/2024/",
        "/years/2024/",
    ]:
        page.goto(live_server.url + url)
    user_in_role(CLERK, agencies=[seed.agency], username="clerk")
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/admin/disclosure/disclosure/{seed.pk}/change/")
    page.goto(f"{live_server.url}/admin/disclosure/expenditureline/")
    page.goto(f"{live_server.url}/admin/disclosure/expenditureline/import/")  # a style attribute
    assert seen == []
