"""Citizens read the seed disclosure in a real browser: on a phone, as a download, and a 404."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOLDEN_CSV = (
    Path(__file__).parent.parent / "disclosure" / "exports" / "golden" / "liyang-xinfang-2014.csv"
)
DETAIL = "/agencies/liyang-xinfang/2014/"
HEADINGS = [
    "一、概况",
    "（一）基本情况",
    "（二）基本职能和业务范围",
    "（三）年度工作任务",
    "二、收支决算情况",
    "三、“三公”经费公开情况",
]


def body_overflow(page) -> int:
    """How many CSS pixels the document is wider than the screen (0 when nothing sticks out).

    A mobile browser widens window.innerWidth to fit a page that sticks out (and zooms out), so
    scrollWidth <= innerWidth alone would always hold on a phone; the layout viewport
    (documentElement.clientWidth) keeps the device width.
    """
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, window.innerWidth)"
        " - document.documentElement.clientWidth"
    )


def test_citizen_on_a_phone_taps_from_home_to_the_disclosure(phone, live_server, seed, tmp_path):
    phone.goto(live_server.url + "/")
    assert body_overflow(phone) <= 0
    phone.get_by_role("link", name="溧阳市信访局").tap()
    expect(phone).to_have_url(live_server.url + "/agencies/liyang-xinfang/")
    assert body_overflow(phone) <= 0
    phone.get_by_role("link", name="2014年度决算").tap()
    expect(phone).to_have_url(live_server.url + DETAIL)

    tops = []
    for name in HEADINGS:
        heading = phone.get_by_role("heading", name=name, exact=True)
        expect(heading).to_be_visible()
        tops.append(heading.bounding_box()["y"])
    assert tops == sorted(tops), "section headings out of document order"

    for sentence in ["财政拨款收入决算总额195.82万元", "基本支出140.82万元", "经费总额为3.54万元"]:
        paragraph = phone.locator("p", has_text=sentence)
        paragraph.scroll_into_view_if_needed()
        expect(paragraph).to_be_in_viewport()
    # Wide tables may scroll inside their .scroll box; the page itself must not scroll sideways.
    assert body_overflow(phone) <= 0
    phone.screenshot(path=tmp_path / "phone-disclosure.png", full_page=True)


def test_csv_link_downloads_the_disclosure_with_a_bom(page, live_server, seed):
    page.goto(live_server.url + DETAIL)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV（下载本决算数据）").click()
    download = download_info.value
    assert download.suggested_filename == "liyang-xinfang-2014.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows needs the BOM
    assert b"195.82" in data
    assert data == GOLDEN_CSV.read_bytes()


def test_missing_year_is_a_chinese_404_that_leads_home(page, live_server, seed):
    response = page.goto(live_server.url + "/agencies/liyang-xinfang/2013/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_title(re.compile("^页面不存在"))
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(page.get_by_text("没有找到该单位该年度已发布的决算公开。")).to_be_visible()
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("link", name="溧阳市信访局")).to_be_visible()
