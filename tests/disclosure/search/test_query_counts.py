"""Search and compare cost a fixed number of queries at a generated corpus of 2,000 agencies
(built by code with a seeded RNG and bulk_create, once for the module; see conftest.py)."""

import pytest

from tests.disclosure.search.conftest import AGENCIES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("big_corpus")]

# Agencies: count, page, their published years. Lines: per format (2), groups and samples.
SEARCH_QUERIES = 3 + 2 * 2


@pytest.mark.parametrize(
    "params",
    [
        {"q": "生成"},  # every agency
        {"q": "生成 3区"},  # two words
        {"q": "201"},  # a code in every disclosure of both years
        {"q": "支出"},  # names in every disclosure, both formats
        {"q": "生成", "type": "agencies", "page": "60"},
        {"q": "支出", "type": "lines", "page": "1"},
        {"q": "没有这个词"},
    ],
)
def test_search_costs_the_same_at_any_size(client, django_assert_max_num_queries, params):
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.get("/search/", params)
    assert response.status_code == 200


def test_the_search_finds_all_of_them(client):
    html = client.get("/search/", {"q": "生成"}).content.decode()
    assert f"单位（{AGENCIES} 个）" in html
    lines = client.get("/search/", {"q": "201"}).content.decode()
    assert f"2015年度 {AGENCIES} 个单位；2014年度 {AGENCIES} 个单位" in lines


# The form's choices (years, regions and levels, the 类), the year's disclosures with every
# figure, last year's for the page.
COMPARE_YEAR_QUERIES = 3 + 1 + 1
# The choices, the agency, its years, its peers in those years.
COMPARE_AGENCY_QUERIES = 3 + 1 + 1 + 1


@pytest.mark.parametrize(
    "params",
    [
        {"year": "2015", "measure": "three_public"},
        {"year": "2015", "measure": "class:201", "page": "40"},
        {"year": "2015", "measure": "operating", "region": "生成市3区"},
        {"year": "2014", "measure": "reception", "outliers": "1"},
    ],
)
def test_compare_in_a_year_costs_the_same_at_any_size(
    client, django_assert_max_num_queries, params
):
    with django_assert_max_num_queries(COMPARE_YEAR_QUERIES):
        response = client.get("/compare/", params)
    assert response.status_code == 200
    assert "异常" in response.content.decode() or params.get("region")


def test_compare_across_years_costs_the_same(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(COMPARE_AGENCY_QUERIES):
        response = client.get("/compare/", {"agency": "gen-7", "measure": "basic"})
    html = response.content.decode()
    assert response.status_code == 200 and "2015年度" in html and "2014年度" in html
    assert "同类单位的分布" in html
