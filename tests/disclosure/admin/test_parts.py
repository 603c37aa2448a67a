"""情况说明数字, 表说明 and 单位构成 on pages of their own, with the disclosure's version."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from disclosure.models import (
    ConsolidatedUnit,
    Disclosure,
    NarrativeFigure,
    ReportFormat,
    TableSpec,
)
from tests.disclosure.admin.browser_form import posted_form
from tests.factories import CLERK, REVIEWER, StandardDisclosureFactory, user_in_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("putuo_for_module")]

STALE = "该决算已被他人修改"


@pytest.fixture
def draft(request, putuo):
    from tests.conftest import draft as module_draft

    return module_draft(request, "putuo_draft_for_module", putuo)


def logged_in(disclosure, name: str) -> Client:
    client = Client()
    client.force_login(user_in_role(CLERK, username=name, agencies=[disclosure.agency]))
    return client


def url(disclosure, part: str) -> str:
    return f"/admin/disclosure/disclosure/{disclosure.pk}/parts/{part}/"


def opened(client, disclosure, part: str) -> dict:
    return posted_form(client.get(url(disclosure, part)).content.decode(), "parts-form")


def form_of(data: dict, prefix: str, pk: int) -> str:
    """The form prefix (figures-3) of the row with this id on the page."""
    return next(
        k.removesuffix("-id") for k, v in data.items() if k.startswith(prefix) and v == str(pk)
    )


def test_a_narrative_figure_is_changed_on_its_page(draft):
    client = logged_in(draft, "clerk")
    figure = NarrativeFigure.objects.filter(disclosure=draft).order_by("pk").first()
    data = opened(client, draft, "figures")
    assert data["figures-TOTAL_FORMS"] == str(
        NarrativeFigure.objects.filter(disclosure=draft).count() + 1
    )
    version = Disclosure.objects.get(pk=draft.pk).version
    data[f"{form_of(data, 'figures', figure.pk)}-value"] = "12.34"
    response = client.post(url(draft, "figures"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert NarrativeFigure.objects.get(pk=figure.pk).value == Decimal("12.34")
    record = figure.history.latest()
    assert (record.history_type, record.history_user.username) == ("~", "clerk")
    assert Disclosure.objects.get(pk=draft.pk).version == version + 1


def test_a_unit_is_added_and_a_note_needs_a_table_of_the_year(draft):
    client = logged_in(draft, "clerk")
    data = opened(client, draft, "units")
    n = int(data["units-TOTAL_FORMS"]) - 1  # the empty form at the end
    data |= {
        f"units-{n}-order": "9",
        f"units-{n}-name": "上海市普陀区测绘所",
        f"units-{n}-remark": "",
    }
    assert client.post(url(draft, "units"), data).status_code == 302
    assert ConsolidatedUnit.objects.filter(disclosure=draft, name="上海市普陀区测绘所").exists()
    other = ReportFormat.objects.create(key="other", name="别的格式")
    TableSpec.objects.create(report_format=other, number="99", title="别的表", row_source="fixed")
    page = client.get(url(draft, "notes")).content.decode()
    choices = re.search(r'<select name="table_notes-0-table".*?</select>', page, re.S).group(0)
    assert choices.count("<option") == 1 + 9  # the blank, then 公开01表 … 公开09表
    assert "别的表" not in page


def test_a_page_opened_before_another_save_is_refused(draft):
    first, second = logged_in(draft, "clerk-a"), logged_in(draft, "clerk-b")
    figure = NarrativeFigure.objects.filter(disclosure=draft).order_by("pk").first()
    page_a, page_b = opened(first, draft, "figures"), opened(second, draft, "figures")
    key = f"{form_of(page_a, 'figures', figure.pk)}-value"
    assert first.post(url(draft, "figures"), page_a | {key: "1"}).status_code == 302
    response = second.post(url(draft, "figures"), page_b | {key: "2"})
    assert STALE in response.content.decode()
    assert NarrativeFigure.objects.get(pk=figure.pk).value == Decimal("1")


def test_a_bad_value_is_a_chinese_error_and_nothing_is_written(draft):
    client = logged_in(draft, "clerk")
    figure = NarrativeFigure.objects.filter(disclosure=draft).order_by("pk").first()
    data = opened(client, draft, "figures")
    data[f"{form_of(data, 'figures', figure.pk)}-value"] = "很多"
    body = client.post(url(draft, "figures"), data).content.decode()
    assert "请更正下面的错误" in body and "输入一个数字" in body
    assert NarrativeFigure.objects.get(pk=figure.pk).value == figure.value


def test_other_agencies_and_readers(draft, putuo):
    stranger = Client()
    stranger.force_login(user_in_role(CLERK, agencies=[StandardDisclosureFactory().agency]))
    assert stranger.get(url(draft, "figures")).status_code == 404
    assert stranger.post(url(draft, "figures"), {}).status_code == 404
    reviewer = Client()
    reviewer.force_login(user_in_role(REVIEWER))
    body = reviewer.get(url(draft, "units")).content.decode()
    assert "上海市普陀区规划和自然资源局" in body and 'value="保存"' not in body
    assert reviewer.post(url(draft, "units"), {}).status_code == 403
    clerk = logged_in(putuo, "clerk")
    assert 'value="保存"' not in clerk.get(url(putuo, "notes")).content.decode()  # published
    assert clerk.get(url(draft, "nothing")).status_code == 404
