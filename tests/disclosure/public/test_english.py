"""The public pages in English under /en/, Chinese unchanged at the unprefixed URLs."""

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from disclosure.models import Disclosure
from tests.factories import AUDITOR, DisclosureFactory, ExpenditureLineFactory, user_in_role

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seed_for_module", "putuo_for_module"),
]

# Each public page type: its Chinese URL and the words its English title starts with.
PAGES = {
    "/": "Home ·",
    "/agencies/putuo-ghzy/": "上海市普陀区规划和自然资源局: final accounts by year ·",
    "/agencies/liyang-xinfang/2014/": "Final accounts of 溧阳市信访局, 2014 ·",
    "/agencies/putuo-ghzy/2024/": "Final accounts of 上海市普陀区规划和自然资源局, 2024 ·",
    "/years/2024/": "Final accounts of every agency, 2024 ·",
    "/downloads/": "Data packages ·",
}
SITE = "Departmental Final Accounts and “Three Public Expenses” Disclosure Platform"


def title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def switch_links(html: str) -> list[str]:
    return re.findall(r'<a class="language" href="([^"]+)"', html)


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_is_in_english_under_en(client, url):
    response = client.get("/en" + url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "en"
    assert title(html) == f"{PAGES[url]} {SITE}"
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("url", PAGES)
def test_the_chinese_page_stays_at_its_url_in_chinese(client, url):
    html = client.get(url).content.decode()
    assert html_lang(html) == "zh-Hans"
    assert title(html).endswith("部门决算与“三公”经费公开平台")


@pytest.mark.parametrize("url", PAGES)
def test_the_switch_leads_to_the_same_page_in_the_other_language_and_back(client, url):
    english = client.get("/en" + url).content.decode()
    [to_chinese] = switch_links(english)
    assert path_of(to_chinese) == url
    chinese = client.get(path_of(to_chinese))
    assert chinese.status_code == 200
    [to_english] = switch_links(chinese.content.decode())
    assert path_of(to_english) == "/en" + url
    assert client.get(path_of(to_english)).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_hreflang_names_both_languages_and_the_chinese_default(client, url):
    for html in (client.get(url).content.decode(), client.get("/en" + url).content.decode()):
        links = {lang: path_of(href) for lang, href in hreflangs(html).items()}
        assert links == {"zh-Hans": url, "en": "/en" + url, "x-default": url}
        assert all(href.startswith("http://testserver/") for href in hreflangs(html).values())


def test_the_switch_keeps_the_query_string(client):
    client.force_login(user_in_role(AUDITOR))
    response = client.get("/en/reconciliation/?year=2024&severity=error")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "en" and title(html).startswith("Consistency check findings ·")
    assert "Severity" in html and "全部单位" not in html  # the filters' labels are English
    [to_chinese] = switch_links(html)
    assert path_of(unescape(to_chinese)) == "/reconciliation/?year=2024&severity=error"


def test_an_unknown_english_address_is_an_english_404(client):
    response = client.get("/en/unknown/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "en" and "Page not found" in html and "页面不存在" not in html
    assert hreflangs(html) == {}  # an error has no alternates …
    assert [path_of(u) for u in switch_links(html)] == ["/"]  # … its way out is the home page


def test_an_unknown_agency_in_english_says_so_in_english(client):
    response = client.get("/en/agencies/nobody/")
    assert response.status_code == 404
    assert "No such agency." in response.content.decode()
    assert "没有找到该单位。" in client.get("/agencies/nobody/").content.decode()


@pytest.mark.parametrize(
    ("template", "english"),
    [
        ("400.html", "Bad request"),
        ("403.html", "Access denied"),
        ("405.html", "Method not allowed"),
        ("500.html", "Server error"),
    ],
)
def test_the_other_error_pages_are_english_under_en(template, english):
    request = RequestFactory().get("/en/somewhere/")
    with translation.override("en"):
        html = render_to_string(template, {"method": "POST", "allowed": "GET"}, request=request)
    assert html_lang(html) == "en" and title(html).startswith(english)
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r'lang="zh-Hans">[^<]*', "", html))


def test_admin_and_api_are_neither_prefixed_nor_translated(client):
    assert client.get("/en/admin/").status_code == 404
    assert client.get("/en/api/v1/years").status_code == 404
    login = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "决算公开管理" in login.content.decode()
    assert login["Content-Language"] == "zh-hans"
    assert client.get("/api/v1/years").status_code == 200


