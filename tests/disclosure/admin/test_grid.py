"""The table grid in the admin: the printed table with its findings, one field posted, the
service's refusals shown in Chinese with the clerk's figures kept, scoping, and its queries."""

import json
import re

import pytest

from disclosure.models import (
    Cell,
    ColumnSpec,
    Disclosure,
    ReportFormat,
    ReportRow,
    TableSpec,
)
from tests.factories import (
    CLERK,
    REVIEWER,
    StandardDisclosureFactory,
    StandardFiscalYearFactory,
    column_spec,
    user_in_role,
    yuan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_for_module")]

STALE = "该决算已被他人修改"


@pytest.fixture
def draft(request, putuo):
    from tests.conftest import draft as module_draft

    return module_draft(request, "putuo_draft_for_module", putuo)


@pytest.fixture
def clerk(client, draft):
    user = user_in_role(CLERK, username="clerk", agencies=[draft.agency])
    client.force_login(user)
    return user


def grid_url(disclosure, number: str = "05") -> str:
    return f"/admin/disclosure/disclosure/{disclosure.pk}/tables/{number}/"


def running(disclosure) -> ReportRow:
    return ReportRow.objects.get(disclosure=disclosure, table__number="05", code="2120101")


def cell_change(row, label: str, value: str) -> dict:
    return {"row": row.pk, "column": column_spec(row.table, label).pk, "value": value}


def post(client, disclosure, changes, *, version=None, number="05"):
    if version is None:
        version = Disclosure.objects.get(pk=disclosure.pk).version
    data = {"version": version, "changes": json.dumps(changes)}
    return client.post(grid_url(disclosure, number), data)


def amounts(row) -> dict:
    return {c.column.label: c.amount_yuan for c in row.cells.select_related("column")}


def test_the_grid_prints_the_table_as_printed_with_its_findings(client, clerk, draft):
    body = client.get(grid_url(draft)).content.decode()
    row = running(draft)
    assert "公开05表 一般公共预算财政拨款支出决算表" in body
    assert '<td class="code">2120101</td>' in body
    for label, wan in [("合计", "1092.80"), ("基本支出", "1084.02"), ("项目支出", "8.77")]:
        column = column_spec(row.table, label)
        assert f'data-row="{row.pk}" data-column="{column.pk}" data-original="{wan}"' in body
    assert "年初预算数<br><small>（不印出" in body  # unprinted, but entered here
    # Putuo prints 1092.80 beside 1084.02 + 8.77: the notice is marked on those cells and
    # listed below the grid.
    line = re.search(r'<tr><td class="code">2120101</td>.*?</tr>', body).group(0)
    assert line.count('class="finding-mark"') == 3
    assert "提示" in line
    assert '<h2 id="findings">' in body
    # The cells post nothing themselves: grid.js posts the changed ones as one field.
    assert 'name="changes"' in body
    assert not re.search(r'<input class="grid-cell[^>]*\sname=', body)


def test_the_changed_cells_are_saved_from_one_field(client, clerk, draft):
    row = running(draft)
    response = post(client, draft, [cell_change(row, "项目支出", "8.78")])
    assert response.status_code == 302
    assert amounts(row)["项目支出"] == yuan("8.78")
    page = client.get(response.url).content.decode()
    assert "已保存：新增 0 个、修改 1 个、清空 0 个数字。" in page
    # Checked again on the save: 1084.02 + 8.78 = 1092.80, so the row's notice is gone, but
    # its 款 21201 still prints 8.77: an error, marked on that one cell of the row.
    line = re.search(r'<tr><td class="code">2120101</td>.*?</tr>', page).group(0)
    assert line.count('class="finding-mark"') == 1
    mark = re.search(r'<td class="num finding-error">(.*?)</td>', line).group(1)
    assert 'aria-label="公开05表 2120101 行政运行（项目支出）"' in mark
    assert "21201 城乡社区管理事务 8.77 万元，下级科目 2120101 8.78 万元" in mark


def test_a_bad_figure_is_named_and_the_clerks_figures_are_kept(client, clerk, draft):
    row = running(draft)
    before = amounts(row)
    response = post(
        client, draft, [cell_change(row, "合计", "1,100"), cell_change(row, "项目支出", "八")]
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "公开05表 2120101 行政运行（项目支出）：“八”不是有效的金额" in body
    assert amounts(row) == before  # the good 1,100 was not written either
    total = column_spec(row.table, "合计")
    assert f'data-column="{total.pk}" data-original="1092.80" value="1,100"' in body
    assert 'class="grid-cell changed"' in body


def test_a_grid_opened_before_another_save_is_refused(client, clerk, draft):
    row = running(draft)
    stale = Disclosure.objects.get(pk=draft.pk).version
    post(client, draft, [cell_change(row, "合计", "1092.79")])
    response = post(client, draft, [cell_change(row, "基本支出", "1")], version=stale)
    body = response.content.decode()
    assert STALE in body
    assert (
        "未保存的修改（请在刷新后的表格中重新填写）：公开05表 2120101 行政运行（基本支出） → 1"
        in body
    )
    assert amounts(row)["基本支出"] == yuan("1084.02")
    assert amounts(row)["合计"] == yuan("1092.79")


def test_malformed_changes_write_nothing(client, clerk, draft):
    version = Disclosure.objects.get(pk=draft.pk).version
    response = client.post(grid_url(draft), {"version": version, "changes": "{not json"})
    assert "提交的修改无法读取，未写入任何数字" in response.content.decode()
    assert Disclosure.objects.get(pk=draft.pk).version == version


def test_another_agencys_clerk_finds_no_grid(client, draft):
    stranger = user_in_role(CLERK, agencies=[StandardDisclosureFactory().agency])
    client.force_login(stranger)
    assert client.get(grid_url(draft)).status_code == 404
    row = running(draft)
    assert post(client, draft, [cell_change(row, "合计", "1")]).status_code == 404
    assert amounts(row)["合计"] == yuan("1092.80")


def test_a_reviewer_reads_the_grid_and_cannot_post(client, draft):
    client.force_login(user_in_role(REVIEWER))
    body = client.get(grid_url(draft)).content.decode()
    assert '<span class="grid-value">1092.80</span>' in body
    assert 'class="grid-cell' not in body and 'value="保存"' not in body
    row = running(draft)
    assert post(client, draft, [cell_change(row, "合计", "1")]).status_code == 403


def test_the_published_grid_is_read_only_for_its_clerk(client, putuo):
    client.force_login(user_in_role(CLERK, agencies=[putuo.agency]))
    body = client.get(grid_url(putuo)).content.decode()
    assert "已发布的数字不能修改" in body and 'class="grid-cell' not in body
    row = running(putuo)
    assert post(client, putuo, [cell_change(row, "合计", "1")]).status_code == 403


def test_an_unknown_table_is_not_found(client, clerk, draft):
    assert client.get(grid_url(draft, "99")).status_code == 404


def test_the_disclosure_page_links_every_table_and_part(client, clerk, draft):
    body = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    for number in ["01", "02", "03", "04", "05", "06", "07", "08", "09"]:
        assert f'href="{grid_url(draft, number)}"' in body
    assert "公开05表 一般公共预算财政拨款支出决算表</a>（" in body
    for part in ["figures", "notes", "units"]:
        assert f'href="/admin/disclosure/disclosure/{draft.pk}/parts/{part}/"' in body
    assert "report_rows-TOTAL_FORMS" not in body


# --- 300 rows × 12 columns -------------------------------------------------------------------


def wide_disclosure(rows: int, columns: int = 12) -> Disclosure:
    """A standard-format disclosure whose one table has `rows` rows × `columns` columns, every
    cell filled (a table set of its own: the shipped tables have at most seven columns)."""
    fmt = ReportFormat.objects.create(key=f"wide-{rows}", name="测试宽表")
    table = TableSpec.objects.create(
        report_format=fmt, number="05", title="宽表", row_source="functional"
    )
    specs = ColumnSpec.objects.bulk_create(
        ColumnSpec(table=table, order=i, label=f"栏目{i}") for i in range(1, columns + 1)
    )
    year = StandardFiscalYearFactory(year=2030 + rows % 50, report_format=fmt)
    disclosure = StandardDisclosureFactory(fiscal_year=year)
    made = ReportRow.objects.bulk_create(
        ReportRow(disclosure=disclosure, table=table, order=i, code=f"2{i:06d}", name=f"项目{i}")
        for i in range(1, rows + 1)
    )
    Cell.objects.bulk_create(
        Cell(row=r, column=c, amount_yuan=yuan(f"{r.order}.{c.order:02d}"))
        for r in made
        for c in specs
    )
    return disclosure


GRID_QUERIES = (
    14  # measured: session, user, permissions, disclosure, tables, rows, cells, findings …
)


def test_the_grid_page_costs_the_same_queries_at_300_rows_by_12_columns(
    client, django_assert_max_num_queries
):
    small, large = wide_disclosure(30), wide_disclosure(300)
    client.force_login(user_in_role(CLERK, agencies=[small.agency, large.agency]))
    client.get(grid_url(small))  # the session and the permissions' caches warm
    with django_assert_max_num_queries(GRID_QUERIES) as few:
        assert client.get(grid_url(small)).status_code == 200
    with django_assert_max_num_queries(GRID_QUERIES) as many:
        body = client.get(grid_url(large)).content.decode()
    print(f"grid page at 300 × 12: {len(many.captured_queries)} queries")
    assert body.count('class="grid-cell') == 300 * 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_whole_pasted_table_of_300_rows_by_12_columns_is_one_field(client):
    disclosure = wide_disclosure(300)
    client.force_login(user_in_role(CLERK, agencies=[disclosure.agency]))
    table = TableSpec.objects.get(report_format=disclosure.fiscal_year.report_format)
    changes = [
        {"row": row_id, "column": column.pk, "value": "1"}
        for row_id in ReportRow.objects.filter(disclosure=disclosure).values_list("pk", flat=True)
        for column in table.columns.all()
    ]
    response = post(client, disclosure, changes)
    assert response.status_code == 302, response.content.decode()[:500]
    assert set(
        Cell.objects.filter(row__disclosure=disclosure).values_list("amount_yuan", flat=True)
    ) == {yuan("1")}
