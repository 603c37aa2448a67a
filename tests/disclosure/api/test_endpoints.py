"""The public JSON API as a client uses it: published data only, money as strings, Chinese
errors, keyset pages, revalidation with 304, CORS for reads, the `.json` siblings."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils.http import http_date, parse_http_date

from disclosure.caching.published import published_changed
from disclosure.models import Disclosure
from disclosure.workflow import corrections, services
from tests.factories import (
    REVIEWER,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    ThreePublicExpenseFactory,
    user_in_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module", "putuo_for_module")]

API = "/api/v1"
SEED = f"{API}/disclosures/liyang-xinfang/2014"
PUTUO = f"{API}/disclosures/putuo-ghzy/2024"


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response["Content-Type"].startswith("application/json"), url
    return response


def all_items(client, url: str) -> list:
    """Every item of a paginated list, following `next` to the end."""
    items = []
    while url:
        body = get(client, url).json()
        items += body["items"]
        url = body["next"]
    return items


# --- what each endpoint answers ----------------------------------------------------------------


def test_seed_figures_in_both_units_as_strings(client):
    figures = all_items(client, f"{SEED}/figures")
    by_name = {(f["table"], f["name"]): f for f in figures}
    wage = by_name[("支出按性质分（经济分类）", "工资福利支出")]
    assert wage | {"amount_yuan": "798200.00", "amount_wan": "79.82"} == wage
    assert wage["place"] == "基本支出" and wage["column"] == "决算数"
    reception = by_name[("“三公”经费", "公务接待费")]
    assert (reception["amount_yuan"], reception["amount_wan"]) == ("35400.00", "3.54")
    assert all(isinstance(f["amount_yuan"], str) for f in figures)


def test_standard_figures_carry_table_row_code_and_column(client):
    body = get(client, f"{PUTUO}/figures?table=05&code=2120101").json()
    assert {(f["column"], f["amount_wan"]) for f in body["items"]} >= {("合计", "1092.80")}
    assert {f["table_key"] for f in body["items"]} == {"05"}
    assert body["items"][0]["table"].startswith("公开05表")


def test_disclosure_detail_totals_and_revisions(client):
    body = get(client, SEED).json()
    assert body["status"] == "已发布" and body["kind"] == "决算" and body["revision"] == 1
    totals = {t["name"]: t["amount_wan"] for t in body["totals"]}
    assert totals["expenditure"] == "195.82" and totals["three_public"] == "3.54"
    assert [r["revision"] for r in body["revisions"]] == [1]
    assert body["page"] == "/agencies/liyang-xinfang/2014/"


def test_three_public_records_with_counts(client):
    records = get(client, f"{SEED}/three-public").json()
    reception = next(r for r in records if r["item"] == "reception")
    assert (reception["reception_batches"], reception["reception_persons"]) == (57, 466)
    assert reception["yoy_remark"] == "同比基本持平" and reception["amount_wan"] == "3.54"


def test_sections_print_the_page_text_and_name_each_cited_cell(client):
    sections = get(client, f"{PUTUO}/sections").json()
    paragraphs = [p for s in sections for p in s["paragraphs"]]
    cited = [c for p in paragraphs for c in p["citations"] if c["kind"] == "cell"]
    assert cited, "the Putuo 情况说明 cites table cells"
    for citation in cited:
        assert Decimal(citation["amount_yuan"]) / 10000 == pytest.approx(
            Decimal(citation["printed"]), abs=Decimal("0.005")
        )
        assert (
            citation["reference"] == f"c:{citation['table']}|{citation['row']}|{citation['column']}"
        )
    assert all("[[" not in p["text"] for p in paragraphs)
    seed_sections = get(client, f"{SEED}/sections").json()
    assert "全年“三公”经费总额为3.54万元。" in [
        p["text"] for s in seed_sections for p in s["paragraphs"]
    ]


def test_agencies_years_and_filters(client):
    agencies = all_items(client, f"{API}/agencies?region=江苏省溧阳市")
    assert [a["slug"] for a in agencies] == ["liyang-xinfang"]
    years = {y["year"]: y["disclosures"] for y in get(client, f"{API}/years").json()}
    assert years[2014] == 1 and years[2024] == 1
    listed = all_items(client, f"{API}/disclosures?year=2024&kind=决算")
    assert [d["agency"] for d in listed] == ["putuo-ghzy"]
    agency = get(client, f"{API}/agencies/putuo-ghzy").json()
    assert [d["year"] for d in agency["disclosures"]] == [2024]
    year = get(client, f"{API}/years/2014").json()
    assert [d["agency"] for d in year["items"]] == ["liyang-xinfang"]


# --- published only ----------------------------------------------------------------------------


@pytest.fixture
def unpublished(seed):
    """A draft, a submitted and a superseded revision beside the published ones."""
    reviewer = user_in_role(REVIEWER)
    draft = DisclosureFactory(agency=AgencyFactory(slug="draft-only", region="草稿市"))
    ExpenditureLineFactory(disclosure=draft, name="草稿项目", amount_yuan=Decimal("1.00"))
    ThreePublicExpenseFactory(disclosure=draft, amount_yuan=Decimal("2.00"))
    submitted = DisclosureFactory(agency=AgencyFactory(slug="submitted-only"))
    ExpenditureLineFactory(disclosure=submitted, name="待审项目")
    Disclosure.objects.filter(pk=submitted.pk).update(status="submitted")
    correction = corrections.disclosure_open_correction(
        disclosure=seed, by=reviewer, reason="更正住房保障支出"
    )
    correction.lines.filter(name="住房保障支出").update(amount_yuan=Decimal("120000.00"))
    correction.lines.filter(name="一般公共服务支出").update(amount_yuan=Decimal("1838200.00"))
    Disclosure.objects.filter(pk=correction.pk).update(status="submitted")
    services.disclosure_publish(disclosure=correction, by=reviewer)
    # And a correction of that correction, still a draft.
    open_draft = corrections.disclosure_open_correction(
        disclosure=Disclosure.objects.current().get(agency=seed.agency),
        by=reviewer,
        reason="尚未发布的更正",
    )
    open_draft.lines.filter(name="住房保障支出").update(amount_yuan=Decimal("999.00"))
    return draft, submitted


def test_drafts_submitted_and_superseded_revisions_never_appear(client, unpublished):
    urls = [
        f"{API}/disclosures",
        f"{API}/figures",
        f"{API}/three-public",
        f"{API}/findings",
        f"{API}/disclosures?agency=draft-only",
        f"{API}/figures?agency=submitted-only",
        f"{API}/figures?region=草稿市",
    ]
    for url in urls:
        text = str(all_items(client, url))
        for unwanted in (
            "draft-only",
            "submitted-only",
            "草稿项目",
            "待审项目",
            "'0.10'",
            "'999.00'",
        ):
            assert unwanted not in text, (url, unwanted)
    for url in [f"{API}/disclosures/draft-only/2014", f"{API}/disclosures/submitted-only/2014"]:
        assert client.get(url).status_code == 404
    seed_figures = all_items(client, f"{SEED}/figures?code=221")
    assert [f["amount_wan"] for f in seed_figures] == ["12.00"]  # revision 2, not 1 nor draft 3
    assert {f["revision"] for f in all_items(client, f"{API}/figures?agency=liyang-xinfang")} == {2}
    detail = get(client, SEED).json()
    assert [(r["revision"], r["status"]) for r in detail["revisions"]] == [
        (1, "已更正（被新修订版取代）"),
        (2, "已发布"),
    ]
    assert get(client, f"{API}/agencies/draft-only").json()["disclosures"] == []
    assert {y["year"]: y["disclosures"] for y in get(client, f"{API}/years").json()}[2014] == 1


def test_corrections_old_to_new_with_reason(client, unpublished):
    [correction] = get(client, f"{SEED}/corrections").json()
    assert (correction["revision"], correction["reason"]) == (2, "更正住房保障支出")
    changes = {c["label"]: (c["old"], c["new"]) for c in correction["changes"]}
    assert changes["支出按功能分类：221 住房保障支出"] == ("11.00万元", "12.00万元")
    assert "尚未发布的更正" not in str(get(client, f"{SEED}/corrections").json())


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"{API}/agencies/no-such-agency", 404, "没有找到该单位。"),
        (f"{API}/years/1999", 404, "没有该年度的决算公开。"),
        (f"{API}/disclosures/liyang-xinfang/2015", 404, "没有找到该单位该年度已发布的决算公开。"),
        (f"{API}/disclosures/liyang-xinfang/2015/figures", 404, "已发布的决算公开"),
        (f"{API}/disclosures?year=abc", 422, "请求参数有误"),
        (f"{API}/figures?limit=100000", 422, "请求参数有误"),
        (f"{API}/figures?limit=0", 422, "请求参数有误"),
        # 决算 and 预算 are the kinds; anything else is refused as every bad filter is.
        (f"{API}/disclosures?kind=季报", 422, "请求参数有误"),
        (f"{API}/figures?kind=final", 422, "请求参数有误"),
        (f"{API}/disclosures/liyang-xinfang/2014?kind=预算", 404, "已发布的部门预算"),
        (f"{API}/years/99999999999999999999", 422, "请求参数有误"),
        (f"{API}/figures?cursor=bm90LWEta2V5", 400, "分页游标无效"),
        (f"{API}/agencies?cursor=WyJ4Il0", 400, "分页游标无效"),
        (f"{API}/figures?cursor=!!", 422, "请求参数有误"),
    ],
)
def test_errors_are_json_in_chinese_never_500(client, url, status, message):
    response = get(client, url)
    assert response.status_code == status
    assert message in response.json()["detail"]


# --- pagination --------------------------------------------------------------------------------


def test_keyset_pages_cover_every_figure_once(client):
    everything = get(client, f"{API}/figures?limit=500").json()
    assert everything["next"] is None
    pages, url = [], f"{API}/figures?limit=7&agency="
    while url:
        body = get(client, url).json()
        assert len(body["items"]) <= 7
        pages.append(body["items"])
        url = body["next"]
        if url:
            assert urlsplit(url).path == "/api/v1/figures" and "limit=7" in url
    assert [f for page in pages for f in page] == everything["items"]
    assert len(pages) == -(-len(everything["items"]) // 7)


# --- caching -----------------------------------------------------------------------------------


def test_etag_and_last_modified_revalidate_with_304(client):
    for url in [SEED, f"{API}/figures?limit=3", f"{API}/agencies", "/agencies/liyang-xinfang.json"]:
        first = client.get(url)
        etag, modified = first["ETag"], first["Last-Modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    schema = client.get(f"{API}/openapi.json")
    assert (
        client.get(f"{API}/openapi.json", headers={"If-None-Match": schema["ETag"]}).status_code
        == 304
    )


def test_head_answers_as_get_without_a_body(client):
    for url in [SEED, f"{API}/figures?limit=3", "/agencies/liyang-xinfang/2014.json"]:
        got, head = client.get(url), client.head(url)
        assert head.status_code == 200 and head.content == b""
        assert head["ETag"] == got["ETag"] and head["Last-Modified"] == got["Last-Modified"]
        assert head["Content-Length"] == str(len(got.content))
        assert client.head(url, headers={"If-None-Match": got["ETag"]}).status_code == 304


def test_publishing_moves_last_modified_and_etag(client, seed):
    d = DisclosureFactory(agency=AgencyFactory(slug="late"))
    ExpenditureLineFactory(disclosure=d, statement="income")
    before = client.get(f"{API}/disclosures")  # a draft changes nothing public
    # Published a day after the newest change so far (a queryset update, as factories.publish).
    later = before_moment(before) + timedelta(days=1)
    Disclosure.objects.filter(pk=d.pk).update(
        status="published", published_at=later, updated_at=later
    )
    published_changed()  # what the workflow calls once a publication has committed
    after = client.get(f"{API}/disclosures", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == http_date(later.timestamp())
    since = client.get(f"{API}/disclosures", headers={"If-Modified-Since": before["Last-Modified"]})
    assert since.status_code == 200


def before_moment(response):
    return datetime.fromtimestamp(parse_http_date(response["Last-Modified"]), tz=UTC)


# --- CORS, docs, the .json siblings ------------------------------------------------------------


def test_cors_allows_any_origin_to_read_the_api_only(client):
    origin = {"Origin": "https://example.org"}
    api = client.get(SEED, headers=origin)
    assert api["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in api
    assert "ETag" in api["Access-Control-Expose-Headers"]
    preflight = client.options(SEED, headers=origin | {"Access-Control-Request-Method": "GET"})
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = client.get("/agencies/liyang-xinfang/2014/", headers=origin)
    assert "Access-Control-Allow-Origin" not in page


def test_openapi_schema_and_docs_page_load_nothing_off_site(client):
    import re

    from django.contrib.staticfiles import finders

    schema = client.get(f"{API}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/figures", "/api/v1/disclosures/{slug}/{year}"} <= set(schema["paths"])
    html = client.get(f"{API}/docs").content.decode()
    assert "swagger-ui" in html
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references and all(ref.startswith("/static/") for ref in references), references
    assert not re.search(r"https?://", html)
    assert '"validatorUrl": null' in html
    for ref in references:
        assert finders.find(ref.removeprefix("/static/")), ref


@pytest.mark.parametrize(
    ("sibling", "resource"),
    [
        ("/agencies/liyang-xinfang/2014.json", SEED),
        ("/agencies/putuo-ghzy.json", f"{API}/agencies/putuo-ghzy"),
        ("/years/2024.json", f"{API}/years/2024"),
    ],
)
def test_json_siblings_answer_as_the_api(client, sibling, resource):
    ours, theirs = get(client, sibling), get(client, resource)
    assert ours.status_code == 200
    assert ours.content == theirs.content and ours["ETag"] == theirs["ETag"]


def test_json_sibling_of_an_unknown_page_is_a_json_404(client):
    response = get(client, "/agencies/liyang-xinfang/2099.json")
    assert response.status_code == 404
    assert response.json()["detail"] == "没有找到该单位该年度已发布的决算公开。"
