"""The current standard format: the real 2024 Putuo disclosure, every table, every sentence."""

import csv
import io
import re
from decimal import Decimal
from html import unescape
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError

from disclosure.core.money import format_wan
from disclosure.formats.citations import check_references
from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    ExplanationParagraph,
    FiscalYear,
    ReportRow,
    TableSpec,
)
from disclosure.public import selectors
from disclosure.workflow import corrections, services
from tests.factories import (
    CLERK,
    REVIEWER,
    AgencyFactory,
    ExplanationSectionFactory,
    StandardDisclosureFactory,
    ThreePublicExpenseFactory,
    add_row,
    publish,
    user_in_role,
)

# The Putuo document is loaded once for the module; each test's writes are rolled back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_for_module")]
URL = "/agencies/putuo-ghzy/2024/"


def correction_of(putuo) -> Disclosure:
    """A draft revision of the published Putuo disclosure, copied row by row, to edit."""
    reviewer = user_in_role(REVIEWER)
    return corrections.disclosure_open_correction(disclosure=putuo, by=reviewer, reason="测试更正")


def table_section(html: str, number: str) -> str:
    start = html.index(f'id="table-{number}"')
    end = html.find('<section class="public-table"', start + 1)
    return html[start : end if end != -1 else html.index('id="part3"')]


def expected_values(table: dict) -> list[str]:
    """The printed cells of a table in reading order: blocks (side or panel), rows, columns."""
    blocks: dict[str, list] = {}
    for row in table["rows"]:
        blocks.setdefault(row.get("side") or row.get("panel") or "", []).append(row)
    side_columns = table.get("side_columns") or {}
    values = []
    for title, rows in blocks.items():
        columns = side_columns.get(title, table["columns"])
        for row in rows:
            values += [row["cells"].get(c, "") for c in columns]
    return values


def test_every_table_shows_the_documents_figures_in_place(client, putuo, putuo_source):
    html = client.get(URL).content.decode()
    for table in putuo_source["tables"]:
        section = table_section(html, table["number"])
        assert table["title"] in section
        if table["empty_note"]:
            assert table["empty_note"] in section
            continue
        shown = [unescape(v).strip() for v in re.findall(r'<td class="num">([^<]*)</td>', section)]
        assert shown == expected_values(table), table["number"]
        for row in table["rows"]:
            assert row["name"] in section, row["name"]


def test_the_explanations_read_as_the_document(putuo, putuo_source):
    page = selectors.disclosure_page(slug="putuo-ghzy", year=2024)
    rendered = []
    for section in page.part.sections:
        rendered += section.rendered
        for sub in section.children:
            rendered += sub.rendered
    original = []
    for section in putuo_source["explanations"]:
        original += section["paragraphs"]
        for sub in section.get("subsections", []):
            original += sub["paragraphs"]

    def squash(text: str) -> str:
        return re.sub(r"\s+", "", text)

    # Where the document printed a figure with fewer decimals than it is stored with.
    precision = {"92%": "92.00%", "100万元": "100.00万元"}
    assert len(rendered) == len([p for p in original if p])
    for ours, theirs in zip(rendered, [p for p in original if p], strict=True):
        theirs = squash(theirs)
        for short, stored in precision.items():
            theirs = (
                theirs.replace(short, stored)
                if short in theirs and stored in squash(ours)
                else theirs
            )
        assert squash(ours) == theirs
        assert "引用无效" not in ours


def test_overview_functions_units_and_glossary(client, putuo, putuo_source):
    text = unescape(re.sub(r"<[^>]+>", "", client.get(URL).content.decode()))
    for function in putuo_source["functions"]:
        assert function in text
    for unit in putuo_source["units"]:
        assert unit["name"] in text
    for term in putuo_source["glossary"]:
        assert term["term"] in text and term["definition"] in text
    order = ["第一部分", "第二部分", "第三部分", "第四部分 名词解释"]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)


def test_budget_versus_final_per_item(client, putuo):
    html = client.get(URL).content.decode()
    section = html[html.index('id="budget-vs-final"') : html.index('id="part3"')]
    row = re.search(r"2120101</td><th scope=\"row\">行政运行</th>(.*?)</tr>", section, re.S)[1]
    assert re.findall(r'<td class="num">([^<]*)', row)[:3] == ["1115.48", "1092.80", "97.97%"]
    # 三公 budget and final are columns of 公开07表.
    table07 = table_section(html, "07")
    assert "预算数" in table07 and "2.85" in table07 and "0.39" in table07


