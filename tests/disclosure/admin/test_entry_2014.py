"""2014-format entry without friction (issue 11, item 6): amounts as the import reads them,
"其中" parents named before the first save or inferred from codes, the code filling 科目 and the
name, the usual rows laid out, a page that fits 1,366 px, and a warning on submitting errors."""

from decimal import Decimal

import pytest

from disclosure.models import CodeVersion, Disclosure, ExpenditureLine
from tests.disclosure.admin.test_disclosures import ADD_URL, disclosure_post
from tests.factories import (
    CLERK,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, seed):
    user = user_in_role(CLERK, username="clerk", agencies=[seed.agency])
    client.force_login(user)
    return user


@pytest.fixture
def fy2015():
    return FiscalYearFactory(year=2015, code_version=CodeVersion.objects.get(key="2014"))


def line(statement, code, name, amount, parent="", order="1") -> dict:
    return {
        "statement": statement,
        "code": code,
        "name": name,
        "parent_ref": parent,
        "order": order,
        "amount_wan": amount,
    }


def created(seed, fy) -> Disclosure:
    return Disclosure.objects.get(agency=seed.agency, fiscal_year=fy)


def post(client, seed, fy, lines, **kwargs):
    return client.post(ADD_URL, disclosure_post(seed.agency, fy, lines=lines, **kwargs))


@pytest.mark.parametrize(
    ("typed", "yuan"),
    [
        ("1,234.56", Decimal("12345600.00")),
        ("１２３４．５６", Decimal("12345600.00")),
        ("１，２３４．５", Decimal("12345000.00")),
        ("195.82万元", Decimal("1958200.00")),
    ],
)
def test_amounts_are_read_as_the_import_reads_them(client, clerk, seed, fy2015, typed, yuan):
    response = post(client, seed, fy2015, [line("income", "", "财政拨款收入", typed)])
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert created(seed, fy2015).lines.get().amount_yuan == yuan


@pytest.mark.parametrize("typed", ["1,2", "12,34.5", "1.2.3"])
def test_misplaced_separators_are_still_refused(client, clerk, seed, fy2015, typed):
    response = post(client, seed, fy2015, [line("income", "", "财政拨款收入", typed)])
    assert response.status_code == 200
    assert "请输入数字金额（单位：万元），例如 195.82。" in response.content.decode()


def test_parent_named_before_the_first_save_and_inferred_from_codes(client, clerk, seed, fy2015):
    lines = [
        line("economic", "", "基本支出", "140.82", order="1"),
        line("economic", "", "工资福利支出（合计）", "79.82", parent="基本支出", order="2"),
        line("functional", "201", "一般公共服务支出", "184.82", order="1"),
        # A child before its parent on the page, inferred from its code: 20101 under 201.
        line("functional", "20102", "政协事务", "10", order="3"),
        line("functional", "20101", "人大事务", "20", order="4"),
        line("functional", "2010101", "行政运行", "5", order="5"),  # 20101 is a "其中"
    ]
    response = post(client, seed, fy2015, lines)
    assert response.status_code == 302, response.content.decode()[-3000:]
    parents = dict(created(seed, fy2015).lines.values_list("name", "parent__name"))
    assert parents == {
        "基本支出": None,
        "工资福利支出（合计）": "基本支出",
        "一般公共服务支出": None,
        "政协事务": "一般公共服务支出",
        "人大事务": "一般公共服务支出",
        "行政运行": None,  # one level of "其中", as the documents print them
    }


def test_a_parent_that_is_itself_a_child_is_refused(client, clerk, seed, fy2015):
    lines = [
        line("economic", "", "基本支出", "140.82", order="1"),
        line("economic", "301", "工资福利支出", "79.82", parent="基本支出", order="2"),
        line("economic", "30101", "基本工资", "20", parent="301", order="3"),
    ]
    response = post(client, seed, fy2015, lines)
    assert response.status_code == 200
    assert "“工资福利支出”本身是“其中”项" in response.content.decode()
    assert not Disclosure.objects.filter(fiscal_year=fy2015).exists()


def test_parent_by_code_and_kept_on_the_next_save(client, clerk, seed, fy2015):
    lines = [
        line("economic", "", "基本支出", "140.82", order="1"),
        line("economic", "", "工资福利支出", "79.82", parent="基本支出", order="2"),
        line("economic", "302", "商品和服务支出", "31.32", order="3"),
        line("economic", "30201", "办公费", "1", parent="302", order="4"),
    ]
    assert post(client, seed, fy2015, lines).status_code == 302
    draft = created(seed, fy2015)
    office = draft.lines.get(code="30201")
    assert office.parent.code == "302"
    body = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    assert 'value="302"' in body and 'value="基本支出"' in body  # the parents, shown as typed


def test_parent_from_another_statement_is_refused(client, clerk, seed, fy2015):
    lines = [
        line("income", "", "财政拨款收入", "195.82", order="1"),
        line("economic", "301", "工资福利支出", "79.82", parent="财政拨款收入", order="2"),
    ]
    response = post(client, seed, fy2015, lines)
    assert response.status_code == 200
    assert "同一报表中没有编码或名称为“财政拨款收入”的项目" in response.content.decode()
    assert not Disclosure.objects.filter(fiscal_year=fy2015).exists()


