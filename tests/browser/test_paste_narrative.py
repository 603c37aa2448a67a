"""In a real browser: a clerk pastes a section of Putuo's 情况说明 as printed, previews it, decides
on the figure that disagrees with its table, saves, and the page prints the text from the data."""

import pytest
from playwright.sync_api import expect

from disclosure.models import ExplanationParagraph, NarrativeFigure
from tests.browser.test_clerk import log_in
from tests.factories import CLERK, reopened, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE = "一般公共预算财政拨款基本支出决算情况说明"
PRINTED = (
    "一般公共预算财政拨款基本支出 5377.64 万元。其中：人员经费 4896.98 万元；公用经费 480.66 万元。"
)


def test_clerk_pastes_a_section_as_printed(page, live_server, putuo):
    user_in_role(CLERK, agencies=[putuo.agency], username="clerk")
    draft = reopened(putuo)
    NarrativeFigure.objects.filter(disclosure=draft, key="基本支出人员经费").delete()
    log_in(page, live_server.url, "clerk")
    # The change page links here (tests/disclosure/admin/test_paste_narrative.py); Putuo's change
    # page lists its 226 rows, too slow a detour for this test.
    page.goto(f"{live_server.url}/admin/disclosure/explanationsection/paste/{draft.pk}/")

    page.get_by_label("情况说明部分").select_option(label=f"六、{TITLE}")
    page.get_by_label("情况说明原文").fill(PRINTED)
    page.get_by_role("button", name="预览").click()
    preview = page.locator("#paste-preview")
    expect(preview).to_contain_text("共 3 个数字：已引用 2，新数字 0，与表格不符 1")
    expect(preview.locator("mark.paste-reported")).to_have_text("4896.98 万元2")
    expect(page.locator("#paste-findings")).to_contain_text("公开06表 人员经费/人员经费合计")

    page.get_by_role("button", name="保存").click()  # no choice made for the reported figure
    expect(page.locator(".paste-errors")).to_contain_text("请选择")
    page.locator("#p-1").get_by_label("确认为情况说明数字").check()
    page.locator("#p-1").locator('input[name="p-1-key"]').fill("人员经费印出数")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist .success")).to_contain_text("新增情况说明数字 1 个")

    (paragraph,) = ExplanationParagraph.objects.filter(
        section__disclosure=draft, section__title=TITLE
    )
    assert "[[f:人员经费印出数]]" in paragraph.text
    assert NarrativeFigure.objects.get(disclosure=draft, key="人员经费印出数").label == "人员经费"
