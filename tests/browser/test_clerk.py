"""A clerk corrects a published figure through the admin's forms, as a person would."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from disclosure.models import ExpenditureLine
from disclosure.workflow import corrections, services
from tests.factories import CLERK, REVIEWER, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-1"  # UserFactory's


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#site-name")).to_have_text("决算公开管理")


def line_amount(page, name: str):
    """The 金额（万元） input on the inline row of the statement line `name`."""
    row = page.locator("#lines-group tr.form-row").filter(
        has=page.locator(f"input[value='{name}']")
    )
    expect(row).to_have_count(1)
    return row.locator("input[name$='-amount_wan']")


def housing_amount(page):
    return line_amount(page, "住房保障支出")


def test_clerk_corrects_a_line_and_a_negative_amount_is_refused(
    page, new_context, live_server, seed
):
    reviewer = user_in_role(REVIEWER, username="reviewer")
    clerk = user_in_role(CLERK, agencies=[seed.agency], username="clerk")
    draft = corrections.disclosure_open_correction(
        disclosure=seed, by=reviewer, reason="住房保障支出填报有误"
    )
    change_url = f"{live_server.url}/admin/disclosure/disclosure/{draft.pk}/change/"
    log_in(page, live_server.url, "clerk")

    page.goto(change_url)
    amount = housing_amount(page)
    expect(amount).to_have_value("11.00")
    amount.fill("-5")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    row_errors = page.locator("#lines-group tr.form-row .errorlist")
    expect(row_errors).to_have_text(["金额不能为负数。"])
    line = ExpenditureLine.objects.get(disclosure=draft, name="住房保障支出")
    assert line.amount_yuan == Decimal("110000.00")  # the refused -5 was not written

    page.goto(change_url)
    housing_amount(page).fill("12.00")
    line_amount(page, "一般公共服务支出").fill("183.82")  # the functional total still holds
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("成功修改")

    # Citizens still read the published figure until the reviewer publishes the correction.
    citizen = new_context().new_page()
    citizen.goto(live_server.url + seed.get_absolute_url())
    expect(citizen.get_by_text("住房保障支出11.00万元")).to_be_visible()

    draft.refresh_from_db()
    services.disclosure_submit(disclosure=draft, by=clerk)
    services.disclosure_publish(disclosure=draft, by=reviewer)
    citizen.goto(live_server.url + seed.get_absolute_url())
    expect(citizen.get_by_text("住房保障支出12.00万元")).to_be_visible()
    # The statement's row (the spending chart's table, further down, repeats it).
    row = citizen.get_by_role("row", name="221 住房保障支出 12.00", exact=True).first
    expect(row).to_be_visible()
    expect(citizen.locator(".banner.corrected")).to_contain_text("已更正")
    expect(citizen.locator("#corrections")).to_contain_text("住房保障支出填报有误")
