"""The disclosure's admin page saves under Django's default limit of 1,000 fields, whatever the
size of its tables: rows and cells are edited on the table grids, not posted with the page."""

import pytest
from django.conf import global_settings, settings

from disclosure.models import Cell, ReportRow
from tests.disclosure.admin.browser_form import posted_form
from tests.factories import (
    CLERK,
    StandardDisclosureFactory,
    column_spec,
    reopened,
    table_spec,
    user_in_role,
    yuan,
)

pytestmark = pytest.mark.django_db


def save_change_page(client, disclosure):
    """What a browser posts when the clerk presses 保存 on the page, unchanged."""
    client.force_login(user_in_role(CLERK, agencies=[disclosure.agency]))
    url = f"/admin/disclosure/disclosure/{disclosure.pk}/change/"
    data = posted_form(client.get(url).content.decode(), "disclosure_form")
    response = client.post(url, {**data, "_save": "保存"})
    return response, data


def test_the_limit_is_djangos_default():
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == global_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


@pytest.mark.parametrize("document", ["seed", "putuo"])
def test_every_demo_disclosure_saves(client, request, document):
    # The demo's documents are published (read-only, nothing to post): their drafts are what
    # a clerk saves, every row copied.
    draft = reopened(request.getfixturevalue(document))
    response, data = save_change_page(client, draft)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_a_generated_disclosure_of_400_rows_saves(client):
    disclosure = StandardDisclosureFactory()
    url = f"/admin/disclosure/disclosure/{disclosure.pk}/change/"
    client.force_login(user_in_role(CLERK, agencies=[disclosure.agency]))
    empty = posted_form(client.get(url).content.decode(), "disclosure_form")
    table = table_spec("05", disclosure.fiscal_year.report_format)
    rows = ReportRow.objects.bulk_create(
        ReportRow(disclosure=disclosure, table=table, order=i, name=f"项目{i}")
        for i in range(1, 401)
    )
    columns = [column_spec(table, label) for label in ("合计", "基本支出", "项目支出")]
    Cell.objects.bulk_create(
        Cell(row=row, column=column, amount_yuan=yuan("1")) for row in rows for column in columns
    )
    response, data = save_change_page(client, disclosure)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert data.keys() == empty.keys()  # the page posts as many fields with 400 rows as with none