def test_change_on_last_year_with_explanation(client, db):
    agency = AgencyFactory()
    last = StandardDisclosureFactory(agency=agency, fiscal_year__year=2023)
    add_row(last, "05", "行政运行", code="2120101", cells={"合计": "900.00"})
    publish(last)
    this_year = StandardDisclosureFactory(agency=agency, fiscal_year__year=2024)
    wan = {"合计": "1092.80", "基本支出": "1084.02", "项目支出": "8.77", "年初预算数": "1115.48"}
    explanation = "人员调整，行政运行支出增加。"
    add_row(this_year, "05", "行政运行", code="2120101", cells=wan, explanation=explanation)

    client.force_login(user_in_role(CLERK, agencies=[agency]))
    html = client.get(f"/agencies/{agency.slug}/2024/").content.decode()  # the clerk's preview
    assert "草稿预览" in html
    section = table_section(html, "05")
    row_html = re.search(r"2120101</td>.*?</tr>", section, re.S)[0]
    assert [v.strip() for v in re.findall(r'<td class="num">([^<]*)', row_html)] == [
        "1092.80",
        "1084.02",
        "8.77",
        "900.00",
        "192.80",
        "21.42%",
    ]
    assert "变动较大" in row_html
    assert "说明：人员调整，行政运行支出增加。" in section


def test_a_correction_copies_every_table_cell_and_paragraph(putuo):
    draft = correction_of(putuo)
    for model, lookup in [
        (Cell, "row__disclosure"),
        (ReportRow, "disclosure"),
        (ExplanationParagraph, "section__disclosure"),
    ]:
        assert (
            model.objects.filter(**{lookup: draft}).count()
            == model.objects.filter(**{lookup: putuo}).count()
            > 0
        )
    page = selectors.disclosure_page(
        slug="putuo-ghzy", year=2024, viewer=user_in_role(CLERK, agencies=[putuo.agency])
    )
    assert page.disclosure == draft
    assert all("引用无效" not in t for s in page.part.sections for t in s.rendered)


def test_csv_carries_every_cell_and_reads_back_to_the_same_figures(client, putuo, putuo_source):
    response = client.get("/agencies/putuo-ghzy/2024.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    from_csv = {
        (r["报表"][2:4], r["科目编码"] or r["项目"], r["上级项目"], r["栏目"]): Decimal(
            r["金额（元）"]
        )
        for r in rows
        if r["报表"].startswith("公开") and r["金额（元）"]
    }
    cells = Cell.objects.filter(row__disclosure=putuo).select_related(
        "row__table", "row__parent", "column"
    )
    from_db = {}
    for c in cells:
        context = "/".join(
            p
            for p in (c.row.side or c.row.panel, c.row.parent.name if c.row.parent_id else "")
            if p
        )
        label = "/".join(p for p in (c.column.group, c.column.label) if p)
        from_db[(c.row.table.number, c.row.code or c.row.name, context, label)] = c.amount_yuan
    assert from_csv == from_db
    printed = sum(len(r["cells"]) for t in putuo_source["tables"] for r in t["rows"])
    assert len(from_db) == printed + 13  # plus the 13 budgets stated in 情况说明 五（三）
    counts = {r["项目"]: r for r in rows if r["报表"] == "“三公”经费"}
    assert counts["公务接待费"]["接待批次"] == "2" and counts["公务接待费"]["接待人次"] == "26"


def test_code_versions_resolve_by_year(db):
    assert (
        selectors.classification_for(year=2014, scheme="functional", code="210").name
        == "医疗卫生与计划生育支出"
    )
    assert (
        selectors.classification_for(year=2024, scheme="functional", code="210").name
        == "卫生健康支出"
    )
    assert (
        selectors.classification_for(year=2030, scheme="functional", code="210").name
        == "卫生健康支出"
    )
    assert selectors.code_version_for_year(2016).key == "2014"


def test_row_with_a_code_of_another_version_is_refused(db):
    row = add_row(
        StandardDisclosureFactory(),
        "03",
        "卫生健康支出",
        code="210",
        classification=selectors.classification_for(year=2024, scheme="functional", code="210"),
    )
    row.full_clean()  # the 2024 code is accepted
    row.classification = selectors.classification_for(year=2014, scheme="functional", code="210")
    with pytest.raises(ValidationError, match="不属于本年度使用的科目版本"):
        row.full_clean()


def test_paragraphs_refuse_typed_figures_and_dangling_references(db):
    disclosure = StandardDisclosureFactory()
    add_row(disclosure, "05", "合计", role="total", cells={"合计": "9746.50"})
    section = ExplanationSectionFactory(disclosure=disclosure)
    with pytest.raises(ValidationError, match="不要直接输入"):
        ExplanationParagraph(section=section, order=99, text="支出合计 123.45 万元。").full_clean()
    with pytest.raises(ValidationError, match="引用不存在"):
        check_references(
            ExplanationParagraph(section=section, order=99, text="合计[[c:05|9999999|合计]]万元。")
        )
    good = ExplanationParagraph(
        section=section, order=99, text="合计[[c:05|合计|合计]]万元，2024 年。"
    )
    good.full_clean()
    check_references(good)


def test_standard_three_public_amount_lives_in_table_07(db):
    record = ThreePublicExpenseFactory(
        disclosure=StandardDisclosureFactory(), item="reception", amount_yuan=None
    )
    record.full_clean()  # counts and remarks only: the amounts are cells of 公开07表
    record.amount_yuan = Decimal("3900.00")
    with pytest.raises(ValidationError, match="公开07表"):
        record.full_clean()


