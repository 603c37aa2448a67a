"""Clerks enter a disclosure in the admin; bad input gets a Chinese error and writes nothing."""

from decimal import Decimal

import pytest

from disclosure.models import Disclosure, ExpenditureLine, ThreePublicExpense
from disclosure.workflow import corrections
from tests.factories import (
    CLERK,
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    FiscalYearFactory,
    user_in_role,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/disclosure/disclosure/add/"


@pytest.fixture
def clerk(client, seed):
    """The seed agency's clerk, logged in."""
    user = user_in_role(CLERK, username="clerk", agencies=[seed.agency])
    client.force_login(user)
    return user


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def disclosure_post(agency, fiscal_year, *, lines=None, three_public=None) -> dict:
    data = {
        "agency": agency.pk,
        "fiscal_year": fiscal_year.pk,
        "head_name": "王颖",
        "head_posts": "信访局长",
        "_save": "保存",
    }
    data |= inline(
        "staffing",
        [
            {"kind": "quota", "category": "行政编制", "headcount": "7", "order": "1"},
            {"kind": "actual", "category": "行政在职人员", "headcount": "9", "order": "1"},
        ],
    )
    data |= inline("duties", [{"order": "1", "text": "受理人民来信来访。"}])
    data |= inline("tasks", [{"order": "1", "heading": "化解积案。"}])
    data |= inline(
        "lines",
        lines
        if lines is not None
        else [
            {
                "statement": "income",
                "code": "",
                "name": "财政拨款收入",
                "order": "1",
                "amount_wan": "201.37",
            },
            {
                "statement": "functional",
                "code": "201",
                "name": "一般公共服务支出",
                "order": "1",
                "amount_wan": "190.123456",
            },
        ],
    )
    data |= inline(
        "three_public",
        three_public
        if three_public is not None
        else [
            {
                "item": "reception",
                "amount_wan": "3.2",
                "reception_batches": "50",
                "reception_persons": "400",
                "yoy_remark": "同比下降",
            },
        ],
    )
    return data


def test_clerk_creates_the_2015_disclosure_of_the_seed_agency(client, clerk, seed):
    fy2015 = FiscalYearFactory(year=2015)
    response = client.post(ADD_URL, disclosure_post(seed.agency, fy2015))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    created = Disclosure.objects.get(agency=seed.agency, fiscal_year=fy2015)
    assert created.status == "draft"
    amounts = dict(created.lines.values_list("name", "amount_yuan"))
    assert amounts == {
        "财政拨款收入": Decimal("2013700.00"),
        "一般公共服务支出": Decimal("1901234.56"),
    }
    reception = created.three_public.get()
    assert (reception.amount_yuan, reception.reception_batches) == (Decimal("32000.00"), 50)
    assert created.staffing.count() == 2 and created.duties.count() == 1
    # And the clerk sees the amounts back in 万元 on the change page.
    body = client.get(f"/admin/disclosure/disclosure/{created.pk}/change/").content.decode()
    assert 'value="201.37"' in body and 'value="190.123456"' in body


def assert_nothing_written(before: tuple):
    assert (
        Disclosure.objects.count(),
        ExpenditureLine.objects.count(),
        ThreePublicExpense.objects.count(),
    ) == before


def counts() -> tuple:
    return (
        Disclosure.objects.count(),
        ExpenditureLine.objects.count(),
        ThreePublicExpense.objects.count(),
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1.00", "金额不能为负数。"),
        ("一百万", "请输入数字金额（单位：万元），例如 195.82。"),
        ("1e3x", "请输入数字金额（单位：万元），例如 195.82。"),
        ("1.1234567", "金额最多保留 6 位小数（万元），即精确到分。"),
        ("1234567890", "金额过大"),
    ],
)
def test_bad_amount_is_a_chinese_error_and_nothing_is_written(client, clerk, seed, amount, message):
    fy2015 = FiscalYearFactory(year=2015)
    before = counts()
    lines = [
        {
            "statement": "income",
            "code": "",
            "name": "财政拨款收入",
            "order": "1",
            "amount_wan": amount,
        }
    ]
    response = client.post(ADD_URL, disclosure_post(seed.agency, fy2015, lines=lines))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_written(before)


def test_second_disclosure_for_same_agency_and_year_is_refused(client, clerk, seed):
    before = counts()
    response = client.post(ADD_URL, disclosure_post(seed.agency, seed.fiscal_year))
    assert response.status_code == 200
    assert "该单位该年度的决算公开已存在" in response.content.decode()
    assert_nothing_written(before)


def test_count_on_the_wrong_item_is_refused(client, clerk, seed):
    fy2015 = FiscalYearFactory(year=2015)
    before = counts()
    tp = [{"item": "outbound", "amount_wan": "0", "reception_batches": "3"}]
    response = client.post(ADD_URL, disclosure_post(seed.agency, fy2015, three_public=tp))
    assert "接待批次不适用于因公出国（境）费" in response.content.decode()
    assert_nothing_written(before)


def test_negative_count_and_bad_code_are_refused(client, clerk, seed):
    fy2015 = FiscalYearFactory(year=2015)
    before = counts()
    tp = [{"item": "reception", "amount_wan": "1", "reception_batches": "-3"}]
    lines = [
        {"statement": "functional", "code": "20A", "name": "x", "order": "1", "amount_wan": "1"}
    ]
    body = client.post(
        ADD_URL, disclosure_post(seed.agency, fy2015, lines=lines, three_public=tp)
    ).content.decode()
    assert "数量不能为负数。" in body
    assert "科目编码应为 3 位（类）、5 位（款）或 7 位（项）数字。" in body
    assert_nothing_written(before)


