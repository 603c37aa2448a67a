"""A clerk edits a public table in its grid, in a real browser: keyboard moves, a block pasted
from Excel (tab-separated), 保存, and the new figures with a finding beside the cell."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from disclosure.models import Cell
from tests.browser.test_clerk import log_in
from tests.factories import CLERK, StandardDisclosureFactory, add_row, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As Excel puts two rows of three cells on the clipboard: tabs, CRLF, a line end after the last.
EXCEL_BLOCK = "12.00\t7.00\t4.00\r\n8\t8\t0\r\n"

PASTE = """(text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
  document.activeElement.dispatchEvent(event);
}"""


def focused(page) -> str:
    return page.evaluate("document.activeElement.getAttribute('aria-label')")


def test_clerk_moves_pastes_saves_and_sees_a_finding(page, live_server):
    draft = StandardDisclosureFactory()
    running = add_row(
        draft,
        "05",
        "行政运行",
        code="2010101",
        cells={"合计": "10", "基本支出": "6", "项目支出": "4"},
    )
    general = add_row(
        draft,
        "05",
        "一般行政管理事务",
        code="2010102",
        cells={"合计": "5", "基本支出": "5", "项目支出": "0"},
    )
    user_in_role(CLERK, username="clerk", agencies=[draft.agency])
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/admin/disclosure/disclosure/{draft.pk}/change/")
    page.get_by_role("link", name="公开05表 一般公共预算财政拨款支出决算表").click()
    expect(page.locator("h1")).to_contain_text("公开05表")

    first = page.get_by_label("公开05表 2010101 行政运行（合计）")
    expect(first).to_have_value("10.00")
    first.click()
    page.keyboard.press("ArrowDown")
    assert focused(page) == "公开05表 2010102 一般行政管理事务（合计）"
    page.keyboard.press("ArrowRight")  # the figure is selected on focus: arrows move
    assert focused(page) == "公开05表 2010102 一般行政管理事务（基本支出）"
    page.keyboard.press("Shift+Enter")
    assert focused(page) == "公开05表 2010101 行政运行（基本支出）"
    page.keyboard.press("ArrowLeft")
    assert focused(page) == "公开05表 2010101 行政运行（合计）"

    page.evaluate(PASTE, EXCEL_BLOCK)
    expect(first).to_have_value("12.00")
    expect(page.get_by_label("公开05表 2010102 一般行政管理事务（基本支出）")).to_have_value("8")
    expect(page.locator("[data-grid-status]")).to_contain_text("已粘贴 6 个单元格")
    expect(page.locator("[data-grid-status]")).to_contain_text("已修改 4 个数字")
    expect(page.locator("input.grid-cell.changed")).to_have_count(4)

    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist .success")).to_contain_text("新增 0 个、修改 4 个")
    expect(first).to_have_value("12.00")
    expect(page.get_by_label("公开05表 2010102 一般行政管理事务（合计）")).to_have_value("8.00")
    # 12 ≠ 7 + 4: an error, marked beside the cells it names and listed below the grid.
    total = page.locator("td", has=first)
    expect(total).to_have_class("num finding-error")
    mark = total.locator(".finding-mark")
    expect(mark).to_be_visible()
    expect(mark).to_have_attribute("title", re.compile(r"^错误：.*2010101 行政运行.*12\.00 万元"))
    expect(page.locator(".grid-findings .finding-error")).to_contain_text("12.00 万元")

    saved = {
        (c.row_id, c.column.label): c.amount_yuan
        for c in Cell.objects.filter(row__disclosure=draft).select_related("column")
    }
    assert saved[(running.pk, "合计")] == Decimal("120000.00")
    assert saved[(running.pk, "基本支出")] == Decimal("70000.00")
    assert saved[(general.pk, "合计")] == Decimal("80000.00")
    assert saved[(general.pk, "项目支出")] == Decimal("0.00")
