"""The clerk's whole path in a real browser, no shell and no fixture behind the browser's back.

From `make demo`'s first document (the seed) only: a superuser opens 2024 and adds 上海市普陀区
规划和自然资源局 with its clerk; the clerk starts the 2024 disclosure, imports the tables from the
Excel laid out as printed, corrects a cell in the grid, pastes two sections of 情况说明 as printed
and confirms what the matcher proposes, and submits; the reviewer acknowledges the printed
contradictions and publishes; a citizen reads the page with the acknowledgements. A second test:
a reviewer opens 2025 and the seed's clerk starts it from 2014's structure.
"""

import copy
import re

import pytest
from playwright.sync_api import expect

from disclosure.models import Disclosure, ExpenditureLine, FiscalYear
from tests.browser.test_clerk import log_in
from tests.disclosure.importing.import_files import putuo_workbook
from tests.factories import CLERK, REVIEWER, UserFactory, user_in_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PUTUO = "上海市普陀区规划和自然资源局"
REASON = "原文如此，以原件为准"
TYPO_CODE, PRINTED, TYPO = "2120101", "1084.02", "1048.02"  # 行政运行 基本支出


def choose(page, field: str, text: str) -> None:
    """Pick `text` in the admin's autocomplete (select2) widget of the model field `field`."""
    field = page.locator(f".field-{field} .select2-selection")
    field.first.click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def log_out(page, base: str) -> None:
    page.goto(base + "/admin/")
    page.get_by_role("button", name="注销").click()


def open_year(page, base: str, year: int, *, standard: bool) -> None:
    page.goto(base + "/admin/disclosure/fiscalyear/add/")
    page.get_by_label("年度").fill(str(year))
    if standard:
        page.get_by_label("公开格式").select_option("standard")
        page.get_by_label("科目版本").select_option(index=1)
        page.get_by_label("公开表格式").select_option(index=1)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_be_visible()


def test_a_new_agency_from_excel_to_publication(
    page, new_context, live_server, seed, putuo_source, tmp_path
):
    base = live_server.url
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    user_in_role(CLERK, username="pclerk")
    user_in_role(REVIEWER, username="reviewer")

    # The superuser: the year and the agency, its clerk bound to it.
    log_in(page, base, "admin")
    open_year(page, base, 2024, standard=True)
    page.goto(base + "/admin/bureaus/agency/add/")
    page.get_by_label("单位名称").fill(PUTUO)
    page.get_by_label("网址标识").fill("putuo-ghzy")
    page.get_by_label("所属地区").fill("上海市普陀区")
    choose(page, "clerks", "pclerk")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    log_out(page, base)

    # The clerk: a blank 2024 draft, then its tables from the workbook as printed.
    log_in(page, base, "pclerk")
    page.goto(base + "/admin/disclosure/disclosure/add/")
    choose(page, "agency", PUTUO)
    page.locator("#id_fiscal_year").select_option(label="2024年度")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    draft = Disclosure.objects.get(agency__slug="putuo-ghzy", fiscal_year__year=2024)

    workbook = tmp_path / "普陀区规划资源局2024年度部门决算.xlsx"
    workbook.write_bytes(putuo_workbook(with_a_typo(putuo_source), agency=PUTUO))
    page.goto(base + "/admin/disclosure/cell/import/")
    page.locator("#id_agency").select_option(label=PUTUO)
    page.locator("#id_fiscal_year").select_option(label="2024年度")
    page.locator("#id_import_file").set_input_files(str(workbook))
    page.locator("#id_format").select_option(label="xlsx")
    page.get_by_role("button", name="提交").click()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    assert draft.report_rows.count() == 226

    # The typo corrected in 公开05表's grid.
    change = f"{base}/admin/disclosure/disclosure/{draft.pk}/change/"
    page.goto(change)
    page.get_by_role("link", name=re.compile("^公开05表")).click()
    cell = page.get_by_label(f"公开05表 {TYPO_CODE} 行政运行（基本支出）")
    expect(cell).to_have_value(TYPO)
    cell.fill(PRINTED)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist .success")).to_contain_text("修改 1 个")
    expect(cell).to_have_value(PRINTED)

    # Two sections of 情况说明 pasted as printed; what the matcher proposes, confirmed.
    for number, title, text in sections(putuo_source, "二", "六"):
        paste_a_section(page, base, draft, number, title, text)
    assert draft.explanation_sections.count() == 2

    page.goto(change)
    page.once("dialog", lambda dialog: dialog.accept())  # "核对发现错误，仍要提交？"
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messagelist .success").first).to_contain_text("已提交")
    log_out(page, base)

    # The reviewer: each printed contradiction acknowledged, then published.
    log_in(page, base, "reviewer")
    page.goto(change)
    acknowledged = acknowledge_every_error(page)
    assert acknowledged >= 1
    page.get_by_label("发布说明").fill("照原件公开")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".messagelist .success").first).to_contain_text("已发布")

    # A citizen, not logged in.
    citizen = new_context().new_page()
    citizen.goto(base + "/agencies/putuo-ghzy/2024/")
    expect(citizen.locator("h1")).to_contain_text(PUTUO)
    expect(citizen.get_by_role("heading", name=re.compile("收入决算情况说明"))).to_be_visible()
    expect(citizen.locator("main")).to_contain_text("本年收入合计 9746.50 万元")
    # 公开05表's 行政运行 with the figure corrected in the grid (合计, 基本支出, 项目支出).
    expect(citizen.get_by_role("row", name=f"行政运行 1092.80 {PRINTED} 8.77")).to_be_visible()
    expect(citizen.locator("#reconciliation .acknowledgement")).to_have_count(acknowledged)
    expect(citizen.locator("#reconciliation")).to_contain_text(f"原文如此：{REASON}")


