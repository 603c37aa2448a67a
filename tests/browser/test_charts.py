"""The charts in a real browser: drawn without a script, named for a screen reader, beside
their tables on a desktop and under them on a phone, and whole on paper."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_print import A4_PRINTABLE, DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUTUO_URL = "/agencies/putuo-ghzy/2024/"
BOXES = """sel => [...document.querySelectorAll(sel)].map(figure => {
  const box = e => e.getBoundingClientRect();
  const svg = figure.querySelector('svg'), table = figure.querySelector('table');
  return {figure: box(figure), svg: box(svg), table: box(table),
          page: document.documentElement.clientWidth};
})"""


def test_a_screen_reader_gets_each_chart_by_its_title(new_context, live_server, putuo):
    page = new_context(java_script_enabled=False, **DESKTOP).new_page()
    page.goto(live_server.url + PUTUO_URL)
    chart = page.get_by_role("img", name="2024年度支出按功能分类（类）")
    expect(chart).to_be_visible()  # drawn by the server: no script runs here
    description = page.locator("#chart-spending-desc").text_content()
    assert "210 卫生健康支出：236.64万元" in description
    table = page.get_by_role("region", name="2024年度支出按功能分类（类）：图中数字")
    expect(table.get_by_role("row", name="210 卫生健康支出 236.64")).to_be_visible()


@pytest.mark.parametrize(
    ("options", "beside"), [(DESKTOP, True), (PHONE, False)], ids=["1366px", "390px"]
)
def test_the_table_stands_beside_its_chart_on_a_desktop_and_under_it_on_a_phone(
    new_context, live_server, putuo, options, beside
):
    page = new_context(**options).new_page()
    page.goto(live_server.url + PUTUO_URL)
    boxes = page.evaluate(BOXES, "#chart-spending")
    (box,) = boxes
    if beside:
        assert (
            box["table"]["left"] >= box["svg"]["right"]
            and box["table"]["top"] < box["svg"]["bottom"]
        )
    else:
        assert box["table"]["top"] >= box["svg"]["bottom"]
    assert box["svg"]["right"] <= box["page"] and box["svg"]["width"] > 300


def test_on_paper_every_chart_and_its_table_fit_the_page(new_context, live_server, putuo):
    paper = new_context(**A4_PRINTABLE).new_page()
    paper.emulate_media(media="print")
    paper.goto(live_server.url + PUTUO_URL)
    boxes = paper.evaluate(BOXES, "figure.chart")
    assert len(boxes) == 3
    for box in boxes:
        assert box["svg"]["width"] > 200 and box["svg"]["right"] <= box["page"]
        assert box["table"]["right"] <= box["page"] + 1
