"""In a real browser: a clerk's save is checked and told, an auditor filters and downloads."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from disclosure.reconciliation.services import disclosure_reconcile
from disclosure.workflow import corrections
from tests.browser.test_clerk import housing_amount, log_in
from tests.factories import AUDITOR, CLERK, REVIEWER, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REMAINDER = "基本支出 140.82 万元，其中列明 111.14 万元，未列明 29.68 万元"


def test_clerk_saves_a_figure_that_breaks_a_total_and_sees_the_error(page, live_server, seed):
    reviewer = user_in_role(REVIEWER, username="reviewer")
    user_in_role(CLERK, agencies=[seed.agency], username="clerk")
    draft = corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="复核")
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/admin/disclosure/disclosure/{draft.pk}/change/")
    housing_amount(page).fill("12.00")
    page.get_by_role("button", name="保存并继续编辑").click()

    expect(page.locator(".messagelist .success")).to_contain_text("成功修改")  # saved anyway
    error = page.locator(".messagelist .error")
    expect(error).to_contain_text("数据核对发现 1 处数字相互矛盾（已保存，但更正前不能发布）")
    expect(error).to_contain_text(
        "财政拨款支出 195.82 万元，一般公共服务支出、住房保障支出之和 196.82 万元"
    )
    panel = page.locator(".reconciliation-panel")
    expect(panel).to_contain_text("发现 1 处数字相互矛盾")
    expect(panel).to_contain_text(REMAINDER)


def test_auditor_filters_the_findings_and_downloads_them(page, live_server, seed):
    disclosure_reconcile(disclosure=seed)
    user_in_role(AUDITOR, username="auditor")
    log_in(page, live_server.url, "auditor")
    page.goto(live_server.url + "/reconciliation/")
    page.get_by_label("严重程度").select_option(label="提示")
    page.locator("#id_agency").select_option(label="溧阳市信访局")
    page.get_by_role("button", name="筛选").click()
    filtered = "/reconciliation/?year=&agency=liyang-xinfang&rule=&severity=notice"
    expect(page).to_have_url(live_server.url + filtered)
    expect(page.get_by_text("共 1 条")).to_be_visible()
    expect(page.get_by_role("cell", name=REMAINDER)).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载筛选结果（CSV）").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert REMAINDER.encode() in data and data.count(b"\r\n") == 2  # header and one finding
