"""Changelists at scale (admin/changelists.py): the same queries however many rows, no SELECT
DISTINCT over the rows for a filter's choices, one COUNT, the default order off an index, and
an agency filter that stays bounded."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.admin import changelists
from disclosure.admin.changelists import AGENCY_CHOICES
from tests.factories import (
    CLERK,
    AgencyFactory,
    DisclosureFactory,
    ExpenditureLineFactory,
    StandardDisclosureFactory,
    ThreePublicExpenseFactory,
    UserFactory,
    add_row,
    user_in_role,
)

pytestmark = pytest.mark.django_db

# Session, user, the years' choices, the agencies' choices, one COUNT, the page's rows; the
# public tables' filter lists the table numbers from their own small table (TableSpec).
CHANGELISTS = [
    ("/admin/disclosure/disclosure/", 6),
    ("/admin/disclosure/expenditureline/", 6),
    ("/admin/disclosure/threepublicexpense/", 6),
    ("/admin/disclosure/reportrow/", 7),
    ("/admin/disclosure/cell/", 7),
]


def add_disclosures(n: int) -> None:
    for i in range(n):
        d = DisclosureFactory()
        ExpenditureLineFactory.create_batch(2, disclosure=d)
        ThreePublicExpenseFactory(disclosure=d)
        s = StandardDisclosureFactory(fiscal_year__year=2024)
        add_row(s, "05", f"行{i}", code="2120101", cells={"合计": "1.00"})


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_superuser=True)
    client.force_login(user)
    return user


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize(("url", "queries"), CHANGELISTS)
def test_changelists_ask_the_same_few_questions_however_many_rows(client, superuser, url, queries):
    add_disclosures(2)
    few = queries_of(client, url)
    add_disclosures(6)
    many = queries_of(client, url)
    assert len(many) == len(few) <= queries, many
    scans = [q for q in many if "DISTINCT" in q and '"disclosure_tablespec"' not in q]
    assert not scans, "a filter read every listed row for its choices"
    assert len([q for q in many if "COUNT(" in q]) == 1, "counted twice"


@pytest.mark.parametrize(
    ("url", "order"),
    [
        ("/admin/disclosure/expenditureline/", ["disclosure_id", "statement", "order", "id"]),
        ("/admin/disclosure/reportrow/", ["disclosure_id", "table_id", "order"]),
        ("/admin/disclosure/cell/", ["row_id", "column_id"]),
        ("/admin/disclosure/threepublicexpense/", ["disclosure_id", "item"]),
    ],
)
def test_the_default_order_is_an_index_of_the_rows(client, superuser, url, order):
    add_disclosures(1)
    table = "disclosure_" + url.split("/")[3]
    page = [q for q in queries_of(client, url) if f'FROM "{table}"' in q and "COUNT(" not in q]
    ordered_by = re.search(r"ORDER BY (.*?)(?: LIMIT|$)", page[-1]).group(1)
    columns = [re.sub(r'^.*"(\w+)"(?: ASC)?$', r"\1", part) for part in ordered_by.split(", ")]
    assert columns == order
    indexed = {
        tuple(c["columns"])
        for c in connection.introspection.get_constraints(connection.cursor(), table).values()
        if c["index"] or c["unique"]
    }
    assert tuple(order) in indexed, (order, indexed)


def test_a_clerk_chooses_among_own_agencies(client, seed):
    other = AgencyFactory(name="别的单位")
    DisclosureFactory(agency=other)
    client.force_login(user_in_role(CLERK, agencies=[seed.agency, AgencyFactory(name="第二单位")]))
    body = client.get("/admin/disclosure/expenditureline/").content.decode()
    assert f"disclosure__agency__id__exact={seed.agency.pk}" in body
    assert "第二单位" in body and "别的单位" not in body


def test_thousands_of_agencies_are_not_listed_but_a_chosen_one_still_filters(client, superuser):
    agencies = AgencyFactory.create_batch(AGENCY_CHOICES + 1)
    kept, dropped = (
        ExpenditureLineFactory(disclosure__agency=agencies[0], name="留下的行"),
        ExpenditureLineFactory(disclosure__agency=agencies[1], name="滤掉的行"),
    )
    url = "/admin/disclosure/expenditureline/"
    body = client.get(url).content.decode()
    assert "disclosure__agency__id__exact" not in body  # no list of every agency
    assert kept.name in body and dropped.name in body
    body = client.get(f"{url}?disclosure__agency__id__exact={agencies[0].pk}").content.decode()
    assert kept.name in body and dropped.name not in body
    assert agencies[0].name in body  # the filter shows what it filters on


@pytest.mark.parametrize(
    "url",
    [
        "/admin/disclosure/expenditureline/",
        "/admin/disclosure/reportrow/",
        "/admin/disclosure/cell/",
    ],
)
def test_the_figures_are_counted_up_to_a_cap_and_say_so_past_it(
    client, superuser, url, monkeypatch
):
    add_disclosures(3)  # 6 lines, 3 rows, 3 cells
    exact = client.get(url)
    assert exact.context["cl"].paginator.capped is False
    total = exact.context["cl"].result_count
    assert total >= 3 and "超过" not in exact.content.decode()

    monkeypatch.setattr(changelists, "COUNT_CAP", 2)
    with CaptureQueriesContext(connection) as captured:
        capped = client.get(url)
    cl = capped.context["cl"]
    assert cl.paginator.capped is True and cl.result_count == 2
    html = capped.content.decode()
    assert f"超过 2 条{cl.opts.verbose_name_plural}" in html
    # No "select all 2" across pages: 2 is not how many there are.
    assert 'class="question' not in html and 'class="action-counter"' in html
    (count,) = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 3" in count  # stops reading at the cap, however many rows
    searched = client.get(url, {"q": "测试市"})  # every row's agency: the search's count too
    assert searched.context["cl"].paginator.capped is True
    assert "超过 2 条结果" in searched.content.decode()