def test_query_count_does_not_grow_with_rows(client, putuo, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft = correction_of(putuo)
    client.force_login(user_in_role(CLERK, agencies=[putuo.agency]))
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    table05 = TableSpec.objects.get(report_format=putuo.fiscal_year.report_format, number="05")
    total = ColumnSpec.objects.get(table=table05, label="合计")
    for i in range(40):
        row = ReportRow.objects.create(
            disclosure=draft, table=table05, order=100 + i, name=f"附加{i}"
        )
        Cell.objects.create(row=row, column=total, amount_yuan=Decimal(i))
    with django_assert_num_queries(len(before.captured_queries)):
        assert "附加39" in client.get(URL).content.decode()
    assert len(before.captured_queries) <= 30
    # Citizens' page (the published revision) stays within the same bound.
    client.logout()
    with CaptureQueriesContext(connection) as public:
        client.get(URL)
    assert len(public.captured_queries) <= 30


def test_clerk_edits_a_row_and_its_cells_in_wan(client, putuo):
    draft = correction_of(putuo)
    client.force_login(user_in_role(CLERK, agencies=[putuo.agency]))
    assert client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").status_code == 200
    row = ReportRow.objects.get(disclosure=draft, table__number="05", code="2120101")
    body = client.get(f"/admin/disclosure/reportrow/{row.pk}/change/").content.decode()
    assert 'value="1092.80"' in body and 'value="1115.48"' in body
    # Autocomplete from this row's page offers only the 2018+ codes: the page's widget names
    # the disclosure in its URL (no Referer needed).
    widget = re.search(r'name="classification"[^>]*data-ajax--url="([^"]+)"', body)
    url = unescape(widget[1])
    assert url == f"/admin/autocomplete/?disclosure={draft.pk}"
    # What the admin's JavaScript (jQuery) sends: the widget's URL with the source field added.
    source = {"app_label": "disclosure", "model_name": "reportrow", "field_name": "classification"}
    response = client.get(f"{url}&{urlencode({**source, 'term': '210'})}")
    names = [r["text"] for r in response.json()["results"]]
    assert "210 卫生健康支出" in names and "210 医疗卫生与计划生育支出" not in names
    assert format_wan(row.cells.get(column__label="合计").amount_yuan) == "1092.80"


def test_clerk_lays_out_a_new_standard_disclosure(client, db):
    agency = AgencyFactory()
    draft = StandardDisclosureFactory(agency=agency, fiscal_year__year=2025)
    client.force_login(user_in_role(CLERK, agencies=[agency]))
    action = {"action": "add_table_rows", "_selected_action": [draft.pk]}
    response = client.post("/admin/disclosure/disclosure/", action, follow=True)
    assert "已生成 89 行" in response.content.decode()
    rows = ReportRow.objects.filter(disclosure=draft)
    assert rows.filter(table__number="01", side="收入", name="年初结转和结余").exists()
    child = rows.get(table__number="07", name="公务用车购置费")
    assert child.parent.name == "公务用车购置及运行维护费"
    client.post("/admin/disclosure/disclosure/", action)
    assert ReportRow.objects.filter(disclosure=draft).count() == 89  # idempotent
    # A 2014-format year has no tables to lay out: a clear message, nothing written.
    simple = Disclosure.objects.create(
        agency=agency,
        fiscal_year=FiscalYear.objects.create(year=2013, disclosure_format="2014"),
    )
    response = client.post(
        "/admin/disclosure/disclosure/",
        {"action": "add_table_rows", "_selected_action": [simple.pk]},
        follow=True,
    )
    assert "该年度不是标准格式" in response.content.decode()
    assert not ReportRow.objects.filter(disclosure=simple).exists()


def test_seed_lines_point_at_2014_codes(seed):
    line = seed.lines.get(code="201")
    assert line.classification.version.key == "2014"
    line.classification = selectors.classification_for(year=2024, scheme="functional", code="201")
    with pytest.raises(ValidationError, match="不属于本年度使用的科目版本"):
        line.full_clean()


def test_a_correction_of_a_cell_lists_old_and_new_and_waits_for_the_contradictions(client, putuo):
    draft = correction_of(putuo)
    cell = Cell.objects.get(
        row__disclosure=draft,
        row__table__number="07",
        row__name="公务接待费",
        column__label="决算数",
    )
    cell.amount_yuan = Decimal("4000.00")
    cell.save()
    clerk = user_in_role(CLERK, agencies=[putuo.agency])
    services.disclosure_submit(disclosure=draft, by=clerk)
    # The real document contradicts itself across tables (236.63 vs 236.64 …): the correction
    # cannot be published until those figures are corrected too.
    with pytest.raises(ValidationError, match="核对发现错误，不能发布"):
        services.disclosure_publish(disclosure=draft, by=user_in_role(REVIEWER), note="核对")
    client.force_login(clerk)
    html = client.get(URL).content.decode()  # the clerk previews the pending revision
    corrections = html[html.index('id="corrections"') :]
    assert "审核中，尚未发布" in corrections and "测试更正" in corrections
    assert re.search(
        r"公开07表：公务接待费（决算数）</th><td class=\"num\">0.39万元</td>"
        r"<td class=\"num\">0.40万元</td>",
        corrections,
    )
