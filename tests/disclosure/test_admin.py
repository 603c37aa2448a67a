"""Clerks enter a disclosure in the admin; bad input gets a Chinese error and writes nothing."""

from decimal import Decimal

import pytest

from disclosure.models import Disclosure, ExpenditureLine, ThreePublicExpense
from tests.factories import FiscalYearFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA_MODELS = [
    "disclosure",
    "staffingentry",
    "duty",
    "worktask",
    "worktaskitem",
    "expenditureline",
    "threepublicexpense",
]
CLERK_PERMS = [
    f"disclosure.{a}_{m}" for a in ("view", "add", "change", "delete") for m in DATA_MODELS
]
CLERK_PERMS += ["bureaus.view_agency", "disclosure.view_fiscalyear"]
ADD_URL = "/admin/disclosure/disclosure/add/"


@pytest.fixture
def clerk(client, db):
    user = UserFactory(username="clerk", permissions=CLERK_PERMS)
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


def test_seed_change_page_shows_amounts_in_wan(client, clerk, seed):
    body = client.get(f"/admin/disclosure/disclosure/{seed.pk}/change/").content.decode()
    for value in ["195.82", "140.82", "79.82", "31.32", "55.00", "184.82", "11.00", "3.54"]:
        assert f'value="{value}"' in body, value
    assert "金额（万元）" in body


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


def test_reviewer_publishes_and_clerk_cannot(client, seed):
    fy2015 = FiscalYearFactory(year=2015)
    draft = Disclosure.objects.create(agency=seed.agency, fiscal_year=fy2015)
    ExpenditureLine.objects.create(
        disclosure=draft, statement="income", name="财政拨款收入", amount_yuan=Decimal("1.00")
    )
    action = {"action": "publish", "_selected_action": [draft.pk]}
    client.force_login(UserFactory(permissions=CLERK_PERMS))
    client.post("/admin/disclosure/disclosure/", action)
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.force_login(UserFactory(permissions=CLERK_PERMS + ["disclosure.publish_disclosure"]))
    client.post("/admin/disclosure/disclosure/", action)
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_publishing_an_empty_disclosure_is_refused(client, seed):
    fy2015 = FiscalYearFactory(year=2015)
    draft = Disclosure.objects.create(agency=seed.agency, fiscal_year=fy2015)
    client.force_login(UserFactory(permissions=CLERK_PERMS + ["disclosure.publish_disclosure"]))
    response = client.post(
        "/admin/disclosure/disclosure/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "还没有任何收支数字，不能发布" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