SEED_FIGURES = ["195.82", "140.82", "79.82", "31.32", "55.00", "184.82", "11.00", "3.54"]


def test_published_seed_is_shown_read_only_in_wan(client, clerk, seed):
    body = client.get(f"/admin/disclosure/disclosure/{seed.pk}/change/").content.decode()
    for value in SEED_FIGURES:
        assert f">{value}<" in body, value
        assert f'value="{value}"' not in body, value  # no input: published figures are frozen
    assert "金额（万元）" in body


def test_correction_draft_of_the_seed_is_edited_in_wan(client, clerk, seed):
    reviewer = user_in_role(REVIEWER)
    draft = corrections.disclosure_open_correction(disclosure=seed, by=reviewer, reason="核对")
    body = client.get(f"/admin/disclosure/disclosure/{draft.pk}/change/").content.decode()
    for value in SEED_FIGURES:
        assert f'value="{value}"' in body, value


def test_admin_changelist_filters_and_search(client, clerk, seed):
    body = client.get("/admin/disclosure/disclosure/?q=信访").content.decode()
    assert "溧阳市信访局" in body
    body = client.get("/admin/disclosure/disclosure/?q=不存在的单位").content.decode()
    assert "0 条" in body or "溧阳市信访局 2014" not in body
    assert (
        client.get(
            f"/admin/disclosure/disclosure/?fiscal_year__id__exact={seed.fiscal_year_id}"
        ).status_code
        == 200
    )


def test_clerk_submits_and_reviewer_publishes_and_clerk_cannot(client, clerk, seed):
    fy2015 = FiscalYearFactory(year=2015)
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=fy2015)
    ExpenditureLineFactory(disclosure=draft, statement="income", amount_yuan=Decimal("1.00"))
    changelist = "/admin/disclosure/disclosure/"
    client.post(changelist, {"action": "submit", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "submitted"
    action = {"action": "publish", "_selected_action": [draft.pk]}
    client.post(changelist, action)
    draft.refresh_from_db()
    assert draft.status == "submitted"  # the clerk has no publish action
    client.force_login(user_in_role(REVIEWER))
    client.post(changelist, action)
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_publishing_an_empty_disclosure_is_refused(client, seed):
    fy2015 = FiscalYearFactory(year=2015)
    submitted = DisclosureFactory(agency=seed.agency, fiscal_year=fy2015, status="submitted")
    client.force_login(user_in_role(REVIEWER))
    response = client.post(
        "/admin/disclosure/disclosure/",
        {"action": "publish", "_selected_action": [submitted.pk]},
        follow=True,
    )
    assert "还没有任何收支数字，不能发布" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def change_post(disclosure, *, version, head_name, lines=()) -> dict:
    data = {
        "agency": disclosure.agency_id,
        "fiscal_year": disclosure.fiscal_year_id,
        "head_name": head_name,
        "head_posts": "局长",
        "version": version,
        "_save": "保存",
    }
    for prefix in ["staffing", "duties", "tasks", "three_public"]:
        data |= inline(prefix, [])
    return data | inline("lines", list(lines))


def test_the_second_of_two_concurrent_edits_is_refused_and_writes_nothing(client, clerk, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    url = f"/admin/disclosure/disclosure/{draft.pk}/change/"
    opened_at = draft.version  # both clerks opened the page at this version
    first = client.post(url, change_post(draft, version=opened_at, head_name="甲"))
    assert first.status_code == 302
    line = {"statement": "income", "code": "", "name": "乙的数字", "order": "1", "amount_wan": "9"}
    second = client.post(url, change_post(draft, version=opened_at, head_name="乙", lines=[line]))
    assert second.status_code == 200
    assert "该决算已被他人修改（版本已变化），为避免覆盖他人的修改，本次保存未执行。" in (
        second.content.decode()
    )
    draft.refresh_from_db()
    assert (draft.head_name, draft.version) == ("甲", opened_at + 1)
    assert not draft.lines.exists()  # the inline rows of the refused save were not written
    # Reloading gives the new version, and saving from it works.
    third = client.post(url, change_post(draft, version=draft.version, head_name="乙"))
    assert third.status_code == 302
    draft.refresh_from_db()
    assert (draft.head_name, draft.version) == ("乙", opened_at + 2)


def test_editing_a_row_on_its_own_page_makes_open_disclosure_forms_stale(client, clerk, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year=FiscalYearFactory(year=2015))
    line = ExpenditureLineFactory(disclosure=draft, statement="income", name="收入")
    opened_at = draft.version
    data = {"disclosure": draft.pk, "statement": "income", "code": "", "name": "收入"}
    data |= {"order": "1", "amount_wan": "5", "disclosure_version": opened_at}  # as the page has it
    client.post(f"/admin/disclosure/expenditureline/{line.pk}/change/", data)
    line.refresh_from_db()
    assert line.amount_yuan == 50000  # the row's own save went through
    response = client.post(
        f"/admin/disclosure/disclosure/{draft.pk}/change/",
        change_post(draft, version=opened_at, head_name="甲"),
    )
    assert "该决算已被他人修改" in response.content.decode()