def test_an_english_visitor_gets_chinese_at_the_unprefixed_urls(client):
    """No redirect on Accept-Language: the unprefixed URL is the Chinese page, always."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and html_lang(response.content.decode()) == "zh-Hans"


def test_the_classification_and_tables_are_in_english(client):
    html = unescape(client.get("/en/agencies/putuo-ghzy/2024/").content.decode())
    heading = (
        'Departmental final accounts of <span lang="zh-Hans">上海市普陀区规划和自然资源局</span>'
    )
    assert f"<h1>{heading}, 2024</h1>" in html  # the agency's name, marked as Chinese
    for words in [
        "Summary of Income and Expenditure",  # 公开01表's title
        "Table 01",
        "Basic expenditure",  # a column
        "Balances carried forward at the start of the year",  # a fixed row
        "General Public Services",  # 类 names, the MoF's English
        "Social Security and Employment",
        "Urban and Rural Community Affairs",
        "Housing Security",
        "Housing Provident Fund",  # a common 项
        "Official receptions",  # a 三公 item
    ]:
        assert words in html, words
    # A code with no English name shows the Chinese name beside its code, marked as Chinese.
    row = r'<td class="code">30204</td>\s*<th scope="row"><span lang="zh-Hans">手续费</span></th>'
    assert re.search(row, html)


def test_figures_are_grouped_in_english_and_as_printed_in_chinese(client):
    english = client.get("/en/agencies/putuo-ghzy/2024/").content.decode()
    chinese = client.get("/agencies/putuo-ghzy/2024/").content.decode()
    assert '<td class="num">9,759.38</td>' in english  # 本年支出合计, 公开01表
    assert '<td class="num">9759.38</td>' in chinese and "9,759.38" not in chinese


def test_dates_are_written_for_the_language(client):
    disclosure = DisclosureFactory()
    ExpenditureLineFactory(disclosure=disclosure)
    Disclosure.objects.filter(pk=disclosure.pk).update(
        status="published", published_at=datetime(2024, 12, 31, 2, 0, tzinfo=UTC)
    )  # 10:00 in Beijing
    url = disclosure.get_absolute_url()
    english = client.get("/en" + url).content.decode()
    chinese = client.get(url).content.decode()
    assert ">31 December 2024</time>" in english and "Published on" in english
    assert ">2024年12月31日</time>" in chinese and "发布于" in chinese


def test_the_english_pages_link_to_the_same_files(client):
    """Downloads are language-neutral: the JSON sibling is unprefixed, the CSV keeps its Chinese
    columns whichever address it is fetched from."""
    html = client.get("/en/agencies/putuo-ghzy/2024/").content.decode()
    assert 'href="/agencies/putuo-ghzy/2024.json"' in html
    assert client.get("/agencies/putuo-ghzy/2024.json").status_code == 200
    csv_path = re.search(r'href="([^"]+\.csv)"', html).group(1)
    english_csv = b"".join(client.get(csv_path).streaming_content)
    chinese_csv = b"".join(client.get("/agencies/putuo-ghzy/2024.csv").streaming_content)
    assert english_csv == chinese_csv and "单位,年度,报表".encode() in chinese_csv[:40]


def test_the_english_2014_page_translates_its_tables_and_marks_the_chinese_text(client):
    html = unescape(client.get("/en/agencies/liyang-xinfang/2014/").content.decode())
    assert "Approved posts and actual staff" in html
    assert "Expenditure by function" in html  # the statement's label
    assert "57 receptions, 466 guests received" in html  # the 三公 counts
    assert '<p lang="zh-Hans">溧阳市信访局系行政机关一级局' in html  # the document's own words


def test_an_english_page_costs_one_query_more_than_the_chinese(
    client, django_assert_num_queries, settings
):
    """The English names of the year's codes: one query, whatever the number of rows."""
    settings.CACHE_SECONDS = 0  # both pages rendered, not served from the page cache
    client.get("/agencies/putuo-ghzy/2024/")  # warm the caches both pages share
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as chinese:
        client.get("/agencies/putuo-ghzy/2024/")
    with django_assert_num_queries(len(chinese) + 1):
        client.get("/en/agencies/putuo-ghzy/2024/")
