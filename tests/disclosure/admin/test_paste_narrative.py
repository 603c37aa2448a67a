"""The “粘贴情况说明” page: preview writes nothing, the clerk's choices are saved through the
service, bad input is refused in Chinese with nothing written, and only the agency's clerks
of an editable disclosure may save."""

import re
from html import unescape

import pytest

from disclosure.models import Disclosure, ExplanationParagraph, ExplanationSection, NarrativeFigure
from tests.conftest import draft
from tests.factories import CLERK, REVIEWER, user_in_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_draft_for_module")]
TITLE = "一般公共预算财政拨款基本支出决算情况说明"
PRINTED = (
    "一般公共预算财政拨款基本支出 5377.64 万元。其中：人员经费 4896.98 万元；公用经费 480.66 万元。"
)


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def putuo_draft(request, putuo):
    return draft(request, "putuo_draft_for_module", putuo)


@pytest.fixture
def clerk(putuo):
    return user_in_role(CLERK, agencies=[putuo.agency])


def url(disclosure) -> str:
    return f"/admin/disclosure/explanationsection/paste/{disclosure.pk}/"


def state(disclosure) -> tuple:
    return (
        Disclosure.objects.get(pk=disclosure.pk).version,
        list(
            ExplanationParagraph.objects.filter(section__disclosure=disclosure)
            .order_by("pk")
            .values_list("text", flat=True)
        ),
        list(
            NarrativeFigure.objects.filter(disclosure=disclosure)
            .order_by("pk")
            .values_list("key", "value")
        ),
    )


def form(disclosure, **extra) -> dict:
    section = ExplanationSection.objects.get(disclosure=disclosure, title=TITLE)
    data = {
        "section": section.pk,
        "text": PRINTED,
        "version": Disclosure.objects.get(pk=disclosure.pk).version,
        "preview": "预览",
    }
    return data | extra


def without_narrative_figures(disclosure):
    NarrativeFigure.objects.filter(disclosure=disclosure, key="基本支出人员经费").delete()


def test_the_change_page_links_to_the_paste_page(client, putuo_draft, clerk):
    client.force_login(clerk)
    page = client.get(f"/admin/disclosure/disclosure/{putuo_draft.pk}/change/")
    assert url(putuo_draft) in page.content.decode()


def test_preview_marks_every_figure_and_writes_nothing(client, putuo_draft, clerk):
    without_narrative_figures(putuo_draft)
    client.force_login(clerk)
    assert client.get(url(putuo_draft)).status_code == 200
    before = state(putuo_draft)
    response = client.post(url(putuo_draft), form(putuo_draft))
    assert response.status_code == 200
    shown = text(response)
    assert "共 3 个数字：已引用 2，新数字 0，与表格不符 1，照印（标准、限额） 0。" in shown
    assert (
        "“人员经费”印为 4896.98万元，而公开06表 人员经费/人员经费合计（决算数）为 4884.09 万元"
        in shown
    )
    html = response.content.decode()
    assert html.count('class="paste-cited"') == 2 and html.count('class="paste-reported"') == 1
    assert 'name="save"' in html
    assert state(putuo_draft) == before


def test_saving_without_choosing_for_a_reported_figure_is_refused(client, putuo_draft, clerk):
    without_narrative_figures(putuo_draft)
    client.force_login(clerk)
    before = state(putuo_draft)
    response = client.post(url(putuo_draft), form(putuo_draft, save="保存"))
    assert response.status_code == 200
    assert "请选择确认为情况说明数字、按原文照印、改为引用表格数字之一" in text(response)
    assert state(putuo_draft) == before


