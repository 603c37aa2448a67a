"""The classification autocomplete offers the codes of the disclosure's year, named by the page's
widget (`?disclosure=<id>`), never guessed from the Referer header."""

import re
from html import unescape

import pytest

from disclosure.models import ReportRow
from tests.factories import CLERK, REVIEWER, reopened, user_in_role

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = "/admin/autocomplete/"
SOURCE = {"app_label": "disclosure", "model_name": "reportrow", "field_name": "classification"}
NEW_NAME, OLD_NAME = "210 卫生健康支出", "210 医疗卫生与计划生育支出"  # 2018+ and 2014 names


def names(client, url=AUTOCOMPLETE, **params) -> list[str]:
    response = client.get(url, {**SOURCE, "term": "210", **params})
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def widget_urls(html: str) -> set[str]:
    return {unescape(u) for u in re.findall(r'data-ajax--url="([^"]+)"', html)}


@pytest.fixture
def draft(putuo):
    return reopened(putuo)


@pytest.fixture
def clerk(client, draft):
    user = user_in_role(CLERK, agencies=[draft.agency])
    client.force_login(user)
    return user


def test_the_disclosure_param_offers_only_its_years_codes_without_a_referer(client, clerk, draft):
    found = names(client, disclosure=draft.pk)
    assert NEW_NAME in found and OLD_NAME not in found


def test_the_pages_widgets_name_their_disclosure(client, clerk, draft):
    url = f"{AUTOCOMPLETE}?disclosure={draft.pk}"
    row = ReportRow.objects.filter(disclosure=draft).first()
    page = client.get(f"/admin/disclosure/reportrow/{row.pk}/change/").content.decode()
    assert url in widget_urls(page)
    # 增加一行 below a table's grid opens the add page with its disclosure and table.
    new_row = f"/admin/disclosure/reportrow/add/?disclosure={draft.pk}&table={row.table_id}"
    assert url in widget_urls(client.get(new_row).content.decode())
    page = client.get("/admin/disclosure/reportrow/add/").content.decode()
    assert AUTOCOMPLETE in widget_urls(page)  # no disclosure yet: every code
    assert not any("disclosure=" in u for u in widget_urls(page))


def test_a_referer_is_not_trusted(client, clerk, draft):
    row = ReportRow.objects.filter(disclosure=draft).first()
    referer = f"http://testserver/admin/disclosure/reportrow/{row.pk}/change/"
    response = client.get(AUTOCOMPLETE, {**SOURCE, "term": "210"}, headers={"referer": referer})
    found = [r["text"] for r in response.json()["results"]]
    assert NEW_NAME in found and OLD_NAME in found  # only the parameter narrows


def test_another_agencys_disclosure_offers_nothing(client, clerk, seed):
    assert names(client, disclosure=seed.pk) == []  # not which version the other year has
    client.force_login(user_in_role(REVIEWER))  # reviewers see every agency: its year's codes
    found = names(client, disclosure=seed.pk)
    assert OLD_NAME in found and NEW_NAME not in found


@pytest.mark.parametrize("bad", ["abc", "-1", "", "1.5", "99999999999999999999999", "٣", "²"])
def test_a_bad_id_offers_nothing_and_is_no_error(client, clerk, bad):
    assert names(client, disclosure=bad) == []
