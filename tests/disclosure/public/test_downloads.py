"""Download what you see: every public page links its CSV, Excel and JSON; the files hold
published revisions only, answer unknown agencies and years with Chinese 404s, and keep a fixed
number of queries."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import (
    CLERK,
    DisclosureFactory,
    ExpenditureLineFactory,
    StaffingEntryFactory,
    ThreePublicExpenseFactory,
    publish,
    user_in_role,
)

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("page", "files"),
    [
        (
            "/agencies/liyang-xinfang/2014/",
            [
                "/agencies/liyang-xinfang/2014.csv",
                "/agencies/liyang-xinfang/2014.xlsx",
                "/agencies/liyang-xinfang/2014.json",
            ],
        ),
        ("/years/2014/", ["/years/2014/agencies.csv", "/years/2014.xlsx", "/years/2014.json"]),
        (
            "/agencies/liyang-xinfang/",
            [
                "/agencies/liyang-xinfang.csv",
                "/agencies/liyang-xinfang.xlsx",
                "/agencies/liyang-xinfang.json",
            ],
        ),
        ("/", ["/index.csv", "/index.xlsx", "/index.json"]),
    ],
)
def test_every_page_links_its_files(client, seed, page, files):
    html = client.get(page).content.decode()
    assert "CSV</a> · <a" in html
    for url in files:
        assert f'href="{url}"' in html, url
    for url in files[:2]:  # the JSON siblings are the API's (disclosure.api)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;")


def test_list_csvs_carry_the_totals_the_pages_show(client, seed):
    year = csv_rows(client.get("/years/2014/agencies.csv"))
    assert year[0][:6] == [
        "单位",
        "地区",
        "修订版本",
        "发布时间",
        "收入决算（万元）",
        "支出决算（万元）",
    ]
    assert year[1][0] == "溧阳市信访局" and year[1][5] == "195.82"
    assert year[1][year[0].index("“三公”经费（万元）")] == "3.54"
    agency = csv_rows(client.get("/agencies/liyang-xinfang.csv"))
    assert agency[1][:2] == ["2014", "1"] and "195.82" in agency[1]
    home = csv_rows(client.get("/index.csv"))
    assert home == [["单位", "地区", "已公开年度"], ["溧阳市信访局", "江苏省溧阳市", "2014"]]


def test_list_workbooks_have_numbers(client, seed):
    for url, label in [("/agencies/liyang-xinfang.xlsx", 2014), ("/index.xlsx", "溧阳市信访局")]:
        response = client.get(url)
        assert response["Content-Type"] == XLSX
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        values = [[c.value for c in row] for row in ws.iter_rows()]
        assert values[2][0] == label
    ws = load_workbook(io.BytesIO(client.get("/agencies/liyang-xinfang.xlsx").content)).active
    expenditure = ws.cell(3, 5)
    assert (expenditure.value, expenditure.number_format) == (195.82, "#,##0.00")


def test_drafts_are_never_downloaded(client, seed):
    draft = DisclosureFactory(agency=seed.agency, fiscal_year__year=2015)
    ExpenditureLineFactory(disclosure=draft, name="草稿数字")
    client.force_login(user_in_role(CLERK, agencies=[seed.agency]))  # may preview the draft
    assert client.get("/agencies/liyang-xinfang/2015.xlsx").status_code == 404
    assert "草稿预览" in client.get(draft.get_absolute_url()).content.decode()
    assert "2015.xlsx" not in client.get(draft.get_absolute_url()).content.decode()
    assert client.get("/years/2015.xlsx").status_code == 200  # the year exists, empty
    for url in ["/years/2015/agencies.csv", "/agencies/liyang-xinfang.csv", "/index.csv"]:
        text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
        assert "2015" not in text.replace("2014", ""), url
    wb = load_workbook(io.BytesIO(client.get("/years/2015.xlsx").content))
    assert all("草稿数字" not in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(
    "url",
    [
        "/agencies/no-such-agency/2014.xlsx",
        "/agencies/liyang-xinfang/2013.xlsx",
        "/agencies/no-such-agency.csv",
        "/agencies/no-such-agency.xlsx",
        "/years/1999.xlsx",
        "/years/1999/agencies.csv",
    ],
)
def test_unknown_agency_or_year_is_a_chinese_404(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and ("没有找到该单位" in body or "没有该年度" in body)


def test_all_xlsx_is_refused_with_the_way_to_the_csv(client, seed):
    response = client.get("/all.xlsx")
    assert response.status_code == 404
    assert "/all.csv" in response.content.decode() and "Excel" in response.content.decode()


def _big_corpus(n: int):
    for i in range(n):
        d = DisclosureFactory(fiscal_year__year=2014)
        for j in range(5):
            ExpenditureLineFactory(disclosure=d, statement="functional", name=f"附加{i}-{j}")
            StaffingEntryFactory(disclosure=d)
        ThreePublicExpenseFactory(disclosure=d)
        publish(d)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The disclosure page's reads, then the figures (one streamed query per format and one
        # for the 三公 records).
        ("/agencies/liyang-xinfang/2014.xlsx", 11),
        ("/years/2014.xlsx", 5),
        ("/years/2014/agencies.csv", 2),
        ("/agencies/liyang-xinfang.csv", 2),
        ("/agencies/liyang-xinfang.xlsx", 2),
        ("/index.csv", 2),
        ("/index.xlsx", 2),
    ],
)
def test_downloads_keep_a_fixed_number_of_queries(
    client, seed, url, queries, django_assert_max_num_queries
):
    _big_corpus(8)
    with django_assert_max_num_queries(queries + 2):  # 2: Last-Modified (disclosure.caching)
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