@pytest.mark.parametrize(
    ("choice", "cited"),
    [("correct", "[[c:06|人员经费/人员经费合计|决算数]]"), ("confirm", "[[f:人员经费]]")],
)
def test_saving_the_clerks_choice(client, putuo_draft, clerk, choice, cited):
    without_narrative_figures(putuo_draft)
    client.force_login(clerk)
    before = state(putuo_draft)
    response = client.post(
        url(putuo_draft), form(putuo_draft, save="保存", **{"p-1-choice": choice})
    )
    assert response.status_code == 302
    assert response["Location"] == url(putuo_draft)
    (paragraph,) = ExplanationParagraph.objects.filter(
        section__title=TITLE, section__disclosure=putuo_draft
    )
    assert paragraph.text == (
        "一般公共预算财政拨款基本支出 [[c:03|合计|基本支出]] 万元。其中：人员经费 "
        f"{cited} 万元；公用经费 [[c:06|公用经费/公用经费合计|决算数]] 万元。"
    )
    assert state(putuo_draft)[0] == before[0] + 1
    added = NarrativeFigure.objects.filter(disclosure=putuo_draft, key="人员经费")
    assert added.exists() == (choice == "confirm")


def test_edited_fields_of_a_proposal_are_saved_and_bad_ones_refused(client, putuo_draft, clerk):
    without_narrative_figures(putuo_draft)
    client.force_login(clerk)
    before = state(putuo_draft)
    bad = {"p-1-choice": "confirm", "p-1-value": "4896.987", "p-1-key": "a b", "save": "保存"}
    shown = text(client.post(url(putuo_draft), form(putuo_draft, **bad)))
    assert "最多两位小数" in shown and "不能含空格" in shown
    assert state(putuo_draft) == before
    good = {
        "p-1-choice": "confirm",
        "p-1-key": "人员经费印出数",
        "p-1-label": "基本支出中人员经费（原文）",
        "save": "保存",
    }
    assert client.post(url(putuo_draft), form(putuo_draft, **good)).status_code == 302
    figure = NarrativeFigure.objects.get(disclosure=putuo_draft, key="人员经费印出数")
    assert (figure.label, str(figure.value), figure.unit) == (
        "基本支出中人员经费（原文）",
        "4896.98",
        "万元",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请粘贴情况说明的文字。"),
        ({"section": "", "title": ""}, "请选择一个情况说明部分，或填写新部分的序号和标题。"),
        ({"section": "999999"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_is_refused_in_chinese(client, putuo_draft, clerk, data, message):
    client.force_login(clerk)
    before = state(putuo_draft)
    response = client.post(url(putuo_draft), form(putuo_draft, save="保存", **data))
    assert response.status_code == 200 and message in text(response)
    assert state(putuo_draft) == before


def test_a_stale_page_is_refused_whole(client, putuo_draft, clerk):
    client.force_login(clerk)
    data = form(putuo_draft, save="保存")
    data["version"] -= 1
    before = state(putuo_draft)
    assert "该决算已被他人修改" in text(client.post(url(putuo_draft), data))
    assert state(putuo_draft) == before


def test_published_disclosures_preview_only_and_refuse_saving(client, putuo, clerk):
    client.force_login(clerk)
    page = client.get(url(putuo))
    assert "已发布的决算不能粘贴情况说明，只能预览。" in text(page)
    before = state(putuo)
    preview = client.post(url(putuo), form(putuo))
    assert "共 3 个数字" in text(preview) and 'name="save"' not in preview.content.decode()
    assert client.post(url(putuo), form(putuo, save="保存")).status_code == 403
    assert state(putuo) == before


def test_other_agencies_clerks_do_not_find_the_page_and_reviewers_cannot_save(client, putuo_draft):
    client.force_login(user_in_role(CLERK))
    assert client.get(url(putuo_draft)).status_code == 404
    client.force_login(user_in_role(REVIEWER))
    assert client.get(url(putuo_draft)).status_code == 200
    before = state(putuo_draft)
    assert client.post(url(putuo_draft), form(putuo_draft, save="保存")).status_code == 403
    assert state(putuo_draft) == before


def test_the_page_costs_a_fixed_number_of_queries(
    client, putuo_draft, clerk, django_assert_max_num_queries
):
    client.force_login(clerk)
    with django_assert_max_num_queries(20):  # 18: session, scoping, the catalogue
        client.post(url(putuo_draft), form(putuo_draft))
