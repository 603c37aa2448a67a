"""The search box and the compare page in a real browser, at 390 and 1,366 px: no page wider
than the screen, the box usable from any page, the figures' tables in named scroll regions."""

import pytest

from tests.browser.test_citizen import body_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PAGES = [
    "/search/?q=信访",
    "/search/?q=支出&type=lines",
    "/search/?q=x",  # the refusal's page
    "/compare/",
    "/compare/?year=2014&measure=reception",
    "/compare/?agency=putuo-ghzy&measure=operating",
    "/compare/?measure=nope",
]


@pytest.fixture
def documents(seed, putuo):
    return seed, putuo


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_no_page_is_wider_than_the_screen(new_context, live_server, documents, options):
    page = new_context(**options).new_page()
    for url in PAGES:
        page.goto(live_server.url + url)
        assert body_overflow(page) <= 0, url


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_searching_from_a_disclosure_page(new_context, live_server, documents, options):
    page = new_context(**options).new_page()
    page.goto(live_server.url + "/agencies/putuo-ghzy/2024/")
    box = page.get_by_role("searchbox", name="搜索单位或预算科目")
    box.fill("溧阳 信访")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name="溧阳市信访局").first.click()
    assert page.url.endswith("/agencies/liyang-xinfang/")


def test_the_compare_table_is_a_named_focusable_region(new_context, live_server, documents):
    page = new_context(**PHONE).new_page()
    page.goto(live_server.url + "/compare/?year=2024")
    region = page.get_by_role("region", name="2024年度各单位对比")
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')") == "2024年度各单位对比"
    )
