"""The acceptance test: every section and figure of the 2014 seed document, shown to citizens."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import (
    AUDITOR,
    CLERK,
    REVIEWER,
    DisclosureFactory,
    ExpenditureLineFactory,
    StaffingEntryFactory,
    ThreePublicExpenseFactory,
    UserFactory,
    WorkTaskItemFactory,
    publish,
    user_in_role,
)

pytestmark = pytest.mark.django_db

URL = "/agencies/liyang-xinfang/2014/"


def page_text(response) -> str:
    """The visible text, tags removed, so sentences can be compared with the document."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))


def source_block(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_every_figure_of_the_document_is_on_the_page(client, seed, seed_text):
    text = page_text(client.get(URL))
    figures = re.findall(r"(\d+(?:\.\d+)?)万元", seed_text)
    assert len(figures) == 12  # 收支 8, 三公 4: the document's own count
    for figure in figures:
        assert f"{Decimal(figure):.2f}万元" in text, figure
    for count in [
        "编制为8人",
        "行政编制7人",
        "行政附属编制1人",
        "行政在职人员9人",
        "行政附属人员1人",
        "合同制工人（临时工）3人",
        "退休人员6人",
        "接待批次57次",
        "接待人员466人次",
    ]:
        assert count in text, count


def test_generated_sentences_read_as_the_document(client, seed, seed_text):
    text = page_text(client.get(URL))
    # The document writes "1 人" and "55万元"; we print counts tight and 万元 to two decimals.
    expected = [
        "溧阳市信访局系行政机关一级局，编制为8人，其中行政编制7人，行政附属编制1人。"
        "现实有行政在职人员9人，行政附属人员1人，合同制工人（临时工）3人，退休人员6人。"
        "单位负责人为市政府办公室副主任、信访局长王颖同志。",
        "全年财政拨款收入决算总额195.82万元，资金决算支出195.82万元。",
        "资金按支出性质分基本支出140.82万元，其中：工资福利支出79.82万元，"
        "商品和服务支出31.32万元；项目专项经费55.00万元。",
        "按功能分为：一般公共服务支出184.82万元，住房保障支出11.00万元。",
        "全年“三公”经费总额为3.54万元。",
        "公务接待费3.54万元，同比基本持平；接待批次57次，接待人员466人次。",
        "因公出国（境）费0.00万元，年度没有出国安排。",
    ]
    for sentence in expected:
        assert sentence in text, sentence
    assert "单位没有配置公务车" in text


def test_every_duty_and_task_item_is_shown_verbatim_in_order(client, seed, seed_text):
    text = page_text(client.get(URL))
    duties = re.findall(
        r"^\d+、(.+)$", source_block(seed_text, "（二）基本职能和业务范围", "（三）"), re.M
    )
    tasks_block = source_block(seed_text, "（三）年度工作任务", "二、收支决算情况")
    items = [line.strip() for line in tasks_block.splitlines() if line.strip()]
    assert len(duties) == 10 and len(items) == 13
    position = 0
    for fragment in [*duties, *items]:
        fragment = re.sub(r"^(\d+、|（\d+）)", "", fragment)
        found = text.find(fragment, position)
        assert found > position, fragment[:30]
        position = found


def test_sections_follow_the_document_order(client, seed):
    text = page_text(client.get(URL))
    headings = [
        "一、概况",
        "（一）基本情况",
        "（二）基本职能和业务范围",
        "（三）年度工作任务",
        "二、收支决算情况",
        "三、“三公”经费公开情况",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_tables_show_the_other_than_itemised_structure(client, seed):
    html = client.get(URL).content.decode()
    assert "其中：工资福利支出" in html and "其中：商品和服务支出" in html
    assert re.search(
        r"<td class=\"code\">201</td><th scope=\"row\">一般公共服务支出</th>"
        r"<td class=\"num\">184.82</td>",
        html,
    )


def test_page_links_to_its_csv(client, seed):
    response = client.get(URL)
    assert (
        reverse("disclosure_csv", kwargs={"slug": "liyang-xinfang", "year": 2014})
        in response.content.decode()
    )


def test_reachable_by_clicking_from_home(client, seed):
    home = client.get("/").content.decode()
    assert 'href="/agencies/liyang-xinfang/"' in home
    agency = client.get("/agencies/liyang-xinfang/").content.decode()
    assert f'href="{URL}"' in agency
    assert "195.82" in agency and "3.54" in agency  # totals shown for comparison
    year = client.get("/years/2014/").content.decode()
    assert f'href="{URL}"' in year


def test_query_count_is_fixed(client, seed, django_assert_max_num_queries):
    big = DisclosureFactory()
    for i in range(30):
        ExpenditureLineFactory(disclosure=big, statement="functional", name=f"附加{i}")
        StaffingEntryFactory(disclosure=big)
        WorkTaskItemFactory(task__disclosure=big)
    ThreePublicExpenseFactory(disclosure=big)
    publish(big)
    # The 2014 page's reads (7), its stored reconciliation findings (1), the session-less
    # request's overhead, two for Last-Modified (disclosure.caching): a constant, whatever the
    # number of lines.
    with django_assert_max_num_queries(10 + 2):
        assert client.get(big.get_absolute_url()).status_code == 200


# Two of each are Last-Modified's (disclosure.caching). Home: the count, a page of agencies,
# their years, the years published; a year: the year, the count, the page's ids, their totals; the
# agency page also draws its 三公 by year (the years' records and their findings) and lists its
# published 部门预算 (one query). The lists are paged (tests/disclosure/public/test_lists.py:
# the same counts for any corpus).
@pytest.mark.parametrize(
    "url, limit", [("/", 6), ("/agencies/liyang-xinfang/", 6), ("/years/2014/", 6)]
)
def test_list_pages_query_count(client, seed, url, limit, django_assert_max_num_queries):
    for _ in range(5):
        DisclosureFactory(status="published")
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [CLERK, REVIEWER, AUDITOR])
def test_drafts_are_hidden_from_citizens_but_previewed_by_staff(client, seed, role):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(draft.get_csv_url()).status_code == 404
    client.force_login(user_in_role(role, agencies=[seed.agency] if role == CLERK else []))
    response = client.get(url)
    assert response.status_code == 200
    assert "草稿预览" in response.content.decode()
    assert client.get(draft.get_csv_url()).status_code == 404  # CSVs are for published only


def test_drafts_are_not_previewed_by_other_agencies_or_staff_without_a_role(client, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)
    other_clerk = user_in_role(CLERK, agencies=[DisclosureFactory().agency])
    for user in [other_clerk, UserFactory(permissions=["disclosure.view_disclosure"])]:
        client.force_login(user)
        assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/agencies/no-such-agency/",
        "/agencies/no-such-agency/2014/",
        "/agencies/liyang-xinfang/2013/",
        "/agencies/liyang-xinfang/99999999999999999999/",
        "/agencies/liyang-xinfang/abcd/",
        "/agencies/liyang-xinfang/2013.csv",
        "/years/1999/",
        "/years/1999.csv",
        "/nothing-here/",
    ],
)
def test_bad_urls_are_chinese_404s(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_home_without_data_says_so(client, db):
    body = client.get("/").content.decode()
    assert "暂无已发布的决算公开" in body
