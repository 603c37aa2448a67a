"""The list pages (home, a year, an agency) show one page of their list: the same queries and
the same amount of page whatever the corpus; a pager without dead links; bad page numbers are a
Chinese 404; the lists' CSVs stay complete."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from disclosure.public import paging
from disclosure.public.links import Links
from tests.factories import AgencyFactory, DisclosureFactory, FiscalYearFactory, publish

pytestmark = pytest.mark.django_db

PER_PAGE = 3


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(paging, "PER_PAGE", PER_PAGE)


def agencies_in_2024(n: int, start: int = 0) -> list:
    year = FiscalYearFactory(year=2024)
    made = []
    for i in range(start, start + n):
        agency = AgencyFactory(name=f"测试区第{i:02d}局", slug=f"a{i:02d}", region="测试区")
        made.append(publish(DisclosureFactory(agency=agency, fiscal_year=year)))
    return made


def links_of(html: str, rel: str | None = None) -> list[str]:
    nav = re.search(r'<nav class="pages pager".*?</nav>', html, flags=re.S)
    if nav is None:
        return []
    hrefs = re.findall(r'<a href="([^"]+)"( rel="(\w+)")?', nav.group(0))
    return [h.replace("&amp;", "&") for h, _, r in hrefs if rel is None or r == rel]


def names(html: str) -> list[str]:
    return re.findall(r">(测试区第\d\d局)</a>", html)


@pytest.mark.parametrize("url", ["/", "/years/2024/"])
def test_a_list_shows_one_page_and_its_pager_has_no_dead_link(client, url):
    agencies_in_2024(7)
    first = client.get(url).content.decode()
    assert names(first) == ["测试区第00局", "测试区第01局", "测试区第02局"]
    assert links_of(first, "next") == [f"{url}?page=2"] and not links_of(first, "prev")
    assert f"{url}?page=3" in links_of(first)  # the last page
    last = client.get(f"{url}?page=3").content.decode()
    assert names(last) == ["测试区第06局"] and not links_of(last, "next")
    assert links_of(last, "prev") == [f"{url}?page=2"]
    seen = set()
    for page in (f"{url}?page=2", url, f"{url}?page=3"):
        html = client.get(page).content.decode()
        for href in links_of(html):
            assert client.get(href).status_code == 200, href
        seen.update(names(html))
    assert len(seen) == 7  # every agency on exactly one of the pages
    # Page 1 is the list's own address, never ?page=1.
    assert f"{url}?page=1" not in client.get(f"{url}?page=2").content.decode()


def test_one_page_needs_no_pager(client):
    agencies_in_2024(2)
    assert links_of(client.get("/").content.decode()) == []
    assert 'class="pages pager"' not in client.get("/years/2024/").content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "4", "99999999999", "１", "2.0", "9" * 5000])
@pytest.mark.parametrize("url", ["/", "/years/2024/", "/agencies/a00/"])
def test_a_bad_page_number_is_a_chinese_404(client, url, page):
    agencies_in_2024(7)
    response = client.get(url, {"page": page})
    assert response.status_code == 404
    text = response.content.decode()
    assert "页码应为正整数" in text or "没有这一页：本列表共" in text


def test_past_the_end_names_the_pages_there_are(client):
    agencies_in_2024(7)
    assert "没有这一页：本列表共 3 页。" in client.get("/?page=4").content.decode()
    assert "页码应为正整数，例如 ?page=2。" in client.get("/?page=abc").content.decode()


# Home: the count, the page of agencies, their years, the years with publications. A year: the
# year, the count, the page's ids, their rows with totals. (Last-Modified's moment is already
# known: publish() sets it, as the workflow does.)
@pytest.mark.parametrize("url, queries", [("/", 4), ("/years/2024/", 4)])
def test_a_list_page_costs_the_same_queries_for_any_number_of_agencies(
    client, url, queries, django_assert_num_queries
):
    agencies_in_2024(4)
    with django_assert_num_queries(queries):
        few = client.get(url, {"page": "2"})
    agencies_in_2024(30, start=4)
    with django_assert_num_queries(queries):
        many = client.get(url, {"page": "2"})
    assert len(names(few.content.decode())) == 1 and len(names(many.content.decode())) == 3


def test_the_agency_page_pages_its_years(client, django_assert_num_queries):
    agency = AgencyFactory(slug="many-years", name="测试区多年局")
    for year in range(2018, 2025):
        publish(DisclosureFactory(agency=agency, fiscal_year=FiscalYearFactory(year=year)))
    html = client.get("/agencies/many-years/").content.decode()
    shown = re.findall(r"(\d{4})年度决算</a>", html)
    assert shown == ["2024", "2023", "2022"]
    assert links_of(html, "next") == ["/agencies/many-years/?page=2"]
    last = client.get("/agencies/many-years/?page=3").content.decode()
    assert re.findall(r"(\d{4})年度决算</a>", last) == ["2018"]
    assert last.count('class="chart"') == 1  # the chart still draws every year


def test_the_english_pager_stays_in_english(client):
    agencies_in_2024(7)
    html = client.get("/en/years/2024/").content.decode()
    assert links_of(html, "next") == ["/en/years/2024/?page=2"]
    assert 'href="/en/agencies/a00/2024/"' in html


@pytest.mark.parametrize(
    "url, header_rows",
    [("/index.csv", 1), ("/years/2024/agencies.csv", 1)],
)
def test_the_lists_downloads_stay_complete(client, url, header_rows):
    agencies_in_2024(7)
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    lines = [line for line in body.decode("utf-8-sig").splitlines() if line]
    assert len(lines) == header_rows + 7
    assert sum("测试区第" in line for line in lines) == 7


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_row_links_built_once_are_the_urls_reverse_gives(language):
    with translation.override(language):
        links = Links()
        assert links.agency("liyang-xinfang") == reverse("agency_detail", args=["liyang-xinfang"])
        for name in ("disclosure_detail", "disclosure_csv", "disclosure_xlsx"):
            built = getattr(links, name.replace("_detail", ""))("a-1000-b", 2014)
            assert built == reverse(name, args=["a-1000-b", 2014]), name