def test_the_code_fills_the_subject_and_a_blank_name(client, clerk, seed, fy2015):
    lines = [
        line("functional", "201", "", "184.82", order="1"),
        line("economic", "302", "商品和服务支出（本单位）", "31.32", order="2"),
    ]
    response = post(client, seed, fy2015, lines)
    assert response.status_code == 302, response.content.decode()[-3000:]
    draft = created(seed, fy2015)
    general = draft.lines.get(code="201")
    assert general.name == "一般公共服务支出"
    assert general.classification.code == "201" and general.classification.scheme == "functional"
    goods = draft.lines.get(code="302")
    assert goods.name == "商品和服务支出（本单位）"  # a typed name is kept
    assert goods.classification.scheme == "economic"
    body = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    assert "一般公共服务支出" in body


def test_a_line_with_neither_name_nor_known_code_is_refused(client, clerk, seed, fy2015):
    response = post(client, seed, fy2015, [line("income", "", "", "1")])
    assert response.status_code == 200
    assert "请填写项目名称" in response.content.decode()


def test_the_usual_rows_and_the_four_items_are_laid_out(client, clerk, seed, fy2015):
    body = client.get(ADD_URL).content.decode()
    for name in ["财政拨款收入", "财政拨款支出", "基本支出", "工资福利支出", "一般公共服务支出"]:
        assert f'value="{name}"' in body, name
    assert 'name="lines-TOTAL_FORMS" value="9"' in body
    assert 'name="three_public-TOTAL_FORMS" value="4"' in body
    assert 'name="lines-0-parent_ref"' in body and 'name="lines-0-parent"' not in body


def test_laid_out_rows_left_untouched_are_not_saved(client, clerk, seed, fy2015):
    # The page as laid out: the clerk fills two amounts and leaves the other rows as they are.
    from disclosure.admin.disclosures import standard_lines_initial

    rows = [{k: str(v) for k, v in row.items()} for row in standard_lines_initial()]
    rows[0]["amount_wan"] = "195.82"  # 财政拨款收入
    rows[3]["amount_wan"] = "79.82"  # 工资福利支出, "其中" of 基本支出 …
    rows[2]["amount_wan"] = "140.82"  # … which is filled too
    tp = [{"item": item} for item in ["outbound", "vehicle_purchase", "vehicle_running"]]
    tp.append({"item": "reception", "amount_wan": "3.54"})
    response = post(client, seed, fy2015, rows, three_public=tp)
    assert response.status_code == 302, response.content.decode()[-3000:]
    draft = created(seed, fy2015)
    assert sorted(draft.lines.values_list("name", flat=True)) == sorted(
        ["财政拨款收入", "基本支出", "工资福利支出"]
    )
    assert draft.lines.get(code="301").parent.name == "基本支出"
    assert list(draft.three_public.values_list("item", flat=True)) == ["reception"]


def test_the_lines_inline_is_narrow(client, clerk, seed):
    """Widths the 1,366 px window needs: short inputs, no select of every line, no 科目 select."""
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(disclosure=draft, statement="economic", code="301", name="工资")
    body = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    assert 'name="lines-0-code"' in body and 'size="7"' in body
    assert 'name="lines-0-parent"' not in body and 'name="lines-0-classification"' not in body
    assert "js/line-codes.js" in body
    assert "<script>" not in body.split("<body")[1].replace("<script src", "")


def test_submitting_with_errors_warns(client, clerk, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    parent = ExpenditureLineFactory(
        disclosure=draft, statement="economic", name="基本支出", amount_yuan=Decimal("100.00")
    )
    ExpenditureLineFactory(
        disclosure=draft,
        statement="economic",
        name="工资",
        parent=parent,
        amount_yuan=Decimal("500.00"),
    )
    url = f"/admin/disclosure/disclosure/{draft.pk}/change/"
    body = client.get(url).content.decode()
    assert "data-confirm=" in body and "仍要提交审核吗" in body
    assert "submit-errors" in body
    response = client.post(f"{url.removesuffix('change/')}workflow/submit/", follow=True)
    text = response.content.decode()
    assert "核对发现" in text and "发布前须更正" in text
    draft.refresh_from_db()
    assert draft.status == "submitted"  # a warning, not a refusal


def test_submitting_without_errors_asks_nothing(client, clerk, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    ExpenditureLineFactory(disclosure=draft, statement="income", amount_yuan=Decimal("1.00"))
    body = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    assert "data-confirm=" not in body


def test_line_admin_fills_the_subject_from_the_code(client, clerk, seed, fy2015):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=fy2015)
    data = {"disclosure": draft.pk, "statement": "functional", "code": "221", "name": ""}
    data |= {"order": "1", "amount_wan": "11"}
    response = client.post("/admin/disclosure/expenditureline/add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    added = ExpenditureLine.objects.get(disclosure=draft)
    assert (added.name, added.classification.code) == ("住房保障支出", "221")


def test_the_submit_action_of_the_list_warns_too(client, clerk, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    parent = ExpenditureLineFactory(
        disclosure=draft, statement="economic", name="基本支出", amount_yuan=Decimal("100.00")
    )
    ExpenditureLineFactory(
        disclosure=draft, statement="economic", parent=parent, amount_yuan=Decimal("500.00")
    )
    response = client.post(
        "/admin/disclosure/disclosure/",
        {"action": "submit", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "发布前须更正" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "submitted"
