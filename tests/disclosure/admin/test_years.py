"""A reviewer opens a year in the admin; a clerk starts its disclosure from last year's
structure and finds last year's lines and staffing categories laid out (issue 11, item 5)."""

import pytest

from disclosure.models import Disclosure, FiscalYear
from disclosure.workflow import services
from tests.factories import CLERK, REVIEWER, AgencyFactory, user_in_role

pytestmark = pytest.mark.django_db

YEARS = "/admin/disclosure/fiscalyear/"
START = "/admin/disclosure/disclosure/start/"


def test_the_add_page_proposes_the_next_year_laid_out_as_the_last(client, seed):
    client.force_login(user_in_role(REVIEWER))
    body = client.get(f"{YEARS}add/").content.decode()
    assert 'name="year" value="2015"' in body
    assert '<option value="2014" selected>' in body  # the format of 2014


def test_a_reviewer_opens_a_year_in_the_admin(client, seed):
    reviewer = user_in_role(REVIEWER)
    client.force_login(reviewer)
    response = client.post(
        f"{YEARS}add/", {"year": "2015", "disclosure_format": "2014", "code_version": ""}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    opened = FiscalYear.objects.get(year=2015)
    assert opened.code_version == seed.fiscal_year.code_version  # defaulted
    assert opened.history.get().history_user == reviewer


def test_an_existing_year_is_a_chinese_error(client, seed):
    client.force_login(user_in_role(REVIEWER))
    response = client.post(f"{YEARS}add/", {"year": "2014", "disclosure_format": "2014"})
    assert "2014年度已存在，不能重复开设。" in response.content.decode()


def test_a_clerk_cannot_open_a_year(client, seed):
    client.force_login(user_in_role(CLERK, agencies=[seed.agency]))
    assert client.get(f"{YEARS}add/").status_code == 403


def test_the_clerk_starts_the_new_year_and_finds_last_years_rows_laid_out(client, seed):
    fy2015 = services.fiscal_year_open(year=2015, by=user_in_role(REVIEWER))
    client.force_login(user_in_role(CLERK, agencies=[seed.agency]))
    changelist = client.get("/admin/disclosure/disclosure/").content.decode()
    assert "按上年结构新建" in changelist and START in changelist
    response = client.post(START, {"agency": seed.agency.pk, "fiscal_year": fy2015.pk})
    draft = Disclosure.objects.get(agency=seed.agency, fiscal_year=fy2015)
    assert response.status_code == 302 and response.url.endswith(f"/{draft.pk}/change/")
    body = client.get(response.url).content.decode()
    for name in seed.lines.values_list("name", flat=True):
        assert f'value="{name}"' in body, name
    assert f'name="lines-TOTAL_FORMS" value="{seed.lines.count()}"' in body
    for category in seed.staffing.values_list("category", flat=True):
        assert f'value="{category}"' in body, category
    assert 'name="staffing-0-headcount" value=""' in body or 'name="staffing-0-headcount"' in body


def test_the_start_page_offers_only_the_clerks_agencies(client, seed):
    fy2015 = services.fiscal_year_open(year=2015, by=user_in_role(REVIEWER))
    client.force_login(user_in_role(CLERK, agencies=[AgencyFactory()]))
    response = client.post(START, {"agency": seed.agency.pk, "fiscal_year": fy2015.pk})
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Disclosure.objects.filter(fiscal_year=fy2015).exists()
