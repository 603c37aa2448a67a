"""In a real browser: a reviewer acknowledges Putuo's printed contradictions in the 数据核对
panel, publishes, and a citizen reads them beside the acknowledgements."""

import pytest
from playwright.sync_api import expect

from disclosure.reconciliation.services import disclosure_reconcile
from disclosure.workflow import services
from tests.browser.test_clerk import log_in
from tests.factories import CLERK, REVIEWER, reopened, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASON = "原文如此，以原件为准"


def test_reviewer_publishes_putuo_as_printed(page, live_server, putuo):
    user_in_role(REVIEWER, username="reviewer")
    clerk = user_in_role(CLERK, agencies=[putuo.agency], username="clerk")
    draft = reopened(putuo)
    disclosure_reconcile(disclosure=draft)
    services.disclosure_submit(disclosure=draft, by=clerk)
    log_in(page, live_server.url, "reviewer")
    change = f"{live_server.url}/admin/disclosure/disclosure/{draft.pk}/change/"
    page.goto(change)

    page.get_by_role("button", name="发布").click()  # refused, as before
    expect(page.locator(".messagelist .error")).to_contain_text("核对发现错误，不能发布")
    for _ in range(3):
        form = page.locator(".reconciliation-panel p.acknowledge").filter(
            has=page.get_by_role("button", name="确认原文如此")
        )
        form.first.get_by_role("textbox").fill(REASON)
        form.first.get_by_role("button", name="确认原文如此").click()
        expect(page.locator(".messagelist .success")).to_contain_text("已确认该核对错误为原文如此")
    panel = page.locator(".reconciliation-panel")
    expect(panel).to_contain_text("其中 3 处经审核人员确认为原文如此")
    expect(panel.get_by_text(f"已确认原文如此：{REASON}（reviewer，")).to_have_count(3)

    page.get_by_label("发布说明").fill("照原件公开")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已发布")

    page.goto(live_server.url + "/agencies/putuo-ghzy/2024/")
    section = page.locator("#reconciliation")
    expect(section.locator(".acknowledgement")).to_have_count(3)
    expect(section.locator(".acknowledgement").first).to_contain_text(f"原文如此：{REASON}")
    expect(section).not_to_contain_text("reviewer")
