"""2014 entry in a 1,366 px window: the lines fit, and a "其中" parent is chosen before the
first save (typed code → proposed parent, same statement), as a clerk would."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from disclosure.models import CodeVersion, Disclosure
from tests.browser.test_clerk import log_in
from tests.factories import CLERK, FiscalYearFactory, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def test_the_new_disclosure_fits_1366_px_and_parents_are_chosen_before_saving(
    new_context, live_server, seed
):
    fy2015 = FiscalYearFactory(year=2015, code_version=CodeVersion.objects.get(key="2014"))
    user_in_role(CLERK, agencies=[seed.agency], username="clerk")
    page = new_context(**LAPTOP).new_page()
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/admin/disclosure/disclosure/add/")

    table = page.locator("#lines-group table")
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 1366, box  # no sideways scrolling of the rows
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # The agency is an autocomplete (select2): choose it as its search would.
    page.locator("#id_agency + .select2").click()
    page.locator(".select2-search__field").fill("溧阳")
    page.locator(".select2-results__option", has_text=seed.agency.name).click()
    page.locator("#id_fiscal_year").select_option(str(fy2015.pk))
    rows = page.locator("#lines-group tr.form-row:not(.empty-form)")
    expect(rows).to_have_count(9)

    def row(name):
        return rows.filter(has=page.locator(f"input[name$='-name'][value='{name}']"))

    row("基本支出").locator("input[name$='-amount_wan']").fill("140.82")
    # This document prints 301 as a line of its own, not as a "其中" of 基本支出.
    salaries = row("工资福利支出")
    salaries.locator("input[name$='-amount_wan']").fill("79.82")
    salaries.locator("input[name$='-parent_ref']").fill("")
    # A new "其中" line of 301: its code proposes the parent, its name comes from the code.
    page.locator("#lines-group .add-row a").click()
    new = page.locator("#lines-group tr.form-row:not(.empty-form)").nth(9)
    new.locator("select[name$='-statement']").select_option("economic")
    new.locator("input[name$='-code']").fill("30101")
    new.locator("input[name$='-code']").dispatch_event("change")
    expect(new.locator("input[name$='-parent_ref']")).to_have_value("301")
    new.locator("input[name$='-amount_wan']").fill("1,234.5")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".errorlist li")).to_have_count(0)

    draft = Disclosure.objects.get(agency=seed.agency, fiscal_year=fy2015)
    wages = draft.lines.get(code="30101")
    assert wages.parent.code == "301" and wages.amount_yuan == Decimal("12345000.00")
    assert wages.name == wages.classification.name == "基本工资"
    assert draft.lines.get(code="301").parent is None