def sections(source: dict, *numbers: str):
    for section in source["explanations"]:
        if section["number"] in numbers:
            yield section["number"], section["title"], "\n".join(section["paragraphs"])


def paste_a_section(page, base: str, draft, number: str, title: str, text: str) -> None:
    page.goto(f"{base}/admin/disclosure/disclosure/{draft.pk}/change/")
    page.get_by_role("link", name="粘贴情况说明").click()
    page.get_by_label("新部分的序号").fill(number)
    page.get_by_label("新部分的标题").fill(title)
    page.get_by_label("情况说明原文").fill(text)
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#paste-preview")).to_contain_text("个数字")
    rows = page.locator("tr.paste-row")
    for n in range(rows.count()):
        row = rows.nth(n)
        row.get_by_label("确认为情况说明数字").check()
        key = row.locator("input[name$='-key']")
        if not key.input_value():
            key.fill(f"{title[:6]}印出数{n + 1}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()


def with_a_typo(source: dict) -> dict:
    """The source as the clerk's Excel had it: one figure mistyped, to be corrected in the grid."""
    source = copy.deepcopy(source)
    table = next(t for t in source["tables"] if t["number"] == "05")
    row = next(r for r in table["rows"] if r.get("code") == TYPO_CODE)
    assert row["cells"]["基本支出"] == PRINTED
    row["cells"]["基本支出"] = TYPO
    return source


def acknowledge_every_error(page) -> int:
    done = 0
    forms = page.locator(".reconciliation-panel p.acknowledge").filter(
        has=page.get_by_role("button", name="确认原文如此")
    )
    while forms.count():
        forms.first.get_by_role("textbox").fill(REASON)
        forms.first.get_by_role("button", name="确认原文如此").click()
        expect(page.locator(".messagelist .success").first).to_contain_text("已确认")
        done += 1
    return done


def test_a_reviewer_opens_2025_and_the_seed_clerk_starts_it_from_2014(page, live_server, seed):
    base = live_server.url
    user_in_role(REVIEWER, username="reviewer")
    user_in_role(CLERK, agencies=[seed.agency], username="clerk")

    log_in(page, base, "reviewer")
    page.goto(base + "/admin/disclosure/fiscalyear/add/")
    # Proposed: the year after the latest, laid out as 2014 (the 2014 format).
    expect(page.get_by_label("年度")).to_have_value("2015")
    page.get_by_label("年度").fill("2025")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    assert FiscalYear.objects.get(year=2025).disclosure_format == seed.fiscal_year.disclosure_format
    log_out(page, base)

    log_in(page, base, "clerk")
    page.goto(base + "/admin/disclosure/disclosure/")
    page.get_by_role("link", name="按上年结构新建").click()
    page.locator("#id_agency").select_option(label=seed.agency.name)
    page.locator("#id_fiscal_year").select_option(label="2025年度")
    page.get_by_role("button", name="新建").click()
    expect(page.locator(".messagelist .success").first).to_contain_text("已按上年结构新建")
    draft = Disclosure.objects.get(agency=seed.agency, fiscal_year__year=2025)
    assert draft.head_name == seed.head_name
    # Last year's lines are laid out without amounts; nothing is saved until the clerk fills it.
    names = page.locator("#lines-group tr.form-row input[name$='-name']")
    expect(names.first).to_be_visible()
    assert "住房保障支出" in names.evaluate_all("inputs => inputs.map(i => i.value)")
    assert not ExpenditureLine.objects.filter(disclosure=draft).exists()
