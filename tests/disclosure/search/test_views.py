"""The search page over the two demo documents: what a citizen types, what comes back, and
every link on the page answering."""

import re

import pytest
from django.urls import reverse

from bureaus.models import Agency

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("seed_for_module", "putuo_for_module"),
]

URL = reverse("search")


def links(html: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)', html)}


def test_an_agency_by_name_region_and_level(client):
    for q in ["信访局", "溧阳", "一级局", "普陀 规划"]:
        html = client.get(URL, {"q": q}).content.decode()
        assert "/agencies/" in html, q
    html = client.get(URL, {"q": "溧阳"}).content.decode()
    assert (
        "溧阳市信访局" in html and "上海市普陀区规划和自然资源局" not in html.split("预算科目")[0]
    )


def test_an_agency_by_a_former_name(client):
    Agency.objects.filter(slug="putuo-ghzy").update(former_names="上海市普陀区规划土地管理局\n")
    html = client.get(URL, {"q": "规划土地管理"}).content.decode()
    assert "上海市普陀区规划和自然资源局" in html
    assert "曾用名：上海市普陀区规划土地管理局" in html


def test_budget_lines_by_code_and_name_across_formats(client):
    by_code = client.get(URL, {"q": "221"}).content.decode()
    # 住房保障支出 is printed by the 2014 seed and the 2024 Putuo tables alike: one group.
    assert by_code.count("住房保障支出</strong>") == 1
    assert "2024年度 1 个单位；2014年度 1 个单位" in by_code
    assert "/agencies/liyang-xinfang/2014/" in by_code and "/agencies/putuo-ghzy/2024/" in by_code
    by_name = client.get(URL, {"q": "行政运行"}).content.decode()
    assert "行政运行" in by_name and "/agencies/putuo-ghzy/2024/" in by_name


def test_one_kind_page_by_page(client):
    html = client.get(URL, {"q": "支出", "type": "lines"}).content.decode()
    assert "第 1 页" in html
    assert client.get(URL, {"q": "支出", "type": "lines", "page": "999"}).status_code == 200


def test_every_link_answers(client):
    for q in ["信访", "221", "支出"]:
        html = client.get(URL, {"q": q}).content.decode()
        for href in links(html):
            status = client.get(href).status_code
            assert status == 200, (q, href, status)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "x" * 51}, "搜索词太长"),
        ({"q": "局"}, "请至少输入 2 个字"),
        ({"q": "信访\x00局"}, "无法识别的字符"),
        ({"q": "a b c d e f"}, "不要超过 5 个词"),
        ({"q": "信访", "page": "abc"}, "页码应为正整数"),
        ({"q": "信访", "page": "-1"}, "页码应为正整数"),
        ({"q": "信访", "type": "x"}, "结果类别"),
    ],
)
def test_bad_input_is_a_chinese_message_not_an_error(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_odd_but_harmless_queries_are_searched_as_typed(client):
    for q in ["%%", "__", "'; drop table", "２２１", "<script>"]:
        response = client.get(URL, {"q": q})
        assert response.status_code == 200, q
        assert "<script>" not in response.content.decode().split("<main")[1]
    assert "住房保障支出" in client.get(URL, {"q": "２２１"}).content.decode()


def test_an_empty_query_asks_for_one(client):
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200
    assert "请输入要查找的" in response.content.decode()


def test_the_box_is_on_every_page(client):
    for url in ["/", "/agencies/liyang-xinfang/", "/agencies/putuo-ghzy/2024/", "/years/2014/"]:
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/search/"' in html, url
