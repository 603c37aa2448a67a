"""Phone, desktop and paper: wide tables stay readable at 390 px, show every column at 1,366 px
and print onto A4 with nothing cut, nothing to click, and where and when the page came from."""

import re

import pytest

from tests.browser.test_citizen import body_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUTUO_URL = "/agencies/putuo-ghzy/2024/"
PAGES = ["/", "/agencies/putuo-ghzy/", "/years/2024/", "/agencies/liyang-xinfang/2014/", PUTUO_URL]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
# A4 portrait less the print stylesheet's 10 mm side margins: 190 mm at 96 CSS px per inch.
A4_PRINTABLE = {"viewport": {"width": 718, "height": 1000}}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

# Per table: the widest figure of each column against its column's heading, and figures that
# wrap or stick out of their cell (a column squeezed narrower than its figures).
SQUEEZED = """() => {
  const found = [];
  for (const table of document.querySelectorAll('table.figures')) {
    const heads = [...table.querySelectorAll('thead tr:last-child th')];
    for (const row of table.tBodies[0].rows) {
      if (row.cells.length !== heads.length) continue;  // a 说明 row spanning the table
      [...row.cells].forEach((cell, i) => {
        if (!cell.classList.contains('num') || !cell.textContent.trim()) return;
        const range = document.createRange();
        range.selectNodeContents(cell);
        const text = range.getBoundingClientRect().width;
        // A smaller 变动较大 flag sits a little lower on the same line: a second line is lower
        // by more than half a line.
        const tops = [...range.getClientRects()].map(r => r.top);
        const lineHeight = range.getClientRects()[0].height;
        const wrapped = Math.max(...tops) - Math.min(...tops) > lineHeight / 2;
        if (wrapped || text > cell.clientWidth || heads[i].getBoundingClientRect().width < text)
          found.push(`${heads[i].textContent.trim()}: ${cell.textContent.trim()}`);
      });
    }
  }
  return found;
}"""
HEADER_ROW = """() => Math.max(0, ...[...document.querySelectorAll('table.figures thead tr')]
  .map(tr => tr.getBoundingClientRect().height))"""
OVERFLOWING_REGIONS = """() => [...document.querySelectorAll('.scroll')]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => box.getAttribute('aria-label'))"""


@pytest.fixture
def documents(seed, putuo):
    return seed, putuo


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_no_page_is_wider_than_the_screen(new_context, live_server, documents, options):
    browser_page = new_context(**options).new_page()
    for url in PAGES:
        browser_page.goto(live_server.url + url)
        assert body_overflow(browser_page) <= 0, url
        datetimes = browser_page.eval_on_selector_all(
            "time", "els => els.map(e => e.getAttribute('datetime'))"
        )
        assert all(ISO.match(value) for value in datetimes), (url, datetimes)


def test_on_a_phone_figures_fit_their_columns_and_headings_do_not_break_per_character(
    new_context, live_server, documents
):
    phone = new_context(**PHONE).new_page()
    for url in PAGES:
        phone.goto(live_server.url + url)
        assert phone.evaluate(SQUEEZED) == [], url
        # Before: 327 px, headings one character per line in 35 px columns.
        assert phone.evaluate(HEADER_ROW) <= 120, url


def test_on_a_phone_the_name_column_stays_in_view_while_a_table_scrolls(
    new_context, live_server, documents
):
    phone = new_context(**PHONE).new_page()
    phone.goto(live_server.url + PUTUO_URL)
    box = phone.get_by_role("region", name="公开02表 收入决算表")
    box.scroll_into_view_if_needed()
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "nothing to scroll at 390 px"
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert box.evaluate("b => b.scrollLeft") > 100
    edges = box.evaluate(
        """b => [b.getBoundingClientRect().left,
                 ...[...b.querySelectorAll('th.name, tbody th[scope=row]')]
                   .map(th => th.getBoundingClientRect().left)]"""
    )
    left, names = edges[0], edges[1:]
    assert names and all(abs(x - left) < 2 for x in names), edges


def test_tab_reaches_every_scroll_region_and_each_is_named(new_context, live_server, documents):
    phone = new_context(**PHONE).new_page()
    phone.goto(live_server.url + PUTUO_URL)
    expected = phone.eval_on_selector_all(".scroll", "els => els.map(e => e.ariaLabel)")
    assert all(expected) and len(expected) >= 10
    reached = []
    for _ in range(400):
        phone.keyboard.press("Tab")
        label = phone.evaluate(
            "() => { const e = document.activeElement;"
            " return e.matches('.scroll[role=region]') ? e.getAttribute('aria-label') : null; }"
        )
        if label:
            reached.append(label)
        if len(reached) == len(expected):
            break
    assert reached == expected


def test_on_a_desktop_every_column_of_the_wide_tables_is_in_view(
    new_context, live_server, documents
):
    desktop = new_context(**DESKTOP).new_page()
    for url in PAGES:
        desktop.goto(live_server.url + url)
        assert desktop.evaluate(OVERFLOWING_REGIONS) == [], url  # before: 公开02表 (962 > 928)
        assert body_overflow(desktop) <= 0, url


def test_printed_on_a4_nothing_is_cut_and_the_source_is_named(new_context, live_server, documents):
    paper = new_context(**A4_PRINTABLE).new_page()
    for url in PAGES:
        paper.goto(live_server.url + url)
        paper.emulate_media(media="print")
        assert paper.evaluate(OVERFLOWING_REGIONS) == [], url
        assert body_overflow(paper) <= 0, url
        for hidden in [".site-header", "nav.toc", ".downloads", ".button", ".crumbs"]:
            for element in paper.locator(hidden).all():
                assert not element.is_visible(), (url, hidden)
        footer = paper.locator(".print-footer")
        assert footer.is_visible()
        assert f"本页网址：{live_server.url}{url}" in footer.inner_text()
        assert ISO.match(footer.locator("time").get_attribute("datetime"))


def test_the_2024_page_prints_on_fewer_a4_pages(page, live_server, documents):
    page.goto(live_server.url + PUTUO_URL)
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 0 < pages <= 16  # before the print stylesheet: 26
